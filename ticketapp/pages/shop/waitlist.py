"""The links of the waiting-list mails: confirm a place in line, and take the seats offered."""

from __future__ import annotations

import reflex as rx

from ticketapp.components.layout import page_layout
from ticketapp.state.locale import t
from ticketapp.state.shop.waitlist import WaitlistLinkState as S


def _result(heading: str, *, to_checkout: bool = False) -> rx.Component:
    return rx.cond(
        S.loaded,
        rx.vstack(
            rx.heading(t(heading), as_="h1", size="7"),
            rx.callout(
                S.message,
                icon=rx.cond(S.ok, "check", "triangle_alert"),
                color_scheme=rx.cond(S.ok, "green", "red"),
                role=rx.cond(S.ok, "status", "alert"),
            ),
            rx.hstack(
                *([rx.cond(S.ok, rx.link(t("Go to checkout"), href="/checkout"))] if to_checkout else []),
                rx.link(t("See all events"), href="/"),
                spacing="4",
                wrap="wrap",
            ),
            spacing="3",
            align="start",
        ),
        rx.center(rx.spinner(size="3"), role="status", aria_label=t("Loading…"), padding="2rem"),
    )


@rx.page(route="/waitlist/confirm", title="Ticketapp", on_load=[S.load_confirm])
def waitlist_confirm_page() -> rx.Component:
    return page_layout(_result("Waiting list"))


@rx.page(route="/waitlist/offer", title="Ticketapp", on_load=[S.load_offer])
def waitlist_offer_page() -> rx.Component:
    return page_layout(_result("Tickets offered to you", to_checkout=True))
