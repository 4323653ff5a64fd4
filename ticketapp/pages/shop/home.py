"""Home: the upcoming events."""

from __future__ import annotations

import reflex as rx

from ticketapp.components.event_card import event_card
from ticketapp.components.layout import page_layout, page_title
from ticketapp.state.locale import t
from ticketapp.state.shop.catalog import CatalogState


def _events_grid() -> rx.Component:
    return rx.cond(
        CatalogState.loaded,
        rx.cond(
            CatalogState.events.length() > 0,
            rx.grid(
                rx.foreach(CatalogState.events, event_card),
                columns=rx.breakpoints(initial="1", sm="2", lg="3"),
                spacing="4",
                width="100%",
            ),
            rx.callout(t("No upcoming events right now. Please come back soon."), icon="info"),
        ),
        rx.center(rx.spinner(size="3"), rx.text(t("Loading events…")), padding="2rem", role="status"),
    )


@rx.page(route="/", title=page_title(t("Upcoming events")), on_load=[CatalogState.load])
def home() -> rx.Component:
    return page_layout(
        rx.vstack(
            rx.heading(t("Upcoming events"), as_="h1", size="7"),
            rx.text(t("Concerts, theatre, sport and more — book in a few clicks."), color_scheme="gray"),
            _events_grid(),
            spacing="4",
            width="100%",
        ),
        on_language_change=[CatalogState.load],
    )
