"""A ticket as its buyer sees it on screen: the QR code to show at the door (account and order pages)."""

from __future__ import annotations

import reflex as rx
from reflex.vars import ObjectVar

from ticketapp.state.locale import t


def ticket_qr(ticket: ObjectVar[dict[str, str]]) -> rx.Component:
    return rx.el.figure(
        rx.image(
            src=ticket["qr"],
            alt=t("QR code of ticket") + " " + ticket["code"],
            width="240px",
            height="240px",
            style={"imageRendering": "pixelated", "background": "white"},
        ),
        rx.el.figcaption(rx.text(t("Ticket code:"), " ", rx.code(ticket["code"], size="5"))),
        margin="0",
    )
