"""`/agent`: the support agent's panel — live chats, the ticket queue, a ticket, a phone log."""

from __future__ import annotations

import reflex as rx

from ticketapp.components.layout import page_layout, page_title
from ticketapp.components.support.admin import support_admin_section
from ticketapp.components.support.agent_chats import chats_section
from ticketapp.components.support.agent_tickets import call_section, queue_section, ticket_section
from ticketapp.state.locale import t
from ticketapp.state.support.admin import SupportAdminState
from ticketapp.state.support.agent_chats import AgentChatState as Chats
from ticketapp.state.support.agent_tickets import AgentTicketState as Tickets


def _header() -> rx.Component:
    return rx.hstack(
        rx.heading(t("Agent panel"), as_="h1", size="7"),
        rx.spacer(),
        rx.el.label(t("My status"), html_for="presence", class_name="field-label"),
        rx.el.select(
            rx.el.option(t("Online"), value="online"),
            rx.el.option(t("Away"), value="away"),
            rx.el.option(t("Offline"), value="offline"),
            id="presence",
            value=Chats.presence,
            on_change=Chats.set_presence,
            class_name="field",
            width="auto",
        ),
        align="center",
        width="100%",
    )


def _feedback() -> rx.Component:
    tickets_said = Tickets.message != ""
    return rx.box(
        rx.cond(Chats.message != "", rx.callout(Chats.message, color_scheme="red", icon="circle_alert")),
        rx.cond(
            tickets_said & Tickets.message_is_error,
            rx.callout(Tickets.message, color_scheme="red", icon="circle_alert"),
        ),
        rx.cond(
            tickets_said & ~Tickets.message_is_error, rx.callout(Tickets.message, color_scheme="green", icon="check")
        ),
        role="status",
        aria_live="polite",
    )


@rx.page(
    route="/agent",
    title=page_title(t("Agent panel")),
    on_load=[Chats.load, Tickets.load, SupportAdminState.load],
)
def agent_page() -> rx.Component:
    return page_layout(
        rx.cond(
            Chats.loaded & ~Chats.forbidden & Tickets.loaded & ~Tickets.forbidden,
            rx.vstack(
                _header(),
                _feedback(),
                chats_section(),
                queue_section(),
                rx.cond(Tickets.ticket_id != "", ticket_section()),
                call_section(),
                support_admin_section(),
                spacing="6",
                width="100%",
                class_name="agent-panel",
            ),
            rx.vstack(
                rx.heading(t("Agent panel"), as_="h1", size="7"),
                rx.cond(
                    Chats.loaded,
                    rx.callout(
                        t("This page is for support agents. Please sign in with an agent account."), icon="lock"
                    ),
                    rx.spinner(),
                ),
                spacing="4",
            ),
        ),
        on_language_change=[Chats.load, Tickets.load],
    )
