"""A card in the events grid, and the event image (or its neutral placeholder) it shares with the event page."""

from __future__ import annotations

import reflex as rx
from reflex.vars import ObjectVar

from ticketapp.components.prices import approx_price


def event_image(src: rx.Var[str], alt: rx.Var[str], *, large: bool = False) -> rx.Component:
    """The admin-uploaded image, lazy and scaled to its box; without one a grey ticket panel keeps the layout
    (decorative: the title next to it says what the event is)."""
    size = "event-image event-image-large" if large else "event-image"
    return rx.cond(
        src != "",
        rx.el.img(src=src, alt=alt, loading="lazy", decoding="async", class_name=size),
        rx.box(rx.icon("ticket", size=40 if large else 28, aria_hidden="true"), class_name=size + " event-image-none"),
    )


def event_card(event: ObjectVar[dict[str, str]]) -> rx.Component:
    return rx.el.article(
        rx.card(
            rx.vstack(
                event_image(event["image"], event["image_alt"]),
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
