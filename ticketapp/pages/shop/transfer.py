"""`/transfers/[id]`: accept a ticket someone transferred to you."""

from __future__ import annotations

import reflex as rx

from ticketapp.components.forms import error_region
from ticketapp.components.layout import page_layout, page_title
from ticketapp.state.locale import t
from ticketapp.state.shop.transfer import TransferAcceptState

S = TransferAcceptState


def _accepted() -> rx.Component:
    return rx.vstack(
        rx.callout(
            rx.text(t("The ticket is yours. Show this QR code at the entrance.")),
            icon="circle_check",
            color_scheme="green",
            role="status",
        ),
        rx.text(S.event_title),
        rx.el.figure(
            rx.image(
                src=S.qr,
                alt=t("QR code of ticket") + " " + S.ticket_code,
                width="240px",
                height="240px",
                style={"imageRendering": "pixelated", "background": "white"},
            ),
            rx.el.figcaption(rx.text(t("Ticket code:"), " ", rx.code(S.ticket_code, size="5"))),
            margin="0",
        ),
        rx.link(t("Download PDF"), href=S.pdf_url, reload_document=True),
        rx.cond(
            S.has_account,
            rx.text(t("It is also in your account, under"), " ", rx.link(t("My tickets"), href="/account/tickets")),
            rx.text(t("We e-mailed you the ticket's link; keep that e-mail.")),
        ),
        spacing="3",
        align="start",
    )


def _offer() -> rx.Component:
    return rx.vstack(
        rx.text(S.offer_text),
        rx.text(t("Accepting makes the ticket yours with a new QR code; the sender's copy stops working.")),
        rx.button(t("Accept the ticket"), on_click=S.accept, size="3"),
        spacing="3",
        align="start",
    )


@rx.page(route="/transfers/[id]", title=page_title(t("Accept a ticket")), on_load=[S.load])
def transfer_page() -> rx.Component:
    return page_layout(
        rx.vstack(
            rx.heading(t("Accept a ticket"), as_="h1", size="7"),
            error_region(S.error),
            rx.cond(
                S.loaded,
                rx.cond(S.accepted, _accepted(), rx.cond(S.usable, _offer(), rx.fragment())),
                rx.text(t("Loading…"), role="status"),
            ),
            rx.link(t("See all events"), href="/events"),
            spacing="4",
            width="100%",
        ),
    )
