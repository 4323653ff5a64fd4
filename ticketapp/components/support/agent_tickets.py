"""Agent panel: the request queue, one request, the phone log."""

from __future__ import annotations

import reflex as rx
from reflex.vars import ObjectVar

from ticketapp.components.admin.shell import pager
from ticketapp.components.forms import (
    checkbox_field,
    email_field,
    labelled_field,
    select_field,
    text_field,
    textarea_field,
)
from ticketapp.components.support.agent_chats import agent_options as _agent_options
from ticketapp.components.support.agent_chats import select as _select
from ticketapp.components.support.chat import chat_line
from ticketapp.i18n import msgid
from ticketapp.services.support.views import CHANNEL_LABELS, OUTCOME_LABELS, PRIORITY_LABELS, STATUS_LABELS
from ticketapp.state.locale import t
from ticketapp.state.support.agent_tickets import AgentTicketState as Tickets

# --- tickets -----------------------------------------------------------------------------


def _filters() -> rx.Component:
    return rx.el.form(
        rx.hstack(
            labelled_field(
                t("Status"),
                _select("f-status", "status", {**STATUS_LABELS, "all": msgid("All")}, msgid("Open requests")),
                "f-status",
                width="auto",
            ),
            labelled_field(
                t("Priority"),
                _select("f-priority", "priority", PRIORITY_LABELS, msgid("Any")),
                "f-priority",
                width="auto",
            ),
            labelled_field(
                t("Channel"), _select("f-channel", "channel", CHANNEL_LABELS, msgid("Any")), "f-channel", width="auto"
            ),
            select_field(
                t("Assignee"),
                "f-assignee",
                [
                    rx.el.option(t("Anyone"), value=""),
                    rx.el.option(t("Me"), value="me"),
                    rx.el.option(t("Nobody"), value="none"),
                    _agent_options(Tickets.assignable),
                ],
                name="assignee",
                width="auto",
            ),
            labelled_field(
                t("Age"),
                _select(
                    "f-age",
                    "age",
                    {"today": msgid("Last 24 hours"), "older": msgid("Older than 24 hours")},
                    msgid("Any"),
                ),
                "f-age",
                width="auto",
            ),
            rx.button(t("Apply filters"), type="submit"),
            align="end",
            wrap="wrap",
            spacing="3",
        ),
        on_submit=Tickets.apply_filters,
    )


def _ticket_row(ticket: ObjectVar[dict[str, str]]) -> rx.Component:
    return rx.el.tr(
        rx.el.td(
            rx.el.input(
                type="checkbox",
                checked=Tickets.selected.contains(ticket["id"]),
                on_change=Tickets.toggle_selected(ticket["id"]),
                aria_label=t("Select") + " " + ticket["reference"],
            )
        ),
        rx.el.td(
            rx.button(
                ticket["reference"],
                variant="ghost",
                on_click=Tickets.open_ticket(ticket["id"]),
                aria_label=t("Open request") + " " + ticket["reference"],
            )
        ),
        rx.el.td(ticket["subject"], rx.el.br(), rx.text(ticket["customer"], size="1", color_scheme="gray")),
        rx.el.td(ticket["status_label"]),
        rx.el.td(ticket["priority_label"]),
        rx.el.td(ticket["channel_label"]),
        rx.el.td(ticket["assignee"]),
        rx.el.td(ticket["first_response"]),
        rx.el.td(
            ticket["resolution"],
            rx.cond(
                ticket["overdue"] == "1", rx.badge(t("Overdue"), color_scheme="red", margin_inline_start="0.25rem")
            ),
        ),
        class_name=rx.cond(ticket["overdue"] == "1", "sla-overdue", ""),
    )


def queue_section() -> rx.Component:
    # msgid(): the catalogues extract literal calls only, and t(label) below gets a variable.
    headers = (
        msgid("Select"),
        msgid("Reference"),
        msgid("Subject"),
        msgid("Status"),
        msgid("Priority"),
        msgid("Channel"),
        msgid("Assignee"),
        msgid("First response"),
        msgid("Resolution"),
    )
    return rx.el.section(
        rx.heading(t("Request queue"), as_="h2", size="5", id="queue-title"),
        _filters(),
        # The queue scrolls sideways on its own on a narrow screen; the page does not (WCAG 1.4.10).
        rx.box(
            rx.el.table(
                rx.el.thead(rx.el.tr(*[rx.el.th(t(label), scope="col") for label in headers])),
                rx.el.tbody(rx.foreach(Tickets.tickets, _ticket_row)),
                class_name="support-table",
                aria_labelledby="queue-title",
            ),
            class_name="table-scroll",
            width="100%",
            tab_index=0,  # a keyboard user can scroll it too
        ),
        rx.cond(Tickets.total > Tickets.page_size, pager(Tickets)),
        rx.el.form(
            rx.hstack(
                select_field(
                    t("Assign selected to"),
                    "bulk-agent",
                    [rx.el.option(t("Nobody"), value=""), _agent_options(Tickets.assignable)],
                    name="agent_id",
                    width="auto",
                ),
                rx.button(t("Assign"), type="submit"),
                align="end",
                wrap="wrap",
            ),
            on_submit=Tickets.bulk_assign,
        ),
        aria_labelledby="queue-title",
        min_width="0",
        max_width="100%",
    )


def _order_item(order: ObjectVar[dict[str, str]]) -> rx.Component:
    return rx.el.li(rx.link(order["code"], href=order["href"]), " · ", order["date"], " · ", order["total"])


def _sidebar() -> rx.Component:
    return rx.el.aside(
        rx.heading(t("Customer"), as_="h4", size="3"),
        rx.text(Tickets.customer["name"]),
        rx.text(Tickets.customer["email"], size="2"),
        rx.text(Tickets.customer["account"], size="2"),
        rx.cond(Tickets.customer["blocked"] != "", rx.badge(Tickets.customer["blocked"], color_scheme="red")),
        rx.heading(t("Recent orders"), as_="h4", size="3", margin_top="0.75rem"),
        rx.el.ul(rx.foreach(Tickets.orders, _order_item)),
        aria_label=t("Customer"),
        min_width="14rem",
    )


def ticket_section() -> rx.Component:
    return rx.el.section(
        rx.heading(
            Tickets.ticket["reference"], " · ", Tickets.ticket["subject"], as_="h3", size="4", id="ticket-title"
        ),
        rx.text(
            Tickets.ticket["channel_label"],
            " · ",
            Tickets.ticket["topic_label"],
            " · ",
            Tickets.ticket["created"],
            size="2",
        ),
        rx.hstack(
            rx.vstack(
                rx.el.form(
                    rx.hstack(
                        labelled_field(
                            t("Status"),
                            _select(
                                "t-status",
                                "status",
                                STATUS_LABELS,
                                key=Tickets.ticket["status"],
                                default_value=Tickets.ticket["status"],
                            ),
                            "t-status",
                        ),
                        labelled_field(
                            t("Priority"),
                            _select(
                                "t-priority",
                                "priority",
                                PRIORITY_LABELS,
                                key=Tickets.ticket["priority"],
                                default_value=Tickets.ticket["priority"],
                            ),
                            "t-priority",
                        ),
                        rx.button(t("Save"), type="submit"),
                        align="end",
                    ),
                    on_submit=Tickets.change,
                ),
                rx.el.ol(rx.foreach(Tickets.conversation, _ticket_line), class_name="chat-log", max_height="none"),
                rx.el.form(
                    select_field(
                        t("Canned reply"),
                        "canned",
                        [
                            rx.el.option(t("Choose…"), value=""),
                            rx.foreach(Tickets.canned, lambda reply: rx.el.option(reply["title"], value=reply["id"])),
                        ],
                        on_change=Tickets.use_canned,
                    ),
                    textarea_field(
                        t("Your answer"),
                        "ticket-reply",
                        name="reply",
                        value=Tickets.reply_draft,
                        on_change=Tickets.set_reply_draft,
                        rows=4,
                        max_length=4000,
                    ),
                    rx.box(
                        checkbox_field(
                            t("Internal note (never shown to the customer)"), "ticket-internal", name="internal"
                        ),
                        margin_y="0.5rem",
                    ),
                    rx.button(t("Send"), type="submit"),
                    on_submit=Tickets.reply,
                    reset_on_submit=True,
                ),
                align="stretch",
                flex="1",
            ),
            _sidebar(),
            align="start",
            spacing="5",
            width="100%",
        ),
        aria_labelledby="ticket-title",
        padding_top="1rem",
    )


def _ticket_line(message: ObjectVar[dict[str, str]]) -> rx.Component:
    return rx.box(
        rx.cond(message["internal"] != "", rx.badge(message["internal"], color_scheme="amber")),
        chat_line(message, Tickets.download),
    )


# --- phone ---------------------------------------------------------------------------------


def call_section() -> rx.Component:

    return rx.el.section(
        rx.heading(t("Log a call"), as_="h2", size="5", id="call-title"),
        rx.el.form(
            rx.grid(
                text_field(t("Caller name"), "call-name", name="caller_name", required=True),
                text_field(t("Caller phone"), "call-phone", name="caller_phone", type="tel"),
                email_field(t("Caller e-mail"), "call-email", name="caller_email"),
                text_field(t("Existing request reference (optional)"), "call-reference", name="reference"),
                text_field(t("Minutes"), "call-minutes", name="minutes", type="number", min=0, default_value="0"),
                text_field(
                    t("Seconds"), "call-seconds", name="seconds", type="number", min=0, max=59, default_value="0"
                ),
                labelled_field(t("Outcome"), _select("call-outcome", "outcome", OUTCOME_LABELS), "call-outcome"),
                columns=rx.breakpoints(initial="1", md="2"),
                spacing="3",
            ),
            textarea_field(t("Summary"), "call-summary", name="summary", rows=3, required=True),
            rx.button(t("Log call"), type="submit", margin_top="0.5rem"),
            on_submit=Tickets.log_call,
            reset_on_submit=True,
        ),
        aria_labelledby="call-title",
    )
