"""A card in the events grid."""

from __future__ import annotations

import reflex as rx
from reflex.vars import ObjectVar

from ticketapp.components.prices import approx_price


def event_card(event: ObjectVar[dict[str, str]]) -> rx.Component:
    return rx.el.article(
        rx.card(
            rx.vstack(
                rx.badge(event["category"], variant="soft"),
                rx.heading(
                    rx.link(rx.el.bdi(event["title"]), href=event["href"], color_scheme="gray", high_contrast=True),
                    as_="h2",  # under the page's h1 (home, search): no skipped level
                    size="4",
                ),
                rx.text(rx.el.time(event["date"]), size="2"),
                rx.text(rx.el.bdi(event["venue"]), " · ", rx.el.bdi(event["city"]), size="2", color_scheme="gray"),
                rx.text(event["price_from"], weight="bold", size="3"),
                approx_price(event["approx"]),
                spacing="2",
                align="start",
            ),
            height="100%",
        ),
        height="100%",
    )
