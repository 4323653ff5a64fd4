"""/checkout: what you are about to pay, buyer details, terms, and "Place order"."""

from __future__ import annotations

import reflex as rx
from reflex.vars import ObjectVar

from ticketapp.components.forms import honeypot, text_field, textarea_field
from ticketapp.components.layout import page_layout, page_title
from ticketapp.components.payment import payment_method_picker
from ticketapp.components.prices import approx_price, currency_note, tax_note, unit_price
from ticketapp.components.questions import answer_fields
from ticketapp.state.account.auth import AuthState
from ticketapp.state.bounded import EMAIL_MAX, NAME_MAX
from ticketapp.state.locale import colon, t
from ticketapp.state.shop.checkout import CheckoutState

CHECKOUT_ERROR = "checkout-error"


def _summary_row(line: ObjectVar[dict[str, str]]) -> rx.Component:
    return rx.el.tr(
        rx.el.td(rx.el.bdi(line["event"]), " – ", rx.el.bdi(line["type"])),
        rx.el.td(line["quantity"]),
        rx.el.td(unit_price(line), approx_price(line["approx"]), tax_note(line["tax"])),
        rx.el.td(line["subtotal"]),
    )


def _summary() -> rx.Component:
    return rx.el.section(
        rx.heading(t("Order summary"), as_="h2", size="5", id="summary-heading"),
        rx.el.table(
            rx.el.thead(
                rx.el.tr(
                    rx.el.th(t("Ticket"), scope="col"),
                    rx.el.th(t("Quantity"), scope="col"),
                    rx.el.th(t("Unit price"), scope="col"),
                    rx.el.th(t("Subtotal"), scope="col"),
                )
            ),
            rx.el.tbody(rx.foreach(CheckoutState.lines, _summary_row)),
            width="100%",
            style={"text_align": "start", "border_collapse": "collapse"},
        ),
        rx.text(t("No booking fees."), size="2", color_scheme="gray"),
        rx.foreach(CheckoutState.discounts, lambda label: rx.text(label, color_scheme="green")),
        rx.foreach(
            CheckoutState.totals,
            lambda total: rx.text(total, weight="bold", size="5"),
        ),
        currency_note(CheckoutState.currency_note),
        rx.cond(
            CheckoutState.has_expired,
            rx.callout(
                t("Some reservations have expired: placing the order reserves them again if they are still available."),
                icon="clock",
                color_scheme="amber",
            ),
        ),
        rx.cond(
            CheckoutState.several_currencies,
            rx.callout(
                t("Your cart has tickets in several currencies: one order per currency will be created."),
                icon="info",
            ),
        ),
        aria_labelledby="summary-heading",
        width="100%",
    )


def _company_fields() -> rx.Component:
    """'I need an invoice for a company': the company's name, billing address and VAT id, shown when ticked."""
    return rx.vstack(
        rx.hstack(
            rx.checkbox(
                id="invoice-company",
                checked=CheckoutState.invoice_company,
                on_change=CheckoutState.set_invoice_company,
            ),
            rx.el.label(t("I need an invoice for a company"), html_for="invoice-company"),
            align="center",
        ),
        rx.cond(
            CheckoutState.invoice_company,
            rx.el.fieldset(
                rx.el.legend(t("Company invoice")),
                rx.vstack(
                    text_field(
                        t("Company name"),
                        "company-name",
                        default_value=CheckoutState.company.get("company-name", ""),
                        max_length=200,
                        auto_complete="organization",
                        invalid=CheckoutState.error_field == "company-name",
                        error_id=CHECKOUT_ERROR,
                    ),
                    textarea_field(
                        t("Billing address"),
                        "company-address",
                        default_value=CheckoutState.company.get("company-address", ""),
                        rows=3,
                        max_length=500,
                        auto_complete="street-address",
                        aria_invalid=rx.cond(CheckoutState.error_field == "company-address", "true", "false"),
                    ),
                    text_field(
                        t("VAT id (optional)"),
                        "company-vat",
                        hint=t(
                            "With its country prefix, e.g. FR12345678901. We check its format only, not the EU "
                            "register (no online check): EU businesses from another member state pay without VAT "
                            "where the ticket allows it (reverse charge)."
                        ),
                        default_value=CheckoutState.company.get("company-vat", ""),
                        max_length=20,
                        invalid=CheckoutState.error_field == "company-vat",
                        error_id=CHECKOUT_ERROR,
                    ),
                    spacing="3",
                    width="100%",
                ),
                class_name="company-fieldset",
                width="100%",
            ),
        ),
        spacing="3",
        width="100%",
    )


def _sign_in_offer() -> rx.Component:
    """A guest with an account signs in here and comes back to this checkout, the cart merged into theirs."""
    return rx.cond(
        AuthState.signed_in,
        rx.fragment(),
        rx.callout(
            rx.hstack(
                rx.text(t("Have an account? Sign in to fill in your details — your cart is kept.")),
                rx.link(t("Sign in"), href="/signin?next=%2Fcheckout", weight="bold"),
                spacing="3",
                align="center",
                wrap="wrap",
            ),
            icon="user",
            color_scheme="gray",
            width="100%",
        ),
    )


def _buyer_form() -> rx.Component:
    return rx.el.form(
        rx.heading(t("Your details"), as_="h2", size="5"),
        _sign_in_offer(),
        rx.vstack(
            # Uncontrolled: the text stays in the browser until the form is sent (no
            # round trip per keystroke). Keyed on the server's value so a prefill remounts it.
            text_field(
                t("Full name"),
                "buyer-name",
                default_value=CheckoutState.buyer_name,
                key=CheckoutState.buyer_name,
                max_length=NAME_MAX,
                auto_complete="name",
                required=True,
                invalid=CheckoutState.error_field == "buyer-name",
                error_id=CHECKOUT_ERROR,
            ),
            text_field(
                t("E-mail"),
                "buyer-email",
                type="email",
                default_value=CheckoutState.buyer_email,
                key=CheckoutState.buyer_email,
                max_length=EMAIL_MAX,
                auto_complete="email",
                required=True,
                invalid=CheckoutState.error_field == "buyer-email",
                error_id=CHECKOUT_ERROR,
            ),
            rx.foreach(
                CheckoutState.attendee_fields,
                lambda field: text_field(
                    field["label"],
                    "attendee-" + field["key"],
                    default_value=CheckoutState.attendees.get(field["key"], ""),
                    max_length=NAME_MAX,
                ),
            ),
            rx.cond(
                CheckoutState.question_fields.length() > 0,
                rx.heading(t("A few questions from the organiser"), as_="h3", size="4"),
            ),
            answer_fields(CheckoutState, CHECKOUT_ERROR),
            _company_fields(),
            rx.hstack(
                rx.checkbox(
                    id="accept-terms",
                    name="accept-terms",
                    checked=CheckoutState.accept_terms,
                    on_change=CheckoutState.set_accept_terms,
                    aria_invalid=rx.cond(CheckoutState.error_field == "accept-terms", "true", "false"),
                    aria_describedby=rx.cond(CheckoutState.error_field == "accept-terms", CHECKOUT_ERROR, ""),
                ),
                rx.el.label(t("I accept the terms of sale"), html_for="accept-terms"),
                align="center",
            ),
            rx.box(
                rx.cond(
                    CheckoutState.error != "",
                    rx.callout(CheckoutState.error, icon="triangle_alert", color_scheme="red"),
                ),
                role="alert",
                id=CHECKOUT_ERROR,
            ),
            honeypot(),
            payment_method_picker(
                CheckoutState.methods, CheckoutState.payment_method, CheckoutState.set_payment_method
            ),
            rx.button(
                rx.cond(CheckoutState.placing, rx.spinner(size="2"), rx.fragment()),
                t("Place order and pay"),
                type="submit",
                size="3",
                disabled=CheckoutState.placing,
            ),
            spacing="3",
            align="start",
            width="100%",
        ),
        on_submit=CheckoutState.place_order,
        reset_on_submit=False,
        width="100%",
    )


def _placed() -> rx.Component:
    return rx.callout(
        rx.vstack(
            rx.text(t("Thank you! Your order is reserved and awaits payment.")),
            rx.foreach(
                CheckoutState.placed_orders,
                lambda order: rx.hstack(
                    rx.text(t("Order code"), colon(), rx.el.strong(order["code"])),
                    rx.link(t("Pay this order"), href=order["href"]),
                    spacing="3",
                ),
            ),
            align="start",
        ),
        icon="check",
        color_scheme="green",
        role="status",
    )


def _content() -> rx.Component:
    return rx.vstack(
        rx.heading(t("Checkout"), as_="h1", size="7"),
        rx.cond(
            CheckoutState.order_codes.length() > 0,
            _placed(),
            rx.cond(
                CheckoutState.lines.length() > 0,
                rx.vstack(_summary(), _buyer_form(), spacing="5", width="100%"),
                rx.vstack(rx.text(t("Your cart is empty.")), rx.link(t("Find events"), href="/events")),
            ),
        ),
        spacing="4",
        width="100%",
    )


@rx.page(route="/checkout", title=page_title(t("Checkout")), on_load=[CheckoutState.load])
def checkout_page() -> rx.Component:
    return page_layout(
        rx.cond(CheckoutState.loaded, _content(), rx.center(rx.spinner(size="3"), role="status", padding="2rem")),
        on_language_change=[CheckoutState.load],
    )
