"""Payment pieces shared by the checkout and the order page."""

from __future__ import annotations

import reflex as rx
from reflex.vars import ArrayVar

from ticketapp.components.prices import tax_note, unit_price
from ticketapp.state.locale import t


def payment_method_picker(
    methods: ArrayVar[list[dict[str, str]]], selected: rx.Var[str], on_change: rx.EventHandler
) -> rx.Component:
    """Native radio buttons in a fieldset: keyboard and screen-reader friendly."""
    return rx.el.fieldset(
        rx.el.legend(t("Payment method"), style={"font_weight": "bold", "margin_bottom": "0.5rem"}),
        rx.foreach(
            methods,
            lambda method: rx.el.div(
                rx.el.input(
                    type="radio",
                    id="method-" + method["value"],
                    name="payment-method",
                    value=method["value"],
                    checked=selected == method["value"],
                    on_change=lambda _value: on_change(method["value"]),
                ),
                rx.el.label(
                    method["label"], html_for="method-" + method["value"], style={"margin_inline_start": "0.5rem"}
                ),
                style={"padding": "0.25rem 0"},
            ),
        ),
        style={"border": "1px solid var(--gray-a6)", "border_radius": "var(--radius-3)", "padding": "0.75rem 1rem"},
    )


def invoice_links(invoices: ArrayVar[list[dict[str, str]]]) -> rx.Component:
    """The order's invoices and credit notes as PDF downloads (nothing before it is paid)."""
    return rx.cond(
        invoices.length() > 0,
        rx.el.section(
            rx.heading(t("Invoices"), as_="h2", size="4", id="invoices-heading"),
            rx.el.ul(
                rx.foreach(
                    invoices,
                    lambda doc: rx.el.li(
                        rx.link(
                            doc["label"],
                            href=doc["href"],
                            reload_document=True,
                            download="",
                            aria_label=doc["download"],
                        ),
                        " · ",
                        doc["amount"],
                    ),
                ),
            ),
            aria_labelledby="invoices-heading",
            width="100%",
            margin_top="0.75rem",
        ),
    )


def order_lines_table(lines: ArrayVar[list[dict[str, str]]]) -> rx.Component:
    return rx.el.table(
        rx.el.thead(
            rx.el.tr(
                rx.el.th(t("Ticket"), scope="col"),
                rx.el.th(t("Quantity"), scope="col"),
                rx.el.th(t("Unit price"), scope="col"),
                rx.el.th(t("Subtotal"), scope="col"),
            )
        ),
        rx.el.tbody(
            rx.foreach(
                lines,
                lambda line: rx.el.tr(
                    rx.el.td(
                        rx.text(line["event"], " – ", line["type"], weight="medium"),
                        rx.text(line["date"], " · ", line["venue"], size="1", color_scheme="gray"),
                    ),
                    rx.el.td(line["quantity"]),
                    rx.el.td(unit_price(line), tax_note(line["tax"])),
                    rx.el.td(line["subtotal"]),
                ),
            )
        ),
        width="100%",
        style={"text_align": "start", "border_collapse": "collapse"},
    )
