"""/admin/events/questions?id=N (admins): the questions an event's checkout asks; create, edit, reorder, remove."""

from __future__ import annotations

import reflex as rx
from reflex.vars import ObjectVar

from ticketapp.components.admin import shell
from ticketapp.components.forms import checkbox_field, select_field, text_field, textarea_field
from ticketapp.i18n import msgid
from ticketapp.state.admin.questions import TYPE_PREFIX
from ticketapp.state.admin.questions import AdminQuestionsState as S
from ticketapp.state.locale import t


def _question_row(row: ObjectVar[dict[str, str]]) -> rx.Component:
    named = lambda action: t(action) + " " + row["label"]  # noqa: E731  # each row's buttons say which question
    return rx.el.tr(
        rx.el.td(rx.el.strong(row["label"])),
        rx.el.td(row["kind"]),
        rx.el.td(row["scope"]),
        rx.el.td(row["types"]),
        rx.el.td(row["required"]),
        rx.el.td(row["checkin"]),
        rx.el.td(
            rx.hstack(
                shell.small_button(t("Edit"), on_click=S.edit(row["id"]), aria_label=named(msgid("Edit"))),
                shell.small_button(t("Up"), on_click=S.move_up(row["id"]), aria_label=named(msgid("Move up"))),
                shell.small_button(t("Down"), on_click=S.move_down(row["id"]), aria_label=named(msgid("Move down"))),
                shell.confirm_button(
                    t("Remove"),
                    t("Remove this question?"),
                    rx.text(row["label"], " — ", t("Orders keep their answers.")),
                    S.remove(row["id"]),
                ),
                spacing="2",
                wrap="wrap",
            )
        ),
    )


def _type_choice(ticket_type: ObjectVar[dict[str, str]]) -> rx.Component:
    return checkbox_field(
        ticket_type["name"],
        "qt-" + ticket_type["id"],
        name=TYPE_PREFIX + ticket_type["id"],
        default_checked=S.draft_types.contains(ticket_type["id"]),
    )


def _question_form() -> rx.Component:
    return rx.el.form(
        rx.heading(rx.cond(S.editing != "", t("Edit the question"), t("New question")), as_="h2", size="4"),
        rx.grid(
            text_field(
                t("Question"),
                "q-label",
                name="label",
                default_value=S.draft.get("label", ""),
                required=True,
                max_length=200,
            ),
            select_field(
                t("Answer"),
                "q-kind",
                rx.foreach(S.kinds, lambda k: rx.el.option(k["label"], value=k["value"])),
                name="kind",
                default_value=S.draft.get("kind", "text"),
            ),
            select_field(
                t("Asked"),
                "q-scope",
                rx.foreach(S.scopes, lambda k: rx.el.option(k["label"], value=k["value"])),
                name="scope",
                default_value=S.draft.get("scope", "order"),
            ),
            text_field(
                t("Help text (optional)"),
                "q-help",
                name="help_text",
                default_value=S.draft.get("help_text", ""),
                max_length=500,
            ),
            columns=rx.breakpoints(initial="1", sm="2"),
            spacing="3",
            width="100%",
        ),
        textarea_field(
            t("Options, one per line (for a choice)"),
            "q-options",
            name="options",
            default_value=S.draft.get("options", ""),
            rows=3,
        ),
        rx.el.fieldset(
            rx.el.legend(t("Ask only for these ticket types (none ticked: all)")),
            rx.flex(rx.foreach(S.ticket_types, _type_choice), spacing="3", wrap="wrap"),
            class_name="ticket-type-fieldset",
        ),
        rx.flex(
            checkbox_field(
                t("Required"), "q-required", name="required", default_checked=S.draft.get("required", "") == "on"
            ),
            checkbox_field(
                t("Show at check-in"),
                "q-checkin",
                name="show_at_checkin",
                default_checked=S.draft.get("show_at_checkin", "") == "on",
            ),
            spacing="4",
            wrap="wrap",
        ),
        rx.hstack(
            rx.button(t("Save question"), type="submit"),
            rx.cond(S.editing != "", rx.button(t("Cancel"), type="button", variant="soft", on_click=S.cancel_edit)),
            spacing="3",
        ),
        on_submit=S.save,
        # Remounted (so the fields take their starting values) when another question is edited or a save refused.
        key=S.editing + ":" + S.draft.get("label", "") + ":" + S.draft_types.join(","),
        aria_label=t("Question"),
        width="100%",
        class_name="admin-form",
        display="flex",
        flex_direction="column",
        gap="0.75rem",
    )


@shell.admin_route("/admin/events/questions", "Questions", S)
def questions_page() -> rx.Component:
    return shell.admin_page(
        S,
        rx.cond(
            S.found,
            rx.fragment(
                shell.page_heading(
                    t("Questions") + " · " + S.event_title,
                    rx.link(t("Back to the event"), href="/admin/events/edit?id=" + S.event_id),
                ),
                rx.text(
                    t("Buyers answer these at checkout and may change their answers until the event starts."),
                    color_scheme="gray",
                ),
                _question_form(),
                shell.feedback(S.message, S.message_is_error),
                shell.admin_table(
                    [
                        msgid("Question"),
                        msgid("Answer"),
                        msgid("Asked"),
                        msgid("Ticket types"),
                        msgid("Required"),
                        msgid("Show at check-in"),
                        msgid("Actions"),
                    ],
                    S.rows,
                    _question_row,
                    empty=msgid("No questions yet: checkout asks only for the buyer's name and e-mail."),
                    label=t("Questions"),
                ),
            ),
            rx.text(t("Event not found.")),
        ),
    )
