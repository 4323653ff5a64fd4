"""Form pieces with a visible label on every control and live feedback regions."""

from __future__ import annotations

from collections.abc import Sequence

import reflex as rx

from ticketapp.state.account.auth import AuthState
from ticketapp.state.locale import LocaleState


def tv(message: rx.Var[str]) -> rx.Var[str]:
    """Translate a message id held in a state var (follows the language live)."""
    return LocaleState.messages.get(message, message).to(str)


def text_field(
    label: rx.Var[str],
    name: str,
    *,
    field_type: str = "text",
    autocomplete: str = "off",
    required: bool = True,
    default_value: rx.Var[str] | str = "",
    hint: rx.Var[str] | None = None,
    field_id: str = "",
    on_blur: rx.EventHandler | None = None,
) -> rx.Component:
    """A labelled input; pass `t("...")` for label and hint so they are extracted and translated."""
    field_id = field_id or f"field-{name}"
    hint_id = f"{field_id}-hint"
    return rx.vstack(
        rx.el.label(label, html_for=field_id, font_weight="500"),
        rx.el.input(
            id=field_id,
            name=name,
            type=field_type,
            auto_complete=autocomplete,
            required=required,
            default_value=default_value,
            aria_describedby=hint_id if hint is not None else None,
            class_name="text-input",
            **({"on_blur": on_blur} if on_blur is not None else {}),
        ),
        rx.text(hint, id=hint_id, size="1", color_scheme="gray") if hint is not None else rx.fragment(),
        spacing="1",
        width="100%",
        align="stretch",
    )


def checkbox_field(label: rx.Var[str], name: str) -> rx.Component:
    field_id = f"field-{name}"
    return rx.hstack(
        rx.el.input(id=field_id, name=name, type="checkbox"),
        rx.el.label(label, html_for=field_id),
        align="center",
        spacing="2",
    )


def select_field(
    label: rx.Var[str], name: str, options: Sequence[tuple[str, rx.Var[str] | str]], value: rx.Var[str] | str
) -> rx.Component:
    field_id = f"field-{name}"
    return rx.vstack(
        rx.el.label(label, html_for=field_id, font_weight="500"),
        rx.el.select(
            *[rx.el.option(text, value=code) for code, text in options],
            id=field_id,
            name=name,
            default_value=value,
            key=value,
            class_name="text-input",
        ),
        spacing="1",
        width="100%",
        align="stretch",
    )


def error_region(message: rx.Var[str]) -> rx.Component:
    """An alert that screen readers announce as soon as a message appears."""
    return rx.box(
        rx.cond(
            message != "",
            rx.callout(tv(message), icon="triangle_alert", color_scheme="red"),
            rx.fragment(),
        ),
        role="alert",
        width="100%",
    )


def status_region(message: rx.Var[str]) -> rx.Component:
    return rx.box(
        rx.cond(
            message != "",
            rx.callout(tv(message), icon="circle_check", color_scheme="green"),
            rx.fragment(),
        ),
        role="status",
        aria_live="polite",
        width="100%",
    )


def submit_button(label: rx.Var[str]) -> rx.Component:
    # Disabled until the page is connected, so an early click never becomes a plain
    # browser form submission (which would put the password in the URL).
    return rx.button(label, type="submit", size="3", disabled=~AuthState.connected)


def form_card(*children: rx.Component, max_width: str = "28rem") -> rx.Component:
    return rx.card(rx.vstack(*children, spacing="4", width="100%"), width="100%", max_width=max_width)
