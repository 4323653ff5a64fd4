"""`/account/tickets`: the signed-in customer's tickets (QR on screen, PDF, calendar, resend, rename)."""

from __future__ import annotations

import reflex as rx
from reflex.vars import ArrayVar, ObjectVar

from ticketapp.components.forms import error_region, status_region, text_field
from ticketapp.components.layout import page_layout, page_title
from ticketapp.components.self_service import transfer_form
from ticketapp.components.tickets import ticket_qr
from ticketapp.pages.account.profile import account_nav
from ticketapp.state.account.auth import AuthState
from ticketapp.state.account.tickets import MyTicketsState
from ticketapp.state.locale import t


def _rename_form(ticket: ObjectVar[dict[str, str]]) -> rx.Component:
    return rx.form(
        rx.hstack(
            rx.el.input(type="hidden", name="code", value=ticket["code"]),
            text_field(
                t("Attendee name"),
                ticket["name_field_id"],
                name="attendee_name",
                default_value=ticket["attendee"],
                required=True,
                max_length=200,
                auto_complete="name",
                width="auto",
            ),
            rx.button(t("Change name"), type="submit", variant="soft", disabled=~AuthState.connected),
            align="end",
            spacing="2",
            wrap="wrap",
        ),
        on_submit=MyTicketsState.rename,
        reset_on_submit=False,
    )


def _ticket_card(ticket: ObjectVar[dict[str, str]]) -> rx.Component:
    is_void = ticket["void"] == "1"
    return rx.el.article(
        rx.card(
            rx.flex(
                rx.cond(is_void, rx.fragment(), ticket_qr(ticket)),
                rx.vstack(
                    rx.heading(ticket["event"], as_="h3", size="5"),
                    rx.cond(is_void, rx.badge(t("Void"), color_scheme="red", size="3"), rx.fragment()),
                    rx.text(ticket["date"], " · ", ticket["venue"]),
                    rx.text(t("Ticket type:"), " ", ticket["ticket_type"]),
                    rx.text(t("Attendee:"), " ", ticket["attendee"]),
                    rx.text(t("Order:"), " ", ticket["order_code"]),
                    rx.cond(is_void, rx.text(t("Ticket code:"), " ", rx.code(ticket["code"])), rx.fragment()),
                    rx.cond(
                        is_void,
                        rx.fragment(),
                        rx.hstack(
                            # Files from HTTP routes, not client-side pages: let the browser load them.
                            # `download`: the browser saves the file without leaving the page (a navigation
                            # would drop the live connection mid-visit).
                            rx.link(t("Download PDF"), href=ticket["pdf_href"], reload_document=True, download=""),
                            rx.link(
                                t("Add to calendar (.ics)"), href=ticket["ics_href"], reload_document=True, download=""
                            ),
                            rx.button(
                                t("Resend confirmation e-mail"),
                                on_click=MyTicketsState.resend(ticket["order_code"]),
                                variant="outline",
                                size="2",
                            ),
                            spacing="4",
                            align="center",
                            wrap="wrap",
                        ),
                    ),
                    rx.cond(ticket["can_rename"] == "1", _rename_form(ticket), rx.fragment()),
                    rx.cond(
                        ticket["can_transfer"] == "1",
                        rx.el.details(
                            rx.el.summary(t("Give this ticket to someone else")),
                            transfer_form(ticket["code"], MyTicketsState.transfer),
                        ),
                    ),
                    spacing="2",
                    align="start",
                ),
                gap="1.5rem",
                wrap="wrap",
            ),
        ),
        aria_label=ticket["event"] + " · " + ticket["code"],
    )


def _section(title: rx.Var[str], tickets: ArrayVar[list[dict[str, str]]], empty: rx.Var[str]) -> rx.Component:
    return rx.el.section(
        rx.heading(title, as_="h2", size="5"),
        rx.cond(
            tickets.length() > 0,
            rx.vstack(rx.foreach(tickets, _ticket_card), spacing="4", width="100%"),
            rx.text(empty, color_scheme="gray"),
        ),
        aria_label=title,
        width="100%",
    )


def _content() -> rx.Component:
    return rx.cond(
        (MyTicketsState.upcoming.length() == 0) & (MyTicketsState.past.length() == 0),
        rx.callout(
            rx.text(t("You have no tickets yet."), " ", rx.link(t("Browse the events"), href="/")),
            icon="info",
        ),
        rx.vstack(
            _section(t("Upcoming events"), MyTicketsState.upcoming, t("No upcoming events.")),
            _section(t("Past events"), MyTicketsState.past, t("No past events.")),
            spacing="6",
            width="100%",
        ),
    )


@rx.page(route="/account/tickets", title=page_title(t("My tickets")), on_load=[MyTicketsState.load])
def my_tickets() -> rx.Component:
    return page_layout(
        rx.vstack(
            rx.heading(t("My tickets"), as_="h1", size="7"),
            account_nav(),
            status_region(MyTicketsState.message),
            error_region(MyTicketsState.error),
            rx.cond(MyTicketsState.loaded, _content(), rx.text(t("Loading…"), role="status")),
            spacing="4",
            width="100%",
        ),
        on_language_change=[MyTicketsState.load],
    )
