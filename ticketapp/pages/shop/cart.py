"""/cart: held tickets with a live countdown, quantity changes, renew after expiry."""

from __future__ import annotations

import reflex as rx
from reflex.vars import ObjectVar

from ticketapp.components.forms import text_field
from ticketapp.components.layout import page_layout, page_title
from ticketapp.components.prices import approx_price, currency_note, tax_note, unit_price
from ticketapp.state.locale import colon, t
from ticketapp.state.shop.cart import CartState


def _line(line: ObjectVar[dict[str, str]]) -> rx.Component:
    control_id = "cart-quantity-" + line["id"]
    return rx.el.li(
        rx.hstack(
            rx.vstack(
                rx.link(rx.el.bdi(line["event"]), href=line["href"], weight="bold"),
                rx.text(
                    # Each part isolated: a Latin name beside an Arabic date keeps its place in RTL.
                    rx.el.bdi(line["type"]),
                    " · ",
                    rx.el.bdi(line["date"]),
                    " · ",
                    rx.el.bdi(line["venue"]),
                    size="2",
                    color_scheme="gray",
                ),
                rx.hstack(
                    unit_price(line, size="2"), approx_price(line["approx"]), tax_note(line["tax"]), align="baseline"
                ),
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
            rx.text(line["subtotal"], weight="bold", min_width="6rem", text_align="end"),
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


def promo_form() -> rx.Component:
    """The promo code: a field to type one in, or the code applied (with why it takes nothing off, if so)."""
    return rx.cond(
        CartState.promo_code != "",
        rx.hstack(
            rx.text(t("Promo code"), colon(), rx.el.strong(CartState.promo_code)),
            rx.cond(CartState.promo_problem != "", rx.text(CartState.promo_problem, color_scheme="amber")),
            rx.button(
                t("Remove the code"), variant="soft", color_scheme="gray", size="1", on_click=CartState.remove_code
            ),
            spacing="3",
            align="center",
            wrap="wrap",
        ),
        rx.el.form(
            rx.hstack(
                text_field(t("Promo code"), "promo-code", max_length=40, auto_complete="off", width="14rem"),
                rx.button(t("Apply"), type="submit", variant="soft"),
                align="end",
                spacing="2",
            ),
            on_submit=CartState.apply_code,
            aria_label=t("Promo code"),
        ),
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
                promo_form(),
                rx.foreach(CartState.discounts, lambda label: rx.text(label, color_scheme="green")),
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
