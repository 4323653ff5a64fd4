"""/admin/events/messages?id=N (admins): the event's e-mail templates with a preview, and its scheduled and
one-off messages to buyers or attendees with their progress."""

from __future__ import annotations

import reflex as rx
from reflex.vars import ObjectVar

from ticketapp.components.admin import shell
from ticketapp.components.forms import select_field, text_field, textarea_field
from ticketapp.i18n import msgid
from ticketapp.state.admin.messaging import AdminMessagingState as S
from ticketapp.state.locale import t


def _option(choice: ObjectVar[dict[str, str]]) -> rx.Component:
    return rx.el.option(choice["label"], value=choice["value"])


def _template_form() -> rx.Component:
    return rx.el.form(
        rx.heading(t("E-mail templates"), as_="h2", size="5"),
        rx.text(
            t(
                "Your text replaces the opening of the e-mail in that language; ticket links, buttons and "
                "attachments stay. Without a template the built-in text is sent."
            ),
            color_scheme="gray",
        ),
        rx.grid(
            select_field(
                t("E-mail"), "tpl-kind", rx.foreach(S.kinds, _option), value=S.tpl_kind, on_change=S.choose_kind
            ),
            select_field(
                t("Language"),
                "tpl-lang",
                rx.foreach(S.languages, _option),
                value=S.tpl_lang,
                on_change=S.choose_language,
            ),
            columns=rx.breakpoints(initial="1", sm="2"),
            spacing="3",
            width="100%",
        ),
        rx.text(
            rx.cond(S.tpl_custom, t("This e-mail uses your template."), t("This e-mail uses the built-in text.")),
            weight="medium",
        ),
        text_field(
            t("Subject"), "tpl-subject", name="subject", default_value=S.tpl_subject, required=True, max_length=200
        ),
        textarea_field(
            t("Text (a blank line starts a new paragraph)"),
            "tpl-body",
            name="body",
            default_value=S.tpl_body,
            rows=8,
            hint=t("Placeholders") + ": " + S.placeholders,
        ),
        rx.hstack(
            rx.button(t("Preview"), type="submit", variant="soft", on_click=S.set_intent("preview")),
            rx.button(t("Save template"), type="submit", on_click=S.set_intent("save")),
            rx.cond(
                S.tpl_custom,
                shell.confirm_button(
                    t("Use the built-in text"),
                    t("Remove your template for this e-mail?"),
                    t("The built-in text is sent again."),
                    S.reset_template,
                ),
            ),
            spacing="3",
            wrap="wrap",
            align="center",
        ),
        on_submit=S.submit_template,
        key=S.tpl_kind + ":" + S.tpl_lang + ":" + S.tpl_version.to_string(),
        aria_label=t("E-mail template"),
        width="100%",
        class_name="admin-form",
        display="flex",
        flex_direction="column",
        gap="0.75rem",
    )


def _preview() -> rx.Component:
    return rx.cond(
        S.preview_subject != "",
        rx.card(
            rx.heading(t("Preview with a sample order"), as_="h3", size="3"),
            rx.text(t("Subject"), ": ", rx.el.strong(S.preview_subject)),
            rx.foreach(S.preview_paragraphs, lambda text: rx.text(text, as_="p", white_space="pre-line")),
            role="region",
            aria_label=t("Preview"),
            width="100%",
        ),
    )


def _message_form() -> rx.Component:
    return rx.el.form(
        rx.heading(t("Messages to buyers and attendees"), as_="h2", size="5"),
        rx.text(
            t(
                "Leave the subject and text empty to send the reminder template in each buyer's language. "
                "Each address gets a message once; addresses that unsubscribed are skipped."
            ),
            color_scheme="gray",
        ),
        text_field(t("Subject"), "msg-subject", name="subject", max_length=200),
        textarea_field(
            t("Text"),
            "msg-body",
            name="body",
            rows=5,
            hint=t("Placeholders") + ": {buyer_name}, "
            "{order_code}, {order_link}, {event_title}, {event_start}, {event_end}, {venue}",
        ),
        rx.grid(
            select_field(t("To"), "msg-audience", rx.foreach(S.audiences, _option), name="audience"),
            select_field(
                t("Ticket type"),
                "msg-type",
                [
                    rx.el.option(t("All ticket types"), value=""),
                    rx.foreach(S.ticket_types, lambda x: rx.el.option(x["name"], value=x["id"])),
                ],
                name="ticket_type",
            ),
            select_field(t("Check-in"), "msg-checkin", rx.foreach(S.checkin_choices, _option), name="checkin"),
            select_field(t("Orders"), "msg-orders", rx.foreach(S.order_choices, _option), name="order_status"),
            columns=rx.breakpoints(initial="1", sm="2", md="4"),
            spacing="3",
            width="100%",
        ),
        rx.grid(
            select_field(t("Send"), "msg-when", rx.foreach(S.when_choices, _option), name="when"),
            text_field(t("How long"), "msg-amount", name="amount", input_mode="numeric", max_length=6),
            select_field(t("Unit"), "msg-unit", rx.foreach(S.units, _option), name="unit"),
            columns=rx.breakpoints(initial="1", sm="3"),
            spacing="3",
            width="100%",
        ),
        rx.button(t("Save message"), type="submit", align_self="start"),
        on_submit=S.submit_message,
        key=S.message_version.to_string(),
        aria_label=t("New message"),
        width="100%",
        class_name="admin-form",
        display="flex",
        flex_direction="column",
        gap="0.75rem",
    )


def _message_row(row: ObjectVar[dict[str, str]]) -> rx.Component:
    return rx.el.tr(
        rx.el.td(rx.el.strong(row["subject"])),
        rx.el.td(row["audience"]),
        rx.el.td(row["when"]),
        rx.el.td(row["status"]),
        rx.el.td(row["progress"]),
        rx.el.td(
            rx.cond(
                row["can_cancel"] != "",
                shell.confirm_button(
                    t("Cancel"), t("Cancel this message?"), row["subject"], S.cancel_message(row["id"])
                ),
            )
        ),
    )


@shell.admin_route("/admin/events/messages", "Messages", S)
def messaging_page() -> rx.Component:
    return shell.admin_page(
        S,
        rx.cond(
            S.found,
            rx.fragment(
                shell.page_heading(
                    t("Messages") + " · " + S.event_title,
                    rx.link(t("Door list"), href="/admin/events/door-list?id=" + S.event_id),
                    rx.link(t("Back to the event"), href="/admin/events/edit?id=" + S.event_id),
                ),
                shell.feedback(S.message, S.message_is_error),
                _template_form(),
                _preview(),
                _message_form(),
                rx.hstack(
                    rx.heading(t("Sent and scheduled"), as_="h2", size="4"),
                    rx.spacer(),
                    shell.small_button(t("Refresh progress"), on_click=S.refresh_progress),
                    width="100%",
                    align="center",
                ),
                shell.admin_table(
                    [
                        msgid("Subject"),
                        msgid("To"),
                        msgid("When"),
                        msgid("Status"),
                        msgid("Progress"),
                        msgid("Actions"),
                    ],
                    S.rows,
                    _message_row,
                    empty=msgid("No messages yet."),
                    label=t("Messages"),
                ),
            ),
            rx.text(t("Event not found."), role="alert"),
        ),
    )
