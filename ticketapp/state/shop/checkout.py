"""/checkout: the order summary, buyer details, and "Place order" (a pending order until payments exist)."""

from __future__ import annotations

import secrets
import time
from collections import defaultdict
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import reflex as rx
from reflex.event import EventSpec
from sqlmodel import Session

from ticketapp.db import run_db
from ticketapp.i18n import gettext, translate
from ticketapp.models import Order
from ticketapp.services.accounts.security_log import ClientInfo
from ticketapp.services.analytics import funnel
from ticketapp.services.booking import checkout as orders
from ticketapp.services.booking import inventory
from ticketapp.services.booking.cart import CartView, cart_item_count, load_cart
from ticketapp.services.invoicing.buyer import Company
from ticketapp.services.invoicing.tax import TaxError
from ticketapp.services.orders import payments as order_payments
from ticketapp.services.orders.providers.base import PaymentStart
from ticketapp.services.promotions.codes import PromoError
from ticketapp.services.questions import answers as questions
from ticketapp.services.questions.validation import QuestionError
from ticketapp.services.risk import bots
from ticketapp.services.risk.rules import Client
from ticketapp.services.risk.screening import RiskRefusedError
from ticketapp.state.account.auth import current_user
from ticketapp.state.base import focus_control
from ticketapp.state.bounded import EMAIL_MAX, NAME_MAX, SHORT_MAX, TEXT_MAX, clip, form_values
from ticketapp.state.locale import current_lang, display_currency
from ticketapp.state.shop.answers import answer_control, field_views, read_answers, yes_no_labels
from ticketapp.state.shop.cart import CartState, cart_line_view, discount_labels, total_labels
from ticketapp.state.shop.funnel import record_quietly, visitor
from ticketapp.state.shop.payment import method_options, redirect_to
from ticketapp.state.snapshot import SentWhenUsed

DEVICE_COOKIE_AGE = 2 * 365 * 24 * 3600


# The buyer field a refusal is about (its control id): marked invalid, described by the message, focused.
CHECKOUT_ERROR_FIELDS = {
    "Please enter your name.": "buyer-name",
    "Please enter a valid e-mail address.": "buyer-email",
    "Please enter the company name (at most 200 characters).": "company-name",
    "Please enter the company's billing address (at most 500 characters).": "company-address",
}
COMPANY_FIELDS = {"company-name": NAME_MAX, "company-address": TEXT_MAX, "company-vat": SHORT_MAX}


class CheckoutState(SentWhenUsed, rx.State):
    error_field: str = ""
    loaded: bool = False
    lines: list[dict[str, str]] = []
    totals: list[str] = []
    discounts: list[str] = []  # the promo code's saving, per currency
    currency_note: str = ""
    several_currencies: bool = False
    has_expired: bool = False
    attendee_fields: list[dict[str, str]] = []
    attendees: dict[str, str] = {}
    # The events' custom questions for this cart (state/shop/answers.py), and what the buyer answered.
    question_fields: list[dict[str, str]] = []
    question_options: dict[str, list[str]] = {}
    countries: list[dict[str, str]] = []
    yes_no: dict[str, str] = {}
    answers: dict[str, str] = {}
    buyer_name: str = ""
    buyer_email: str = ""
    accept_terms: bool = False
    # "I need an invoice for a company": its name, billing address and VAT id (services/invoicing/buyer).
    invoice_company: bool = False
    company: dict[str, str] = {}
    error: str = ""
    placing: bool = False
    order_codes: list[str] = []
    placed_orders: list[dict[str, str]] = []
    methods: list[dict[str, str]] = []
    payment_method: str = ""
    # A random id for this browser, long-lived: the risk rules count orders per device (not a credential).
    device_id: str = rx.Cookie("", name="device", max_age=DEVICE_COOKIE_AGE, same_site="lax")
    _shown_at: float = 0.0  # when the page showed the form (the bot time check for guests)

    @rx.event
    def set_payment_method(self, value: str) -> None:
        self.payment_method = clip(value, SHORT_MAX)

    @rx.event
    def set_accept_terms(self, value: bool) -> None:
        self.accept_terms = bool(value)

    @rx.event
    def set_invoice_company(self, value: bool) -> None:
        self.invoice_company = bool(value)

    @rx.event
    async def load(self) -> None:
        self.error = ""
        self.order_codes = []
        self._ensure_device()
        self._shown_at = time.time()
        display = await display_currency(self)
        lang = display.lang
        await self._prefill_buyer()
        cart = await self.get_state(CartState)
        token = cart.cart_token
        # The funnel's checkout step is recorded in the same database trip.
        view = await run_db(_load_and_record, token, visitor(self), lang) if token else CartView()
        # Every line, lapsed ones too: placing the order re-takes them if still free, or refuses.
        self.lines = [cart_line_view(line, display) for line in view.lines]
        totals = view.totals(include_expired=True)
        self.totals = total_labels(totals, display)
        self.discounts = discount_labels(view.discounts(include_expired=True), view.promo_code, lang)
        self.currency_note = display.note([t.currency for t in totals])
        self.several_currencies = len(self.totals) > 1
        all_free = all(total.amount_minor == 0 for total in view.totals())
        self.methods = method_options([str(m) for m in order_payments.available_methods(0 if all_free else 1)], lang)
        if self.payment_method not in {m["value"] for m in self.methods}:
            self.payment_method = self.methods[0]["value"]
        self.has_expired = bool(view.expired_lines)
        self.attendee_fields = [
            {
                "key": f"{line.ticket_type_id}:{n}",
                "label": translate(
                    lang, "Attendee {n} – {type}, {event}", n=n + 1, type=line.ticket_type_name, event=line.event_title
                ),
            }
            for line in view.lines
            if line.collect_attendee_names
            for n in range(line.quantity)
        ]
        await self._load_questions([questions.Line(line.ticket_type_id, line.quantity) for line in view.lines], lang)
        self.loaded = True

    async def _load_questions(self, lines: list[questions.Line], lang: str) -> None:
        slots = await run_db(questions.slots_for, lines) if lines else []
        self.question_fields, self.question_options, self.countries = field_views(slots, self.answers, lang)
        self.yes_no = yes_no_labels(lang) if slots else {}

    def _ensure_device(self) -> None:
        if not (8 <= len(self.device_id) <= 64 and self.device_id.replace("-", "").replace("_", "").isalnum()):
            self.device_id = secrets.token_urlsafe(18)

    def _client(self) -> Client:
        self._ensure_device()
        return Client(ip=self.router.session.client_ip or "", device=self.device_id)

    async def _prefill_buyer(self) -> None:
        """A signed-in buyer starts from their account's name and e-mail (still editable)."""
        user = await current_user(self)
        if user is None:
            return
        self.buyer_name = self.buyer_name or user.display_name
        self.buyer_email = self.buyer_email or user.email

    @rx.event
    async def place_order(self, form: dict[str, Any] | None = None) -> AsyncIterator[EventSpec | None]:
        lang = await current_lang(self)
        self._take_details(form)
        self.error_field = ""
        if not self.accept_terms:
            self.error, self.error_field = gettext(lang, "Please accept the terms of sale to continue."), "accept-terms"
            yield focus_control(self.error_field)
            return
        self.placing = True
        yield None  # send the busy flag before the order is placed
        cart = await self.get_state(CartState)
        names: dict[int, list[str]] = defaultdict(list)
        for field in self.attendee_fields:
            type_id, _ = field["key"].split(":")
            names[int(type_id)].append(self.attendees.get(field["key"], ""))
        # Resolved again here, not trusted from load: the order joins the account signed in now.
        user = await current_user(self)
        user_id = user.id if user is not None and user.fully_signed_in else None
        if user_id is None and (refusal := await self._bot_refusal(form, lang)):
            self.error, self.placing = refusal, False
            return
        try:
            placed = await run_db(
                _place,
                cart.cart_token,
                self.buyer_name,
                self.buyer_email,
                lang,
                dict(names),
                user_id,
                self._client(),
                dict(self.answers),
                self._company(),
                self.payment_method,
            )
        except (inventory.BookingError, RiskRefusedError, PromoError, QuestionError, TaxError) as refused:
            self.error = refused.translated(lang)
            self.placing = False
            vat_refusal = isinstance(refused, TaxError) and refused.message not in CHECKOUT_ERROR_FIELDS
            self.error_field = "company-vat" if vat_refusal else CHECKOUT_ERROR_FIELDS.get(refused.message, "")
            if isinstance(refused, QuestionError) and refused.field:
                self.error_field = answer_control(refused.field)
            if self.error_field:
                yield focus_control(self.error_field)
            return
        self.error = ""
        self.order_codes = [order.code for order in placed.orders]
        self.placed_orders = [{"code": o.code, "href": order_payments.status_url(o)} for o in placed.orders]
        self.lines = []
        cart.item_count = placed.item_count
        if isinstance(placed.payment, order_payments.OrderError):
            self.error = translate(lang, placed.payment.message, **placed.payment.values)
        elif placed.payment is not None and placed.payment.redirect_url:
            yield redirect_to(placed.payment.redirect_url)
        self.placing = False

    async def _bot_refusal(self, form: object, lang: str) -> str:
        """A guest's form that looks automated (honeypot, sent too fast): why, in the buyer's language."""
        honeypot = form_values(form, {bots.HONEYPOT_FIELD: NAME_MAX})[bots.HONEYPOT_FIELD]
        client = ClientInfo(ip=self.router.session.client_ip or "", user_agent=self.router.headers.user_agent or "")
        try:
            await run_db(bots.screen_form, "checkout", honeypot, self._shown_at, time.time(), client, self.buyer_email)
        except bots.BotRefusedError as refused:
            return refused.translated(lang)
        return ""

    def _take_details(self, form: object) -> None:
        """The submitted name, e-mail and attendee names: the page's own fields only, capped."""
        details = form_values(form, {"buyer-name": NAME_MAX, "buyer-email": EMAIL_MAX})
        self.buyer_name, self.buyer_email = details["buyer-name"], details["buyer-email"]
        self.company = form_values(form, COMPANY_FIELDS) if self.invoice_company else {}
        names = form_values(form, {attendee_control(field["key"]): NAME_MAX for field in self.attendee_fields})
        self.attendees = {field["key"]: names[attendee_control(field["key"])] for field in self.attendee_fields}
        self.answers = read_answers(form, self.question_fields, self.question_options)

    def _company(self) -> Company | None:
        if not self.invoice_company:
            return None
        return Company(self.company["company-name"], self.company["company-address"], self.company["company-vat"])


def attendee_control(key: str) -> str:
    """The name (and id) of the input for attendee `key` ("<ticket type id>:<n>")."""
    return f"attendee-{key}"


def _load_and_record(session: Session, token: str, viewer: str, lang: str) -> CartView:
    view = load_cart(session, token, lang=lang)
    type_ids = [line.ticket_type_id for line in view.live_lines]
    record_quietly(session, lambda s: funnel.record_checkout_started(s, viewer, type_ids))
    return view


@dataclass(frozen=True)
class _Placed:
    """What "Place order" brings back from its one database trip."""

    orders: list[Order]
    item_count: int  # the header's cart count afterwards
    # A single order is handed to the chosen method at once: where the buyer goes, or why it could not start.
    payment: PaymentStart | order_payments.OrderError | None


def _place(
    session: Session,
    token: str,
    name: str,
    email: str,
    lang: str,
    names: dict[int, list[str]],
    user_id: int | None,
    client: Client,
    answers: dict[str, str],
    company: Company | None,
    method: str,
) -> _Placed:
    """Place the orders (their own committed transaction), then start the payment and count the cart again."""
    placed = orders.convert_cart_to_pending_order(
        session,
        token,
        buyer_name=name,
        buyer_email=email,
        user_id=user_id,
        locale=lang,
        attendee_names=names,
        client=client,
        answers=answers,
        company=company,
    )
    payment: PaymentStart | order_payments.OrderError | None = None
    if len(placed) == 1:
        try:
            payment = order_payments.begin_payment(session, placed[0].code, method)
        except order_payments.OrderError as refused:
            payment = refused
    return _Placed(placed, cart_item_count(session, token), payment)
