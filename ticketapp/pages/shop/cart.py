"""/cart: held tickets with a live countdown, quantity changes, renew after expiry."""

from __future__ import annotations

import reflex as rx
from reflex.vars import ObjectVar

from ticketapp.components.layout import page_layout, page_title
from ticketapp.components.prices import approx_price, currency_note
from ticketapp.state.locale import t
from ticketapp.state.shop.cart import CartState


def _line(line: ObjectVar[dict[str, str]]) -> rx.Component:
    control_id = "cart-quantity-" + line["id"]
    return rx.el.li(
        rx.hstack(
            rx.vstack(
                rx.link(line["event"], href=line["href"], weight="bold"),
                rx.text(line["type"], " · ", line["date"], " · ", line["venue"], size="2", color_scheme="gray"),
                rx.hstack(rx.text(line["unit_price"], size="2"), approx_price(line["approx"]), align="baseline"),
                spacing="0",
                align="start",
            ),
            rx.spacer(),
            rx.el.label(line["label"], html_for=control_id, class_name="visually-hidden"),
            rx.el.select(
                rx.foreach(line["options"].split(","), lambda n: rx.el.option(n, value=n)),
                id=control_id,
                value=line["quantity"],
                on_change=lambda value: CartState.set_quantity(line["id"], value),
                class_name="field field-quantity",
            ),
            rx.text(line["subtotal"], weight="bold", min_width="6rem", text_align="right"),
            rx.button(
                t("Remove"),
                variant="soft",
                color_scheme="red",
                aria_label=t("Remove") + " " + line["type"] + " – " + line["event"],
                on_click=CartState.remove(line["id"]),
            ),
            align="center",
            spacing="3",
            width="100%",
            wrap="wrap",
        ),
        list_style="none",
        padding_y="0.75rem",
        border_bottom="1px solid var(--gray-a4)",
    )


def _expired_line(line: ObjectVar[dict[str, str]]) -> rx.Component:
    return rx.el.li(rx.text(line["event"], " – ", line["type"], " × ", line["quantity"]), list_style="none")


def _messages() -> rx.Component:
    return rx.box(
        rx.cond(CartState.message != "", rx.callout(CartState.message, icon="check", color_scheme="green")),
        rx.cond(CartState.error != "", rx.callout(CartState.error, icon="triangle_alert", color_scheme="red")),
        role="status",
        aria_live="polite",
        width="100%",
    )


def _expired() -> rx.Component:
    return rx.cond(
        CartState.expired_notice != "",
        rx.callout(
            rx.vstack(
                rx.text(CartState.expired_notice),
                rx.el.ul(rx.foreach(CartState.expired_lines, _expired_line), padding="0", margin="0"),
                rx.button(t("Renew"), on_click=CartState.renew, size="2"),
                align="start",
            ),
            icon="clock",
            color_scheme="amber",
            role="alert",
            width="100%",
        ),
    )


def _content() -> rx.Component:
    return rx.vstack(
        rx.heading(t("Your cart"), as_="h1", size="7"),
        _messages(),
        _expired(),
        rx.cond(
            CartState.lines.length() > 0,
            rx.vstack(
                rx.text(
                    t("Your tickets are held for"),
                    " ",
                    rx.el.strong(CartState.countdown, role="timer", aria_live="off"),
                    size="3",
                ),
                rx.el.p(CartState.reminder, role="status", class_name="visually-hidden"),
                rx.el.ul(rx.foreach(CartState.lines, _line), padding="0", margin="0", width="100%"),
                rx.foreach(CartState.totals, lambda total: rx.text(total, weight="bold", size="4")),
                currency_note(CartState.currency_note),
                rx.hstack(
                    rx.button(t("Empty cart"), variant="soft", color_scheme="gray", on_click=CartState.empty),
                    rx.button(rx.link(t("Checkout"), href="/checkout", underline="none"), as_child=True),
                    spacing="3",
                ),
                width="100%",
                spacing="3",
            ),
            rx.cond(
                CartState.expired_notice == "",
                rx.vstack(rx.text(t("Your cart is empty.")), rx.link(t("Find events"), href="/events")),
            ),
        ),
        spacing="4",
        width="100%",
    )


@rx.page(route="/cart", title=page_title(t("Cart")), on_load=[CartState.load])
def cart_page() -> rx.Component:
    return page_layout(
        rx.cond(CartState.loaded, _content(), rx.center(rx.spinner(size="3"), role="status", padding="2rem")),
        on_language_change=[CartState.load],
    )
