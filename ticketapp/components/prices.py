"""Approximate prices in the visitor's display currency, shown beside the real one and marked as such."""

from __future__ import annotations

import reflex as rx

from ticketapp.state.locale import t


def approx_price(text: rx.Var[str]) -> rx.Component:
    """'≈ $54' in small grey type, or nothing (the event's own currency, or no rate)."""
    return rx.cond(
        text != "",
        rx.text(
            text,
            size="1",
            color_scheme="gray",
            title=t("Approximate price in your display currency; you pay in the event's currency."),
            class_name="approx-price",
        ),
    )


def currency_note(text: rx.Var[str]) -> rx.Component:
    """Under totals: which amounts are approximate, the rates' date and the currency charged."""
    return rx.cond(text != "", rx.text(text, size="2", color_scheme="gray", class_name="currency-note"))
