"""The buyer's order page (pay, follow the confirmation, bank details) and the demo payment page."""

from __future__ import annotations

import reflex as rx
from reflex.vars import ObjectVar

from ticketapp.components.copy import copy_button
from ticketapp.components.forms import done_region
from ticketapp.components.layout import page_layout, page_title
from ticketapp.components.payment import invoice_links, order_lines_table, payment_method_picker
from ticketapp.components.questions import answer_fields
from ticketapp.components.self_service import self_service_panel
from ticketapp.components.tickets import ticket_qr
from ticketapp.models import OrderStatus
from ticketapp.state.locale import colon, t
from ticketapp.state.shop.answers import ANSWERS_ERROR, OrderAnswersState
from ticketapp.state.shop.payment import DemoPaymentState, OrderPaymentState
from ticketapp.state.shop.self_service import SelfServiceState

S = OrderPaymentState
A = OrderAnswersState


def _loading() -> rx.Component:
    return rx.center(rx.spinner(size="3"), role="status", aria_label=t("Loading…"), padding="2rem")


def _not_found() -> rx.Component:
    return rx.vstack(
        rx.heading(t("Order not found"), as_="h1", size="7"),
        rx.text(t("This link is not valid or the order does not exist.")),
        rx.link(t("See all events"), href="/events"),
        spacing="3",
    )


def _error() -> rx.Component:
    return rx.box(
        rx.cond(S.error != "", rx.callout(S.error, icon="triangle_alert", color_scheme="red")),
        role="alert",
    )


def _pay_form() -> rx.Component:
    return rx.el.form(
        rx.vstack(
            rx.cond(
                S.cancelled_at_provider,
                rx.callout(t("You left the payment page. Your tickets are still reserved for a while."), icon="info"),
            ),
            payment_method_picker(S.methods, S.method, S.set_method),
            _error(),
            rx.button(
                rx.cond(S.paying, rx.spinner(size="2"), rx.fragment()),
                t("Pay"),
                " ",
                S.total,
                type="submit",
                size="3",
                disabled=S.paying,
            ),
            spacing="3",
            align="start",
        ),
        on_submit=S.pay,
        reset_on_submit=False,
    )


def _bank_detail(
    term: rx.Var[str] | str, value: rx.Var[str], value_id: str, copy_label: rx.Var[str]
) -> list[rx.Component]:
    """One term of the transfer with a copy button beside its value (an IBAN is error-prone to retype)."""
    return [
        rx.el.dt(term),
        rx.el.dd(
            rx.hstack(
                rx.el.code(value, id=value_id, class_name="bank-value"),
                copy_button(value_id, copy_label),
                align="center",
                spacing="2",
                wrap="wrap",
            )
        ),
    ]


def _bank_instructions() -> rx.Component:
    return rx.callout(
        rx.vstack(
            rx.text(t("Please transfer the total to the account below, quoting the reference.")),
            rx.el.dl(
                rx.el.dt(t("Account holder")),
                rx.el.dd(S.bank_holder),
                *_bank_detail("IBAN", S.bank_iban, "bank-iban", t("Copy the IBAN")),
                *_bank_detail("BIC", S.bank_bic, "bank-bic", t("Copy the BIC")),
                *_bank_detail(t("Reference"), S.code, "bank-reference", t("Copy the reference")),
                *_bank_detail(t("Amount"), S.total, "bank-amount", t("Copy the amount")),
                class_name="summary-list",
            ),
            rx.text(t("Your tickets stay reserved until"), " ", rx.el.strong(S.deadline), "."),
            rx.text(
                t("We have also sent these details to"),
                " ",
                rx.el.span(S.buyer_email, class_name="email-text"),
                ".",
                size="2",
            ),
            align="start",
            width="100%",
        ),
        icon="landmark",
        width="100%",
    )


def _status_message() -> rx.Component:
    return rx.box(
        rx.match(
            S.status,
            (
                OrderStatus.PAID,
                rx.callout(
                    rx.text(
                        t("Payment confirmed! Your confirmation has been sent to"),
                        " ",
                        rx.el.span(S.buyer_email, class_name="email-text"),
                        ".",
                    ),
                    icon="circle_check",
                    color_scheme="green",
                ),
            ),
            (
                OrderStatus.AWAITING_PAYMENT,
                rx.cond(
                    S.authorised,
                    rx.callout(rx.text(S.authorised_note), icon="shield_check"),
                    _bank_instructions(),
                ),
            ),
            (
                OrderStatus.FAILED,
                rx.callout(
                    t("The payment was declined and the tickets were released. Try again to book the same tickets."),
                    icon="circle_x",
                    color_scheme="red",
                ),
            ),
            (
                OrderStatus.EXPIRED,
                rx.callout(t("The time to pay has run out and the tickets were released."), icon="clock"),
            ),
            (
                OrderStatus.PENDING,
                rx.cond(
                    S.watching,
                    rx.hstack(rx.spinner(size="2"), rx.text(t("Waiting for the payment confirmation…"))),
                    rx.fragment(),
                ),
            ),
            rx.fragment(),
        ),
        role="status",
        aria_live="polite",
        width="100%",
    )


def _cancel() -> rx.Component:
    """'Cancel order', then an inline confirmation (a second, explicit click) before anything changes."""
    return rx.cond(
        S.confirming_cancel,
        rx.callout(
            rx.vstack(
                rx.text(t("Cancel this order? Its tickets will be released and it can no longer be paid.")),
                rx.hstack(
                    rx.button(t("Yes, cancel the order"), on_click=S.cancel_order, color_scheme="red"),
                    rx.button(t("Keep the order"), on_click=S.ask_cancel(False), variant="soft", color_scheme="gray"),
                    spacing="3",
                    wrap="wrap",
                ),
                spacing="3",
                align="start",
            ),
            icon="triangle_alert",
            color_scheme="amber",
            role="group",
            aria_label=t("Cancel order"),
        ),
        rx.button(t("Cancel order"), on_click=S.ask_cancel(True), variant="outline", color_scheme="red"),
    )


def _ticket(ticket: ObjectVar[dict[str, str]]) -> rx.Component:
    return rx.el.li(
        rx.card(
            rx.flex(
                ticket_qr(ticket),
                rx.vstack(
                    rx.heading(rx.el.bdi(ticket["event"]), as_="h3", size="4"),
                    rx.text(ticket["date"], " · ", rx.el.bdi(ticket["venue"])),
                    rx.text(t("Ticket type:"), " ", ticket["ticket_type"]),
                    rx.text(t("Attendee:"), " ", ticket["attendee"]),
                    rx.hstack(
                        # Files from HTTP routes: the browser saves them without leaving the page.
                        rx.link(t("Download PDF"), href=ticket["pdf_href"], reload_document=True, download=""),
                        rx.link(
                            t("Add to calendar (.ics)"), href=ticket["ics_href"], reload_document=True, download=""
                        ),
                        spacing="4",
                        wrap="wrap",
                    ),
                    spacing="2",
                    align="start",
                ),
                gap="1rem",
                wrap="wrap",
            ),
        ),
        list_style="none",
    )


def _tickets() -> rx.Component:
    """A paid order's tickets for whoever holds the order's link (a guest from the confirmation mail)."""
    return rx.cond(
        S.status == OrderStatus.PAID,
        rx.el.section(
            rx.heading(t("Your tickets"), as_="h2", size="5", id="order-tickets-heading"),
            rx.cond(
                S.tickets.length() > 0,
                rx.el.ul(rx.foreach(S.tickets, _ticket), padding="0", margin="0", display="grid", gap="1rem"),
                rx.hstack(rx.spinner(size="2"), rx.text(t("Your tickets are being prepared…")), role="status"),
            ),
            aria_labelledby="order-tickets-heading",
            width="100%",
        ),
    )


def _order() -> rx.Component:
    return rx.vstack(
        rx.heading(t("Order"), " ", S.code, as_="h1", size="7"),
        rx.hstack(
            rx.text(t("Status"), ":"),
            rx.badge(S.status_label, size="2", color_scheme=S.status_colour, high_contrast=True),
            align="center",
        ),
        _status_message(),
        _tickets(),
        rx.el.section(
            rx.heading(t("Order summary"), as_="h2", size="5"),
            order_lines_table(S.lines),
            rx.cond(S.promo != "", rx.text(S.promo, color_scheme="green")),
            rx.text(t("Total"), colon(), S.total, weight="bold", size="5"),
            invoice_links(S.invoices),
            width="100%",
        ),
        rx.cond(S.can_pay, _pay_form()),
        rx.cond(S.can_cancel, _cancel()),
        self_service_panel(),
        rx.cond(
            S.can_try_again,
            rx.vstack(
                _error(),
                rx.button(t("Try again"), on_click=S.try_again, size="3"),
                spacing="3",
                align="start",
                width="100%",
            ),
        ),
        _answers(),
        rx.link(t("See all events"), href="/events"),
        spacing="4",
        align="start",
        width="100%",
    )


def _answer_line(row: ObjectVar[dict[str, str]]) -> rx.Component:
    return rx.fragment(
        rx.el.dt(row["question"], rx.cond(row["who"] != "", rx.text(" (", row["who"], ")", as_="span"))),
        rx.el.dd(row["value"]),
    )


def _answers() -> rx.Component:
    """The custom questions' answers: a form while they may change (until the event starts), else a list."""
    form = rx.el.form(
        rx.vstack(
            answer_fields(A, ANSWERS_ERROR),
            rx.box(
                rx.cond(A.error != "", rx.callout(A.error, icon="triangle_alert", color_scheme="red")),
                role="alert",
                id=ANSWERS_ERROR,
                width="100%",
            ),
            done_region(A.saved != "", A.saved),
            rx.button(t("Save my answers"), type="submit"),
            spacing="3",
            align="start",
            width="100%",
        ),
        on_submit=A.save,
        reset_on_submit=False,
        aria_label=t("Your answers"),
        width="100%",
    )
    return rx.cond(
        A.question_fields.length() > 0,
        rx.el.section(
            rx.heading(t("Your answers"), as_="h2", size="5"),
            rx.cond(
                A.editable,
                rx.fragment(
                    rx.text(t("You can change your answers until the event starts."), color_scheme="gray"), form
                ),
                rx.el.dl(rx.foreach(A.rows, _answer_line), class_name="summary-list"),
            ),
            width="100%",
        ),
    )


@rx.page(
    route="/orders/[code]/status",
    title=page_title(t("Order") + " " + S.code),
    on_load=[S.load, A.load, SelfServiceState.load],
)
def order_status_page() -> rx.Component:
    return page_layout(
        rx.cond(S.loaded, rx.cond(S.found, _order(), _not_found()), _loading()),
        on_language_change=[S.load, A.load, SelfServiceState.load],
    )


D = DemoPaymentState


def _demo() -> rx.Component:
    return rx.vstack(
        rx.callout(
            t("Test mode: this page simulates a payment. No real money is taken."),
            icon="flask_conical",
            color_scheme="amber",
            role="note",
        ),
        rx.heading(t("Test payment"), as_="h1", size="7"),
        rx.text(t("Order"), " ", rx.el.strong(D.code)),
        order_lines_table(D.lines),
        rx.cond(D.promo != "", rx.text(D.promo, color_scheme="green")),
        rx.text(t("Total"), colon(), D.total, weight="bold", size="5"),
        rx.box(rx.cond(D.error != "", rx.callout(D.error, icon="triangle_alert", color_scheme="red")), role="alert"),
        rx.hstack(
            rx.button(
                t("Pay"),
                " ",
                D.total,
                on_click=D.approve,
                size="3",
                color_scheme="green",
                high_contrast=True,  # white on green-9 is 3.15:1; green-12 reads in both themes
                loading=D.busy,
            ),
            rx.button(
                t("Decline payment"),
                on_click=D.decline,
                size="3",
                variant="outline",
                color_scheme="red",
                disabled=D.busy,
            ),
            spacing="3",
            wrap="wrap",
        ),
        spacing="4",
        align="start",
        width="100%",
    )


def _demo_unavailable() -> rx.Component:
    return rx.vstack(
        rx.heading(t("Test payment"), as_="h1", size="7"),
        rx.text(t("This order cannot be paid here any more.")),
        rx.link(t("See all events"), href="/events"),
        spacing="3",
    )


@rx.page(route="/pay/demo/[code]", title=page_title(t("Test payment")), on_load=[D.load])
def demo_payment_page() -> rx.Component:
    return page_layout(
        rx.cond(D.loaded, rx.cond(D.found, _demo(), _demo_unavailable()), _loading()),
        on_language_change=[D.load],
    )
