"""Approximate prices in the visitor's display currency, shown beside the real one and marked as such."""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex.vars import ObjectVar

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


def unit_price(line: ObjectVar[dict[str, str]], **props: Any) -> rx.Component:
    """A ticket's price; with a promo code, the list price struck through before it and the saving after.

    `line` has "unit_price" (what one ticket costs), "list_price" ("" without a discount) and "discount"."""
    return rx.cond(
        line["list_price"] != "",
        rx.hstack(
            rx.el.del_(line["list_price"], aria_label=t("List price") + " " + line["list_price"]),
            rx.text(line["unit_price"], weight="bold", **props),
            rx.badge(line["discount"], color_scheme="green"),
            spacing="2",
            align="baseline",
            wrap="wrap",
        ),
        rx.text(line["unit_price"], **props),
    )


def tax_note(text: rx.Var[str]) -> rx.Component:
    """'incl. 20 % VAT' / '+ 20 % VAT' under a price, or nothing for a ticket type without VAT."""
    return rx.cond(text != "", rx.text(text, size="1", color_scheme="gray", class_name="tax-note"))


def currency_note(text: rx.Var[str]) -> rx.Component:
    """Under totals: which amounts are approximate, the rates' date and the currency charged."""
    return rx.cond(text != "", rx.text(text, size="2", color_scheme="gray", class_name="currency-note"))
