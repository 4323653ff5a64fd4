"""The buyer's self-service panel (refund request, ticket transfers), on the guest and account order pages."""

from __future__ import annotations

import reflex as rx
from reflex.event import EventType
from reflex.vars import ObjectVar

from ticketapp.components.forms import error_region, status_region, text_field, textarea_field
from ticketapp.state.locale import t
from ticketapp.state.shop.self_service import SelfServiceState

S = SelfServiceState


def _refund() -> rx.Component:
    confirm = rx.callout(
        rx.vstack(
            rx.text(t("Request the refund? If it is granted, your tickets stop working.")),
            rx.el.form(
                rx.vstack(
                    textarea_field(t("Reason (optional)"), "refund-reason", name="reason", rows=2, max_length=500),
                    rx.hstack(
                        rx.button(t("Yes, request the refund"), type="submit", color_scheme="red"),
                        rx.button(
                            t("Keep my tickets"),
                            type="button",
                            on_click=S.ask_refund(False),
                            variant="soft",
                            color_scheme="gray",
                        ),
                        spacing="3",
                        wrap="wrap",
                    ),
                    spacing="3",
                    width="100%",
                ),
                on_submit=S.request_refund,
                width="100%",
            ),
            spacing="3",
            align="start",
            width="100%",
        ),
        icon="triangle_alert",
        color_scheme="amber",
        role="group",
        aria_label=t("Request a refund"),
        width="100%",
    )
    return rx.el.section(
        rx.heading(t("Refund"), as_="h2", size="5"),
        rx.cond(S.refund_note != "", rx.text(S.refund_note)),
        rx.cond(
            S.can_refund,
            rx.vstack(
                rx.text(S.refund_offer),
                rx.cond(
                    S.confirming_refund,
                    confirm,
                    rx.button(t("Request a refund"), on_click=S.ask_refund(True), variant="outline"),
                ),
                spacing="3",
                align="start",
                width="100%",
            ),
        ),
        width="100%",
    )


def transfer_form(code: rx.Var[str], on_submit: EventType[dict[str, str]]) -> rx.Component:
    """Name and e-mail of the person receiving ticket `code` (the account's tickets page uses it too)."""
    return rx.el.form(
        rx.el.input(type="hidden", name="ticket", value=code),
        rx.flex(
            text_field(t("Recipient's name"), "transfer-name-" + code, name="name", required=True, max_length=200),
            text_field(
                t("Recipient's e-mail"),
                "transfer-email-" + code,
                name="email",
                type="email",
                required=True,
                max_length=320,
            ),
            rx.button(t("Transfer"), type="submit", variant="soft"),
            gap="0.5rem",
            align="end",
            wrap="wrap",
            width="100%",
        ),
        on_submit=on_submit,
        reset_on_submit=True,
        aria_label=t("Transfer ticket") + " " + code,
        width="100%",
    )


def _ticket(ticket: ObjectVar[dict[str, str]]) -> rx.Component:
    return rx.el.li(
        rx.vstack(
            rx.text(rx.code(ticket["code"]), " · ", ticket["type"], " · ", ticket["attendee"]),
            rx.cond(ticket["given_to"] != "", rx.text(ticket["given_to"], color_scheme="gray")),
            rx.cond(
                ticket["offered_to"] != "",
                rx.hstack(
                    rx.text(ticket["offered_to"]),
                    rx.button(
                        t("Cancel transfer"),
                        on_click=S.cancel_transfer(ticket["code"]),
                        size="1",
                        variant="outline",
                        color_scheme="red",
                    ),
                    align="center",
                    wrap="wrap",
                ),
            ),
            rx.cond(ticket["can_transfer"] == "1", transfer_form(ticket["code"], S.transfer)),
            rx.cond(ticket["why_not"] != "", rx.text(ticket["why_not"], size="2", color_scheme="gray")),
            spacing="2",
            align="start",
            width="100%",
        ),
        aria_label=t("Ticket") + " " + ticket["code"],
        margin_bottom="1rem",
    )


def self_service_panel() -> rx.Component:
    """Refund request and transfers of the buyer's order; nothing for other people's orders."""
    return rx.cond(
        S.found,
        rx.vstack(
            status_region(S.message),
            error_region(S.error),
            rx.cond(S.can_refund | (S.refund_note != ""), _refund()),
            rx.cond(
                S.paid,
                rx.el.section(
                    rx.heading(t("Give a ticket to someone else"), as_="h2", size="5"),
                    rx.text(
                        t(
                            "They get an e-mail with a link to accept it. Once they accept, the ticket is theirs "
                            "with a new QR code and yours stops working."
                        ),
                        color_scheme="gray",
                    ),
                    rx.el.ul(rx.foreach(S.tickets, _ticket), style={"listStyle": "none", "padding": 0}, width="100%"),
                    width="100%",
                ),
            ),
            spacing="4",
            width="100%",
        ),
    )
