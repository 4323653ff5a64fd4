"""The page for an address the app does not know: the site's frame and ways back, not a bare "404"."""

from __future__ import annotations

import reflex as rx

from ticketapp.components.layout import page_layout, page_title
from ticketapp.state.locale import t


@rx.page(route="404", title=page_title(t("Page not found")))
def not_found_page() -> rx.Component:
    return page_layout(
        rx.vstack(
            rx.heading(t("Page not found"), as_="h1", size="7"),
            rx.text(t("This page does not exist or has moved. Check the address, or carry on from here:")),
            rx.el.ul(
                rx.el.li(rx.link(t("Go to the home page"), href="/")),
                rx.el.li(rx.link(t("See all events"), href="/events")),
                rx.el.li(rx.link(t("Get help"), href="/support")),
            ),
            spacing="3",
            align="start",
        )
    )
