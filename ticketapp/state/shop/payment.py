"""The buyer's order page (status, how to pay, live confirmation) and the demo payment page."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import reflex as rx
from reflex.event import EventSpec
from sqlmodel import Session

from ticketapp.db import run_db
from ticketapp.i18n import gettext, msgid, translate
from ticketapp.models import PAID_STATUSES, PENDING_STATUSES, OrderStatus, utcnow
from ticketapp.services.booking import holds
from ticketapp.services.booking.inventory import BookingError
from ticketapp.services.invoicing import links as invoice_links
from ticketapp.services.invoicing.tax import paid_label
from ticketapp.services.orders import cancellation, lifecycle
from ticketapp.services.orders import payments as order_payments
from ticketapp.services.orders.lifecycle import OrderError
from ticketapp.services.orders.payments import PaymentMethod, PaymentOutcome
from ticketapp.services.orders.summary import OrderSummary, summarize_order
from ticketapp.services.shared import bus
from ticketapp.services.shared.dates import format_deadline, format_event_datetime
from ticketapp.services.shared.money import Money
from ticketapp.services.shared.origin import own_origin
from ticketapp.services.shared.signing import verify
from ticketapp.services.tickets.links import signed_ticket_path
from ticketapp.services.tickets.mine import order_tickets
from ticketapp.settings import get_settings
from ticketapp.state import live
from ticketapp.state.account.auth import current_user
from ticketapp.state.account.tickets import ticket_row
from ticketapp.state.bounded import SHORT_MAX, clip
from ticketapp.state.locale import current_lang
from ticketapp.state.shop.cart import CartState
from ticketapp.state.snapshot import SentWhenUsed

METHOD_LABELS: dict[str, str] = {
    PaymentMethod.STRIPE: msgid("Card, wallet or bank (secure payment by Stripe)"),
    PaymentMethod.DEMO: msgid("Card — test mode, no real money"),
    PaymentMethod.BANK_TRANSFER: msgid("Bank transfer"),
    PaymentMethod.FREE: msgid("Free order — nothing to pay"),
}
STATUS_LABELS: dict[str, str] = {
    OrderStatus.PENDING: msgid("Waiting for payment"),
    OrderStatus.AWAITING_PAYMENT: msgid("Awaiting your transfer"),
    OrderStatus.PAID: msgid("Paid"),
    OrderStatus.PARTIALLY_REFUNDED: msgid("Partially refunded"),
    OrderStatus.REFUNDED: msgid("Refunded"),
    OrderStatus.CANCELLED: msgid("Cancelled"),
    OrderStatus.EXPIRED: msgid("Expired"),
    OrderStatus.FAILED: msgid("Payment declined"),
}

# Badge colours: "declined" must not look like "paid" (Radix colour scales, readable on both themes).
STATUS_COLOURS: dict[str, str] = {
    OrderStatus.PENDING: "amber",
    OrderStatus.AWAITING_PAYMENT: "amber",
    OrderStatus.PAID: "green",
    OrderStatus.PARTIALLY_REFUNDED: "gray",
    OrderStatus.REFUNDED: "gray",
    OrderStatus.CANCELLED: "gray",
    OrderStatus.EXPIRED: "gray",
    OrderStatus.FAILED: "red",
}

IN_REVIEW_LABEL = msgid("Paid — we are checking this order; your tickets will follow by e-mail")
AUTHORISED_LABEL = msgid("Payment authorised — we are checking this order")
AUTHORISED_NOTE = msgid(
    "Your payment is authorised but not taken yet: we are checking this order. If we confirm it, your card "
    "is charged and your tickets are sent to {email}; if not, the authorisation is cancelled and nothing is charged."
)


def method_options(methods: list[str], lang: str) -> list[dict[str, str]]:
    return [{"value": m, "label": gettext(lang, METHOD_LABELS[PaymentMethod(m)])} for m in methods]


def line_views(summary: OrderSummary, lang: str) -> list[dict[str, str]]:
    return [
        {
            "event": line.event_title,
            "date": format_event_datetime(line.event_starts_at, line.timezone, lang),
            "venue": line.venue_name,
            "type": line.ticket_type,
            "quantity": str(line.quantity),
            "unit_price": line.unit_price.format(lang),
            "subtotal": line.subtotal.format(lang),
            "tax": paid_label(line.tax_rate_bp, line.reverse_charged, lang),
            "list_price": line.list_price.format(lang) if line.discount_minor else "",
            "discount": translate(
                lang, "−{amount} each", amount=Money(line.discount_minor, line.unit_price.currency).format(lang)
            )
            if line.discount_minor
            else "",
        }
        for line in summary.lines
    ]


def promo_label(summary: OrderSummary, lang: str) -> str:
    """'Promo code SPRING: −€10.00', or "" for an order without a discount."""
    if not summary.promo_code or not summary.discount.amount_minor:
        return ""
    return translate(
        lang, "Promo code {code}: −{amount}", code=summary.promo_code, amount=summary.discount.format(lang)
    )


def order_ticket_views(session: Session, code: str, lang: str) -> list[dict[str, str]]:
    """The order's valid tickets as on /account/tickets, each PDF behind a signed link (a guest has no account)."""
    settings = get_settings()
    ttl = timedelta(hours=settings.ticket_link_ttl_hours)
    now = utcnow()
    return [
        ticket_row(session, owned, lang, now)
        | {"pdf_href": signed_ticket_path(owned.ticket.code, settings.secret_key, ttl)}
        for owned in order_tickets(session, code)
        if not owned.is_void
    ]


def _issued_tickets(summary: OrderSummary) -> bool:
    """Whether the order page shows tickets: paid, and not held for the risk review."""
    return summary.status in PAID_STATUSES and not summary.in_review


def order_page_data(session: Session, code: str, lang: str) -> tuple[OrderSummary | None, list[dict[str, str]]]:
    """The order and, once paid, its tickets: one trip to the database for the page's refresh."""
    summary = summarize_order(session, code, lang)
    tickets = order_ticket_views(session, code, lang) if summary and _issued_tickets(summary) else []
    return summary, tickets


def _path_code(path: str, position: int) -> str:
    parts = [p for p in path.split("/") if p]
    return parts[position].upper() if len(parts) > position else ""


class OrderPaymentState(SentWhenUsed, rx.State):
    """`/orders/[code]/status?s=…`: only someone holding the signed link sees the order."""

    loaded: bool = False
    found: bool = False
    code: str = ""
    status: str = ""
    status_label: str = ""
    total: str = ""
    promo: str = ""  # "Promo code SPRING: −€10.00" when the order has a discount
    buyer_email: str = ""
    lines: list[dict[str, str]] = []
    invoices: list[dict[str, str]] = []  # download links of its invoices and credit notes
    methods: list[dict[str, str]] = []
    method: str = ""
    deadline: str = ""
    bank_holder: str = ""
    bank_iban: str = ""
    bank_bic: str = ""
    cancelled_at_provider: bool = False
    authorised: bool = False  # a held order's card payment: authorised, taken only if the review approves it
    authorised_note: str = ""
    error: str = ""
    paying: bool = False
    watching: bool = False
    can_cancel: bool = False  # unpaid, and this viewer is its buyer (the link's holder; for an account's order, it)
    confirming_cancel: bool = False
    tickets: list[dict[str, str]] = []  # once paid and issued: QR, signed PDF link, calendar
    _signature: str = ""

    @rx.var
    def can_pay(self) -> bool:
        return self.status == OrderStatus.PENDING and len(self.methods) > 0

    @rx.var
    def status_colour(self) -> str:
        return STATUS_COLOURS.get(self.status, "gray")

    @rx.var
    def can_try_again(self) -> bool:
        return self.status == OrderStatus.FAILED

    @rx.event
    def set_method(self, value: str) -> None:
        self.method = clip(value, SHORT_MAX)

    async def _refresh(self) -> None:
        lang = await current_lang(self)
        summary, self.tickets = await run_db(order_page_data, self.code, lang)
        self.found = summary is not None
        self.loaded = True
        if summary is None:
            return
        self.status = summary.status
        self.status_label = gettext(lang, STATUS_LABELS.get(OrderStatus(summary.status), summary.status))
        if summary.in_review and summary.status == OrderStatus.PAID:
            self.status_label = gettext(lang, IN_REVIEW_LABEL)
        self.authorised = summary.authorised
        user = await current_user(self)
        self.can_cancel = summary.status in PENDING_STATUSES and summary.user_id in (None, user.id if user else None)
        self.confirming_cancel = self.confirming_cancel and self.can_cancel
        self.authorised_note = translate(lang, AUTHORISED_NOTE, email=summary.buyer_email) if summary.authorised else ""
        if summary.authorised:
            self.status_label = gettext(lang, AUTHORISED_LABEL)
        self.total = summary.total.format(lang)
        self.promo = promo_label(summary, lang)
        self.buyer_email = summary.buyer_email
        self.lines = line_views(summary, lang)
        self.invoices = invoice_links.download_views(list(summary.invoices), summary.code, lang, guest=True)
        open_for_payment = summary.expires_at is None or summary.expires_at > utcnow()
        self.methods = method_options(summary.methods, lang) if open_for_payment else []
        if self.methods and self.method not in summary.methods:
            self.method = self.methods[0]["value"]
        first_tz = summary.lines[0].timezone if summary.lines else "UTC"
        self.deadline = format_deadline(summary.expires_at, first_tz, lang) if summary.expires_at else ""
        bank = summary.bank
        self.bank_holder, self.bank_iban, self.bank_bic = bank.account_holder, bank.iban, bank.bic

    def _watch(self) -> None:
        """Follow the order while it waits for its payment confirmation (from the webhook)."""
        self.watching = self.status == OrderStatus.PENDING and not self.cancelled_at_provider
        # Paid but not issued yet: the tickets appear as soon as the fulfilment job has made them.
        issuing = self.status in PAID_STATUSES and not self.tickets
        live.follow(self, *([bus.order_topic(self.code)] if self.watching or issuing else []))

    @rx.event
    async def load(self) -> None:
        self.loaded = False
        self.error = ""
        self.code = _path_code(self.router.url.path, 1)
        params = self.router.url.query_parameters
        self._signature = params.get("s", "")
        self.cancelled_at_provider = params.get("cancelled") == "1"
        if not verify(self.code, "order-status", self._signature):
            self.found, self.loaded = False, True
            return
        await self._refresh()
        self._watch()

    async def _on_fact(self, topic: str, payload: dict[str, Any]) -> None:
        """The order changed (state/live.py): its status (a full refresh), or the fulfilment job's progress."""
        fact = payload.get("fact")
        if fact == "confirmation":
            return  # the mail went out: nothing on this page shows it (the admin's order trail does)
        if fact == "tickets" and self.status in PAID_STATUSES and not self.tickets:
            self.tickets = await run_db(order_ticket_views, self.code, await current_lang(self))
        else:
            await self._refresh()
        self._watch()

    @rx.event
    async def pay(self, _form: dict[str, str] | None = None) -> AsyncIterator[EventSpec | None]:
        lang = await current_lang(self)
        if not verify(self.code, "order-status", self._signature):
            self.error = gettext(lang, "This link is not valid.")
            return
        self.paying = True
        yield None  # send the busy flag before the provider call
        try:
            start = await run_db(order_payments.begin_payment, self.code, self.method)
        except OrderError as refused:
            self.error = translate(lang, refused.message, **refused.values)
            self.paying = False
            return
        self.paying = False
        if start.redirect_url:
            yield redirect_to(start.redirect_url)

    @rx.event
    def ask_cancel(self, asking: bool) -> None:
        self.confirming_cancel = bool(asking) and self.can_cancel

    @rx.event
    async def cancel_order(self) -> None:
        """The buyer gives up the unpaid order: its seats go back on sale (the service re-checks who asks)."""
        lang = await current_lang(self)
        self.confirming_cancel = False
        if not verify(self.code, "order-status", self._signature):
            self.error = gettext(lang, "This link is not valid.")
            return
        user = await current_user(self)
        try:
            await run_db(cancellation.cancel_by_buyer, self.code, user.id if user else None)
        except OrderError as refused:
            self.error = refused.translated(lang)
        await self._refresh()
        self._watch()

    @rx.event
    async def try_again(self) -> EventSpec | None:
        """A declined payment: put the order's tickets back in this browser's cart and go to checkout."""
        lang = await current_lang(self)
        if not verify(self.code, "order-status", self._signature):
            self.error = gettext(lang, "This link is not valid.")
            return None
        cart = await self.get_state(CartState)
        user = await current_user(self)
        try:
            rebooked = await run_db(
                holds.rebook_order, cart._ensure_token(), self.code, user_id=user.id if user else None
            )
        except BookingError as refused:
            self.error = refused.translated(lang)
            return None
        await cart.refresh_count()  # type: ignore[operator]  # mypy reads a bare @rx.event as EventNamespace
        if not rebooked.held:
            reasons = " ".join(refused.translated(lang) for refused in rebooked.refused)
            self.error = translate(lang, "These tickets cannot be booked again: {reasons}", reasons=reasons)
            return None
        return rx.redirect("/checkout")


def _demo_result(session: Session, code: str, approve: bool) -> str:
    order = order_payments.get_order_by_code(session, code)
    if order is None or order.payment_method != PaymentMethod.DEMO:
        raise OrderError(msgid("Order not found."))
    if approve:
        outcome = order_payments.record_payment(
            session,
            order.id or 0,
            provider=PaymentMethod.DEMO,
            reference=f"demo-{order.code}",
            amount_minor=order.total_minor,
            currency=order.currency,
        )
        return order_payments.status_url(order) if outcome != PaymentOutcome.UNKNOWN_ORDER else ""
    lifecycle.end_unpaid(session, order.id or 0, OrderStatus.FAILED, "demo: payment declined by the buyer")
    return order_payments.status_url(order)


class DemoPaymentState(SentWhenUsed, rx.State):
    """`/pay/demo/[code]?s=…`: the built-in test payment page used when Stripe is not configured."""

    loaded: bool = False
    found: bool = False
    code: str = ""
    total: str = ""
    promo: str = ""
    lines: list[dict[str, str]] = []
    error: str = ""
    busy: bool = False
    _signature: str = ""

    @rx.event
    async def load(self) -> None:
        self.code = _path_code(self.router.url.path, 2)
        self._signature = self.router.url.query_parameters.get("s", "")
        self.error = ""
        lang = await current_lang(self)
        summary = (
            await run_db(summarize_order, self.code, lang) if verify(self.code, "demo-pay", self._signature) else None
        )
        usable = summary is not None and summary.payment_method == PaymentMethod.DEMO
        self.found = usable and summary.status == OrderStatus.PENDING  # type: ignore[union-attr]
        self.loaded = True
        if summary is not None and usable:
            self.total = summary.total.format(lang)
            self.promo = promo_label(summary, lang)
            self.lines = line_views(summary, lang)

    async def _finish(self, approve: bool) -> AsyncIterator[EventSpec | None]:
        lang = await current_lang(self)
        if not verify(self.code, "demo-pay", self._signature):
            self.error = gettext(lang, "This link is not valid.")
            return
        self.busy = True
        yield None  # send the busy flag before the payment is recorded
        try:
            url = await run_db(_demo_result, self.code, approve)
        except OrderError as refused:
            self.error = translate(lang, refused.message, **refused.values)
            self.busy = False
            return
        self.busy = False
        yield redirect_to(url)

    @rx.event
    async def approve(self) -> AsyncIterator[EventSpec | None]:
        async for update in self._finish(True):
            yield update

    @rx.event
    async def decline(self) -> AsyncIterator[EventSpec | None]:
        async for update in self._finish(False):
            yield update


def redirect_to(url: str) -> EventSpec:
    """Same-site URLs navigate inside the app; others (Stripe) replace the page.

    One of our own addresses becomes a path, so the buyer stays on the host they are on (localhost and
    127.0.0.1 are two sites to a browser: other cookies, another cart).
    (Reflex's `is_external` would open a new tab, which is not what a buyer expects.)
    """
    parts = urlsplit(url)
    if parts.scheme and own_origin(f"{parts.scheme}://{parts.netloc}"):
        url = urlunsplit(("", "", parts.path or "/", parts.query, parts.fragment))
    return rx.redirect(url)
