"""The custom questions' fields (checkout and the buyer's order page): one labelled control per answer slot,
by kind, marked invalid and described by the error message while a refusal is about it."""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex.vars import ObjectVar

from ticketapp.components.forms import select_field, text_field, textarea_field
from ticketapp.state.locale import t

TEXT_INPUTS: dict[str, dict[str, Any]] = {
    "text": {"max_length": 200},
    "number": {"input_mode": "decimal", "max_length": 20},
    "date": {"type": "date"},
    "phone": {"type": "tel", "auto_complete": "tel", "max_length": 30},
}


def answer_fields(state: Any, error_id: str) -> rx.Component:
    """Every field of `state.question_fields` (a state with question_options, countries, yes_no and error_field)."""
    return rx.foreach(state.question_fields, lambda field: _field(state, field, error_id))


def _field(state: Any, field: ObjectVar[dict[str, str]], error_id: str) -> rx.Component:
    control = field["control"]
    common: dict[str, Any] = {
        "hint": field["help"],
        "invalid": state.error_field == control,
        "error_id": error_id,
        "aria_required": field["required"],
    }
    options = state.question_options[field["key"]].to(list[str])
    blank = rx.el.option(t("Choose…"), value="")
    return rx.match(
        field["kind"],
        (
            "long_text",
            textarea_field(field["label"], control, default_value=field["value"], rows=3, max_length=2000, **common),
        ),
        (
            "choice",
            select_field(
                field["label"],
                control,
                [blank, rx.foreach(options, lambda o: rx.el.option(o, value=o))],
                default_value=field["value"],
                **common,
            ),
        ),
        (
            "yes_no",
            select_field(
                field["label"],
                control,
                [blank, rx.foreach(options, lambda o: rx.el.option(state.yes_no[o], value=o))],
                default_value=field["value"],
                **common,
            ),
        ),
        (
            "country",
            select_field(
                field["label"],
                control,
                [blank, rx.foreach(state.countries, lambda c: rx.el.option(c["name"], value=c["code"]))],
                default_value=field["value"],
                auto_complete="country",
                **common,
            ),
        ),
        ("multiple_choice", _choices(state, field, options, error_id)),
        *[
            (kind, text_field(field["label"], control, default_value=field["value"], **props, **common))
            for kind, props in TEXT_INPUTS.items()
        ],
        rx.fragment(),
    )


def _choices(state: Any, field: ObjectVar[dict[str, str]], options: Any, error_id: str) -> rx.Component:
    """A group of checkboxes: the fieldset carries the group's name, help and error (focusable for the error)."""
    control = field["control"]
    invalid = state.error_field == control
    chosen = field["value"].split("\n")
    return rx.el.fieldset(
        rx.el.legend(field["label"], class_name="field-label"),
        rx.flex(
            rx.foreach(
                options,
                lambda option, i: rx.hstack(
                    rx.el.input(
                        type="checkbox",
                        id=control + "-" + i.to_string(),
                        name=control + "-" + i.to_string(),
                        default_checked=chosen.contains(option),
                    ),
                    rx.el.label(option, html_for=control + "-" + i.to_string()),
                    align="center",
                    spacing="2",
                ),
            ),
            spacing="3",
            wrap="wrap",
        ),
        rx.text(field["help"], id=control + "-hint", size="1", color_scheme="gray"),
        id=control,
        tab_index=-1,
        aria_invalid=rx.cond(invalid, "true", "false"),
        aria_describedby=rx.cond(invalid, control + "-hint " + error_id, control + "-hint"),
        class_name="ticket-type-fieldset",
        width="100%",
    )
