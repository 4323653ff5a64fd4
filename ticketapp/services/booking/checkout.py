"""Hold → pending order conversion, and the order-side inventory operations payments call.

Seats of a pending order count as sold until `Order.expires_at` (see
`ticketapp.services.booking.inventory.counts_as_sold`); `confirm_order_paid` makes them
permanent, `sweep_expired` tidies up. Status changes go through `services.orders.lifecycle`,
seat counters through `services.booking.seats`.
"""

from __future__ import annotations

import secrets
from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import datetime
from enum import StrEnum

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, or_, select

from ticketapp.db import begin_write_locked
from ticketapp.i18n import msgid
from ticketapp.models import PAID_STATUSES, PENDING_STATUSES, Hold, Order, OrderItem, OrderStatus, TicketType, utcnow
from ticketapp.services.booking import seats
from ticketapp.services.booking.inventory import (
    NOT_ON_SALE_MESSAGES,
    SWEEP_GRACE,
    BookingError,
    EmptyCartError,
    HoldExpiredError,
    InvalidBuyerError,
    LimitExceededError,
    NotOnSaleError,
    SalesState,
    find_cart,
    lock_cart_holds,
    lock_inventory,
    ordered_for_event,
    sales_state,
)
from ticketapp.services.invoicing import buyer as invoice_buyer
from ticketapp.services.orders import lifecycle
from ticketapp.services.promotions import codes as promo_codes
from ticketapp.services.questions import answers as questions
from ticketapp.services.questions.validation import QuestionError
from ticketapp.services.risk import screening
from ticketapp.services.risk.rules import Client
from ticketapp.services.shared.origin import visitor_origin
from ticketapp.services.waitlist import announce as waitlist_announce
from ticketapp.services.waitlist import offers as waitlist_offers
from ticketapp.services.webhooks import events as webhook_events
from ticketapp.settings import get_settings

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud over the phone
CODE_ATTEMPTS = 3  # 32¹⁰ codes: a clash is rare enough that a second one means something else broke


def new_order_code() -> str:
    """A random order code; uniqueness is the column's constraint (a clash retries the checkout)."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(10))


def _check_buyer(buyer_name: str, buyer_email: str) -> tuple[str, str]:
    name, email = buyer_name.strip(), buyer_email.strip().lower()
    if not name or len(name) > 200:
        raise InvalidBuyerError(msgid("Please enter your name."))
    local, _, domain = email.partition("@")
    if not local or "." not in domain or len(email) > 320 or " " in email:
        raise InvalidBuyerError(msgid("Please enter a valid e-mail address."))
    return name, email


def convert_cart_to_pending_order(
    session: Session,
    cart_token: str,
    *,
    buyer_name: str,
    buyer_email: str,
    user_id: int | None = None,
    locale: str = "en",
    attendee_names: Mapping[int, Sequence[str]] | None = None,
    now: datetime | None = None,
    client: Client | None = None,
    answers: Mapping[str, str] | None = None,
    company: invoice_buyer.Company | None = None,
) -> list[Order]:
    """Turn the cart's holds into pending orders, one per currency, atomically.

    Seats move from "held" to "sold" (pending, counted until the payment window
    closes) in the same locked transaction, so they are never free in between.
    A hold that expired before conversion is re-taken only if its seats are
    still free; otherwise nothing changes and HoldExpiredError is raised.
    The cart's promo code is checked again under its row's lock and its use recorded (PromoError if
    it cannot be used any more: nothing changes, the buyer removes it or tries again).
    `company` asks for a company invoice (invoicing.buyer; TaxError before anything is written when its details
    are wrong); an EU business from another member state pays reverse-charged types without VAT.
    The risk rules judge the new orders before the commit (services/risk/screening): a
    refused checkout changes nothing but the security log and raises RiskRefusedError.
    `answers` (slot key → text) answer the events' custom questions: checked against the cart's tickets and
    stored with the orders in this transaction (QuestionError for a missing or wrong one: nothing changes).
    """
    name, email = _check_buyer(buyer_name, buyer_email)
    company = invoice_buyer.check_company(company) if company is not None else None
    for attempt in range(CODE_ATTEMPTS):
        begin_write_locked(session)
        try:
            orders = _convert_locked(
                session, cart_token, name, email, user_id, locale, attendee_names or {}, now, answers or {}, company
            )
            verdict = screening.screen_checkout(session, orders, client or Client())
            if verdict.refused:
                session.rollback()
                screening.record_refusal(session, verdict)
                raise screening.RiskRefusedError(verdict)
            session.commit()
        except (BookingError, promo_codes.PromoError, QuestionError):
            session.rollback()
            raise
        except IntegrityError:  # the only unique value written here is the new order's code
            session.rollback()
            if attempt == CODE_ATTEMPTS - 1:
                raise
            continue
        return orders
    raise AssertionError("unreachable")


def _convert_locked(
    session: Session,
    token: str,
    name: str,
    email: str,
    user_id: int | None,
    locale: str,
    attendee_names: Mapping[int, Sequence[str]],
    now: datetime | None,
    answers: Mapping[str, str],
    company: invoice_buyer.Company | None = None,
) -> list[Order]:
    cart = find_cart(session, token)
    if cart is None:
        raise EmptyCartError(msgid("Your cart is empty."))
    holds, events, types = lock_cart_holds(session, cart)
    if not holds:  # empty, or a concurrent "Place order" of the same cart got here first
        raise EmptyCartError(msgid("Your cart is empty."))
    # Read the clock only now: a time taken before waiting for the locks would
    # judge a hold that lapsed meanwhile as live and skip the availability check.
    now = now or utcnow()
    seats.release_lapsed(session, types, now)
    per_event: dict[int, int] = defaultdict(int)
    for hold in holds:
        ticket_type = types[hold.ticket_type_id]
        state = sales_state(events[ticket_type.event_id], ticket_type, now)
        if state not in (SalesState.ON_SALE, SalesState.ENDED):  # a hold made in time may finish after sales_end
            raise NotOnSaleError(NOT_ON_SALE_MESSAGES[state])
        if hold.expires_at <= now and hold.quantity > seats.free(ticket_type, hold).remaining:
            raise HoldExpiredError(msgid("Your reservation expired and the tickets are no longer available."))
        per_event[ticket_type.event_id] += hold.quantity
    checked = questions.check_for_lines(session, [questions.Line(h.ticket_type_id, h.quantity) for h in holds], answers)
    for event_id, quantity in per_event.items():
        cap = events[event_id].max_tickets_per_customer
        who = (
            col(Order.buyer_email) == email
            if user_id is None
            else or_(col(Order.user_id) == user_id, col(Order.buyer_email) == email)
        )
        if cap is not None and ordered_for_event(session, event_id, now, who) + quantity > cap:
            raise LimitExceededError(msgid("At most {limit} tickets per customer for this event."), limit=cap)
    by_currency: dict[str, list[Hold]] = defaultdict(list)
    for hold in holds:
        by_currency[events[types[hold.ticket_type_id].event_id].currency].append(hold)
    promo, off = _promo_locked(session, cart.promo_code, holds, types, by_currency, email, now)
    for hold in holds:  # a hidden type held with a code the buyer then removed (or a crafted hold)
        if types[hold.ticket_type_id].hidden and not (promo and promo_codes.unlocks(promo, hold.ticket_type_id)):
            raise NotOnSaleError(
                msgid("“{name}” is sold only with its promo code."), name=types[hold.ticket_type_id].name
            )
    reverse = invoice_buyer.reverse_charge_for(session, company)
    orders, discount_by_order = [], {}
    type_ids_by_order: dict[int, set[int]] = {}
    unlocked_orders: set[int] = set()
    for currency, lines in sorted(by_currency.items()):
        order = _create_order(
            session,
            new_order_code(),
            currency,
            lines,
            types,
            name,
            email,
            user_id,
            locale,
            attendee_names,
            now,
            off,
            promo.code if promo else None,
            reverse,
        )
        invoice_buyer.record(session, order, company, reverse)
        orders.append(order)
        type_ids_by_order[order.id or 0] = {h.ticket_type_id for h in lines}
        discount_by_order[order.id or 0] = sum(off.get(h.ticket_type_id, 0) * h.quantity for h in lines)
        if promo is not None and any(promo_codes.unlocks(promo, h.ticket_type_id) for h in lines):
            unlocked_orders.add(order.id or 0)
    questions.record_answers(
        session,
        [(order.id or 0, [h.ticket_type_id for h in by_currency[order.currency]]) for order in orders],
        checked,
        now,
    )
    if promo is not None:
        promo_codes.record_redemptions(session, promo, orders, discount_by_order, unlocked_orders)
    waitlist_offers.link_orders(session, cart.id or 0, orders, type_ids_by_order)
    for hold in holds:
        seats.drop_hold(session, hold, types[hold.ticket_type_id])
    return orders


def _promo_locked(
    session: Session,
    code: str | None,
    holds: list[Hold],
    types: dict[int, TicketType],
    by_currency: Mapping[str, list[Hold]],
    email: str,
    now: datetime,
) -> tuple[promo_codes.PromoCode | None, dict[int, int]]:
    """The cart's promo code, locked after the seats (one lock order for every checkout), and its discount
    per ticket by ticket type. Its uses are counted under that lock, so the last use goes to one buyer."""
    if not code:
        return None, {}  # no code: no query
    promo = promo_codes.lock_code(session, code)
    if promo is None:
        raise promo_codes.PromoError(promo_codes.UNKNOWN)
    lines = [
        promo_codes.PricedLine(
            h.ticket_type_id, types[h.ticket_type_id].event_id, types[h.ticket_type_id].price_minor, h.quantity
        )
        for h in holds
    ]
    # One use per order that gets a discount or a hidden type the code unlocks (a cart in two currencies
    # becomes two orders).
    uses_needed = sum(
        1
        for group in by_currency.values()
        if any(
            (promo_codes.applies_to(promo, line) and promo_codes.discount_per_ticket(promo, line.unit_price_minor))
            or promo_codes.unlocks(promo, line.ticket_type_id)
            for line in lines
            if line.ticket_type_id in {h.ticket_type_id for h in group}
        )
    )
    return promo, promo_codes.check_locked(session, promo, lines, email, now, uses_needed)


def _create_order(
    session: Session,
    code: str,
    currency: str,
    holds: list[Hold],
    types: dict[int, TicketType],
    name: str,
    email: str,
    user_id: int | None,
    locale: str,
    attendee_names: Mapping[int, Sequence[str]],
    now: datetime,
    off: Mapping[int, int],
    promo_code: str | None,
    reverse_charge: bool = False,
) -> Order:
    # What each ticket costs: its list price less the discount, with added tax on top (or none, reverse-charged).
    price = {
        h.ticket_type_id: invoice_buyer.unit_price(
            types[h.ticket_type_id],
            types[h.ticket_type_id].price_minor - off.get(h.ticket_type_id, 0),
            reverse_charge,
        )
        for h in holds
    }
    discount = sum(off.get(h.ticket_type_id, 0) * h.quantity for h in holds)
    order = Order(
        code=code,
        user_id=user_id,
        buyer_name=name,
        buyer_email=email,
        currency=currency,
        total_minor=sum(price[h.ticket_type_id] * h.quantity for h in holds),
        promo_code=promo_code if discount else None,
        locale=locale,
        origin=visitor_origin(),
        created_at=now,
        updated_at=now,
        expires_at=now + get_settings().order_payment_window,
    )
    session.add(order)
    session.flush()
    items = []
    for hold in holds:
        names = [n.strip()[:200] for n in attendee_names.get(hold.ticket_type_id, [])][: hold.quantity]
        items.append(
            OrderItem(
                order_id=order.id or 0,
                ticket_type_id=hold.ticket_type_id,
                quantity=hold.quantity,
                unit_price_minor=price[hold.ticket_type_id],
                discount_minor=off.get(hold.ticket_type_id, 0),
                attendee_names=names if any(names) else None,
            )
        )
    seats.take_for_order(session, items, types)
    webhook_events.record(session, "order.placed", webhook_events.order_data(order), now=now)
    return order


class PaymentConfirmation(StrEnum):
    CONFIRMED = "confirmed"  # this call marked the order paid
    ALREADY_PAID = "already_paid"  # an earlier call did (duplicate or racing notification)
    SEATS_GONE = "seats_gone"  # paid too late: the seats were sold meanwhile, refund it
    NOT_PAYABLE = "not_payable"  # cancelled or refunded meanwhile: refund it
    UNKNOWN_ORDER = "unknown_order"


def confirm_order_paid(
    session: Session,
    order_id: int,
    *,
    note: str = "paid",
    actor_id: int | None = None,
    now: datetime | None = None,
) -> PaymentConfirmation:
    """Mark a pending order paid, for the payment providers; `note` and `actor_id` go to its log row (commits).

    See `confirm_locked`, which payments call inside the transaction that records the money.
    """
    begin_write_locked(session)
    order = session.get(Order, order_id, with_for_update=True, populate_existing=True)
    result = PaymentConfirmation.UNKNOWN_ORDER if order is None else confirm_locked(session, order, note, actor_id, now)
    if result is PaymentConfirmation.CONFIRMED:
        session.commit()
    else:
        session.rollback()
    return result


def confirm_locked(
    session: Session, order: Order, note: str, actor_id: int | None = None, now: datetime | None = None
) -> PaymentConfirmation:
    """`confirm_order_paid` for an order the caller locked (`with_for_update`) in its open write transaction.

    While its window is open the seats are already counted, and they stay so:
    only a transaction holding the order row releases them (`seats`). A payment that
    arrives after the window closed is accepted only if the seats are still free
    (checked under the inventory locks); otherwise SEATS_GONE is returned and the
    order is left as it is, so the caller refunds the payment. The order row is
    locked, so of two racing confirmations exactly one gets CONFIRMED. The caller commits.
    """
    if order.status in PAID_STATUSES:
        return PaymentConfirmation.ALREADY_PAID
    if not lifecycle.can_move(order.status, OrderStatus.PAID):
        return PaymentConfirmation.NOT_PAYABLE
    items = list(
        session.exec(
            select(OrderItem).where(OrderItem.order_id == order.id).execution_options(populate_existing=True)
        ).all()
    )
    given, now = now, now or utcnow()  # after the order's lock
    if not _window_open(order, now) or not all(i.seats_counted for i in items):
        _, types = lock_inventory(session, [i.ticket_type_id for i in items])
        now = given or utcnow()  # after the inventory locks too
        seats.release_lapsed(session, types, now)  # this order's seats too, when its window closed
        if not all(i.seats_counted for i in items):
            if any(quantity > seats.free(types[t]).remaining for t, quantity in seats.needed(items).items()):
                return PaymentConfirmation.SEATS_GONE
            seats.take_for_order(session, items, types)
    lifecycle.mark_paid(session, order, note, actor_id=actor_id, now=now)
    return PaymentConfirmation.CONFIRMED


def _window_open(order: Order, now: datetime) -> bool:
    return order.status in PENDING_STATUSES and order.expires_at is not None and order.expires_at > now


def keep_seats_until(session: Session, order_id: int, until: datetime, note: str) -> bool:
    """An unpaid order waits for slower money (bank transfer, a processing debit): its seats stay counted
    until `until` (commits). Retaken if its window closed meanwhile and they are still free; False otherwise."""
    begin_write_locked(session)
    order = session.get(Order, order_id, with_for_update=True, populate_existing=True)
    if order is None or not keep_seats_locked(session, order, until, note):
        session.rollback()
        return False
    session.commit()
    lifecycle.announce_status(order.code)
    return True


def keep_seats_locked(session: Session, order: Order, until: datetime, note: str) -> bool:
    """`keep_seats_until` for an order the caller locked in its open write transaction; the caller commits
    (or rolls back on False: the order is no longer pending, or its lapsed seats were taken by others)."""
    if order.status not in PENDING_STATUSES:
        return False
    items = list(
        session.exec(
            select(OrderItem).where(OrderItem.order_id == order.id).execution_options(populate_existing=True)
        ).all()
    )
    now = utcnow()
    if not _window_open(order, now) or not all(i.seats_counted for i in items):
        _, types = lock_inventory(session, [i.ticket_type_id for i in items])
        seats.release_lapsed(session, types, now)
        if not all(i.seats_counted for i in items):
            if any(quantity > seats.free(types[t]).remaining for t, quantity in seats.needed(items).items()):
                return False
            seats.take_for_order(session, items, types)
    order.expires_at = until
    if order.status != OrderStatus.AWAITING_PAYMENT:
        lifecycle.move(session, order, OrderStatus.AWAITING_PAYMENT, note, now=now)
    session.add(order)
    return True


def sweep_expired(session: Session, *, now: datetime | None = None) -> dict[str, int]:
    """Periodic tidy-up: release what lapsed from the seat counters, delete long-expired holds and mark
    lapsed pending orders expired (one log row each).

    Availability never waits for this (readers subtract what lapsed, writers release it first).
    """
    now = now or utcnow()
    begin_write_locked(session)
    lapsed = lifecycle.lapsed_orders(session, now)  # locked (PostgreSQL), so released and expired together
    type_ids = set(
        session.exec(
            select(OrderItem.ticket_type_id).where(col(OrderItem.order_id).in_(lapsed), col(OrderItem.seats_counted))
        ).all()
    ) | set(session.exec(select(Hold.ticket_type_id).where(col(Hold.counted), col(Hold.expires_at) <= now)).all())
    _, types = lock_inventory(session, type_ids)
    seats.release_lapsed(session, types, now)
    holds = session.exec(delete(Hold).where(col(Hold.expires_at) <= now - SWEEP_GRACE, col(Hold.counted).is_(False)))
    expired = lifecycle.expire_orders(session, lapsed, now)
    session.commit()
    waitlist_announce.seats_back(type_ids)  # lapsed holds (offers too) and expired orders freed these
    return {"holds": int(holds.rowcount or 0), "orders": expired}
