"""Form pieces: one labelled field (label, control, help text, error slot) and its variants,
the live feedback regions and the submit button. Native elements: accessible and easy to
drive from tests."""

from __future__ import annotations

import json
from typing import Any

import reflex as rx
from reflex_base.components.component import field
from reflex_components_core.el.elements.base import BaseHTML

from ticketapp.services.risk.bots import HONEYPOT_FIELD
from ticketapp.state.account.auth import AuthState
from ticketapp.state.locale import LocaleState, t

Label = rx.Var[str] | str
# How long a controlled field waits after the last keystroke before it sends its value:
# the text stays in the browser meanwhile, so an answer never overwrites newer typing.
DEBOUNCE_MS = 300
# An uncontrolled chat box tells the server "typing" at most this often.
TYPING_THROTTLE_MS = 1_000
TYPED_INPUTS = frozenset({"text", "email", "search", "tel", "url", "password", "textarea"})
ControlId = rx.Var[str] | str  # a Var inside rx.foreach rows


def tv(message: rx.Var[str]) -> rx.Var[str]:
    """Translate a message id held in a state var (follows the language live)."""
    return LocaleState.messages.get(message, message).to(str)


def _hint_id(control_id: ControlId) -> str:
    """The id of a field's help text, for the control's `aria-describedby`."""
    return f"{control_id}-hint"


def labelled_field(
    label: Label,
    control: rx.Component,
    control_id: ControlId,
    *,
    hint: Label | None = None,
    error: rx.Component | None = None,
    width: str = "100%",
) -> rx.Component:
    """The one labelled field: a visible label, its control, then help text and an error slot.

    The control carries `id=control_id`; the variants below build it so and point its
    `aria-describedby` at the help text.
    """
    return rx.vstack(
        rx.el.label(label, html_for=control_id, class_name="field-label"),
        control,
        rx.text(hint, id=_hint_id(control_id), size="1", color_scheme="gray") if hint is not None else rx.fragment(),
        error if error is not None else rx.fragment(),
        spacing="1",
        width=width,
        align="stretch",
    )


def _control_props(
    control_id: ControlId,
    name: str | None,
    hint: Label | None,
    props: dict[str, Any],
    invalid: rx.Var[bool] | None = None,
    error_id: str | None = None,
) -> dict[str, Any]:
    """The control's id, name and class; `aria-describedby` names its help text and, while `invalid`,
    the error message `error_id` (so a screen reader reads why when it lands on the field)."""
    hint_ids = _hint_id(control_id) if hint is not None else ""
    described: dict[str, Any] = {"aria_describedby": hint_ids} if hint_ids else {}
    if invalid is not None and error_id:
        described = {
            "aria_invalid": rx.cond(invalid, "true", "false"),
            "aria_describedby": rx.cond(invalid, f"{hint_ids} {error_id}".strip(), hint_ids),
        }
    return {"id": control_id, "name": name or control_id, "class_name": "field", **described, **props}


def _debounced(control: rx.Component, props: dict[str, Any]) -> rx.Component:
    """A control bound to a var (`value=` with `on_change=`) sends its text once typing pauses.

    Text fields are either uncontrolled (`default_value=` and `name=`, read from the
    submitted form) or debounced here; never one round trip per keystroke.
    """
    typed = props.get("type", "text") in TYPED_INPUTS
    if typed and "value" in props and "on_change" in props:
        return rx.debounce_input(control, debounce_timeout=DEBOUNCE_MS)
    return control


def text_field(
    label: Label,
    control_id: ControlId,
    *,
    name: str | None = None,
    hint: Label | None = None,
    error: rx.Component | None = None,
    width: str = "100%",
    invalid: rx.Var[bool] | None = None,
    error_id: str | None = None,
    **props: Any,
) -> rx.Component:
    """A labelled input (named after its id unless `name` is given); `props` go to the input.

    `invalid` with `error_id`: the field is marked invalid and described by that message while it holds."""
    control = _input(control_id, name, hint, props, invalid, error_id)
    return labelled_field(label, control, control_id, hint=hint, error=error, width=width)


def _input(
    control_id: str,
    name: str | None,
    hint: Label | None,
    props: dict[str, Any],
    invalid: rx.Var[bool] | None,
    error_id: str | None,
) -> rx.Component:
    """The `<input>` of a text or password field, with its aria attributes, debounced when bound to a var."""
    return _debounced(rx.el.input(**_control_props(control_id, name, hint, props, invalid, error_id)), props)


def email_field(label: Label, control_id: ControlId, **options: Any) -> rx.Component:
    return text_field(label, control_id, type="email", **options)


def _reveal_script(control_id: str) -> str:
    """Flip the field between hidden and shown in the browser (no round trip: the password stays on the page)."""
    return (
        f"(() => {{ const field = document.getElementById({json.dumps(control_id)});"
        f" const button = document.getElementById({json.dumps(control_id + '-reveal')});"
        " if (!field || !button) return; const show = field.type === 'password';"
        " field.type = show ? 'text' : 'password'; button.setAttribute('aria-pressed', String(show)); })()"
    )


def password_field(
    label: Label,
    control_id: str,
    *,
    name: str | None = None,
    hint: Label | None = None,
    error: rx.Component | None = None,
    width: str = "100%",
    invalid: rx.Var[bool] | None = None,
    error_id: str | None = None,
    **props: Any,
) -> rx.Component:
    """A password input with a "Show password" toggle button (aria-pressed says whether it is shown);
    `invalid` and `error_id` as for `text_field`."""
    field = _input(control_id, name, hint, {"type": "password", **props}, invalid, error_id)
    toggle = rx.button(
        rx.icon("eye", aria_hidden="true"),
        t("Show password"),
        type="button",
        id=f"{control_id}-reveal",
        aria_pressed="false",
        aria_controls=control_id,
        on_click=rx.call_script(_reveal_script(control_id)),
        variant="soft",
        color_scheme="gray",
        high_contrast=True,
    )
    control = rx.hstack(rx.box(field, flex="1", min_width="0", display="grid"), toggle, spacing="2", align="center")
    return labelled_field(label, control, control_id, hint=hint, error=error, width=width)


def select_field(
    label: Label,
    control_id: ControlId,
    options: list[rx.Component] | rx.Component,
    *,
    name: str | None = None,
    width: str = "100%",
    invalid: rx.Var[bool] | None = None,
    error_id: str | None = None,
    **props: Any,
) -> rx.Component:
    """A labelled select over `rx.el.option`s (a list, or one `rx.foreach`); `invalid` and `error_id` as for
    `text_field`."""
    children = options if isinstance(options, list) else [options]
    control = rx.el.select(*children, **_control_props(control_id, name, None, props, invalid, error_id))
    return labelled_field(label, control, control_id, width=width)


def textarea_field(
    label: Label, control_id: ControlId, *, name: str | None = None, width: str = "100%", **props: Any
) -> rx.Component:
    control = _debounced(rx.el.textarea(**_control_props(control_id, name, None, props)), {"type": "textarea", **props})
    return labelled_field(label, control, control_id, width=width)


def checkbox_field(label: Label, control_id: ControlId, *, name: str | None = None, **props: Any) -> rx.Component:
    """A native checkbox with its label on the right; `props` go to the checkbox."""
    return rx.hstack(
        rx.el.input(id=control_id, name=name or control_id, type="checkbox", **props),
        rx.el.label(label, html_for=control_id),
        align="center",
        spacing="2",
    )


def error_region(message: rx.Var[str], region_id: str | None = None) -> rx.Component:
    """An alert that screen readers announce as soon as a message appears; `region_id` lets fields point at it."""
    return rx.box(
        rx.cond(
            message != "",
            rx.callout(tv(message), icon="triangle_alert", color_scheme="red"),
            rx.fragment(),
        ),
        role="alert",
        width="100%",
        **({"id": region_id} if region_id else {}),
    )


def status_region(message: rx.Var[str]) -> rx.Component:
    """A confirmation that screen readers announce politely; shown while `message` is set."""
    return done_region(message != "", tv(message), icon="circle_check", width="100%")


def done_region(shown: rx.Var[bool], message: rx.Var[str] | str, *, icon: str = "check", **props: Any) -> rx.Component:
    """A confirmation (green callout) in a polite live region, shown while `shown` is true."""
    return rx.box(
        rx.cond(shown, rx.callout(message, icon=icon, color_scheme="green"), rx.fragment()),
        role="status",
        aria_live="polite",
        **props,
    )


def submit_button(label: rx.Var[str]) -> rx.Component:
    # Disabled until the page is connected, so an early click never becomes a plain
    # browser form submission (which would put the password in the URL).
    return rx.button(label, type="submit", size="3", disabled=~AuthState.connected)


class PostForm(BaseHTML):
    """A plain HTML form the browser itself submits, POST or GET (rx.el.form always routes submits to a handler)."""

    tag = "form"

    action: rx.Var[str] = field(doc="Where the browser posts the form")

    method: rx.Var[str] = field(doc="The HTTP method (post)")


def sign_out_form(label: rx.Var[str], **button_props: Any) -> rx.Component:
    """Sign-out: a form POST to /auth/signout, the route that revokes the session and clears its
    HttpOnly cookies (no script can); the page load that follows drops the tab's state."""
    return PostForm.create(
        rx.button(label, type="submit", **button_props), action="/auth/signout", method="post", class_name="sign-out"
    )


def form_card(*children: rx.Component, max_width: str = "28rem") -> rx.Component:
    return rx.card(rx.vstack(*children, spacing="4", width="100%"), width="100%", max_width=max_width)


def honeypot(name: str = HONEYPOT_FIELD) -> rx.Component:
    """A field people never see, reach or hear (hidden, out of the tab order, aria-hidden); bots fill it in
    (services/risk/bots.py)."""
    return rx.el.div(
        rx.el.label("Leave this field empty", html_for=f"hp-{name}"),
        rx.el.input(id=f"hp-{name}", name=name, type="text", tab_index=-1, auto_complete="off", default_value=""),
        aria_hidden="true",
        class_name="visually-hidden",
    )


def labelled_upload(label: Label, *children: rx.Component, **props: Any) -> rx.Component:
    """`rx.upload` whose hidden file input is named `label` (react-dropzone's input has no label of its own,
    and `rx.upload` passes no props to it)."""
    upload = rx.upload(*children, **props)
    zone = upload.children[0]
    file_input = zone.children[0]
    file_input.custom_attrs["aria-label"] = label
    return upload
