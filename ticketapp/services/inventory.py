"""Scarce inventory: availability, timed holds, and hold → pending order. Never oversell.

Availability of a ticket type = capacity − sold − active holds, where
- *sold* is defined once, in `counts_as_sold`: paid orders, and pending orders
  whose payment window (`Order.expires_at`) is still open;
- *active holds* are holds with `expires_at > now` (expired ones stop counting
  the instant they lapse; the sweep job only tidies up).

Every check-then-write runs in one transaction that first locks the rows it
depends on: the event row, then its ticket-type rows, always in id order so two
transactions never wait on each other in a cycle. PostgreSQL takes `SELECT … FOR
UPDATE` row locks; SQLite ignores FOR UPDATE, so the transaction is opened with
`BEGIN IMMEDIATE` (`begin_write_locked`) and writers run one at a time.
"""

from __future__ import annotations

import secrets
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import ColumnElement, and_, delete, func, or_, update
from sqlmodel import Session, col, select

from ticketapp.db import begin_write_locked
from ticketapp.i18n import msgid, translate
from ticketapp.models import Cart, Event, EventStatus, Hold, Order, OrderItem, OrderStatus, TicketType, utcnow
from ticketapp.settings import get_settings

# A request for more than this many tickets of one type is refused as nonsense
# before touching the database (max_per_order is the real, per-type limit).
MAX_QUANTITY = 1000
# Expired holds stay this long so the cart can still offer "Renew"; they no
# longer count against availability in the meantime.
SWEEP_GRACE = timedelta(minutes=30)
PAID_STATUSES = (OrderStatus.PAID, OrderStatus.PARTIALLY_REFUNDED)
PENDING_STATUSES = (OrderStatus.PENDING, OrderStatus.AWAITING_PAYMENT)
CART_TOKEN_BYTES = 32


class BookingError(Exception):
    """A refused booking request. `message` is an English msgid; `values` fill its placeholders."""

    def __init__(self, message: str, **values: object) -> None:
        super().__init__(message.format(**values) if values else message)
        self.message = message
        self.values = values

    def translated(self, lang: str) -> str:
        return translate(lang, self.message, **self.values)


class InvalidQuantityError(BookingError):
    pass


class UnknownTicketTypeError(BookingError):
    pass


class NotOnSaleError(BookingError):
    pass


class NotEnoughAvailableError(BookingError):
    pass


class LimitExceededError(BookingError):
    pass


class HoldExpiredError(BookingError):
    pass


class EmptyCartError(BookingError):
    pass


class InvalidBuyerError(BookingError):
    pass


class SalesState(StrEnum):
    NOT_YET = "not_yet"
    ON_SALE = "on_sale"
    ENDED = "ended"
    EVENT_OVER = "event_over"
    CANCELLED = "cancelled"
    UNAVAILABLE = "unavailable"  # draft / unpublished


@dataclass(frozen=True)
class Availability:
    capacity: int
    sold: int
    held: int

    @property
    def remaining(self) -> int:
        return max(self.capacity - self.sold - self.held, 0)


# --- the single definition of "sold" and "held" --------------------------------


def counts_as_sold(now: datetime) -> ColumnElement[bool]:
    """Orders whose items occupy seats: paid, or pending with an open payment window."""
    return or_(
        col(Order.status).in_(PAID_STATUSES),
        and_(col(Order.status).in_(PENDING_STATUSES), col(Order.expires_at) > now),
    )


def sold_by_type(now: datetime):  # noqa: ANN201  (a SQLAlchemy subquery)
    """Subquery (ticket_type_id, sold) over every ticket type that has sold seats."""
    return (
        select(OrderItem.ticket_type_id, func.sum(OrderItem.quantity).label("sold"))
        .join(Order, col(Order.id) == OrderItem.order_id)
        .where(counts_as_sold(now))
        .group_by(OrderItem.ticket_type_id)
        .subquery("sold_by_type")
    )


def held_by_type(now: datetime):  # noqa: ANN201  (a SQLAlchemy subquery)
    """Subquery (ticket_type_id, held) of active holds."""
    return (
        select(Hold.ticket_type_id, func.sum(Hold.quantity).label("held"))
        .where(Hold.expires_at > now)
        .group_by(Hold.ticket_type_id)
        .subquery("held_by_type")
    )


def availability(
    session: Session, ticket_type_ids: Iterable[int], *, now: datetime | None = None, exclude_cart_id: int | None = None
) -> dict[int, Availability]:
    """Capacity, sold and held per ticket type; `exclude_cart_id`'s own holds are not counted."""
    now = now or utcnow()
    ids = sorted(set(ticket_type_ids))
    if not ids:
        return {}
    held_filter = [Hold.expires_at > now, col(Hold.ticket_type_id).in_(ids)]
    if exclude_cart_id is not None:
        held_filter.append(Hold.cart_id != exclude_cart_id)
    held = dict(
        session.exec(
            select(Hold.ticket_type_id, func.sum(Hold.quantity)).where(*held_filter).group_by(Hold.ticket_type_id)
        ).all()
    )
    sold = dict(
        session.exec(
            select(OrderItem.ticket_type_id, func.sum(OrderItem.quantity))
            .join(Order, col(Order.id) == OrderItem.order_id)
            .where(counts_as_sold(now), col(OrderItem.ticket_type_id).in_(ids))
            .group_by(OrderItem.ticket_type_id)
        ).all()
    )
    capacities = dict(session.exec(select(TicketType.id, TicketType.capacity).where(col(TicketType.id).in_(ids))).all())
    return {
        tt_id: Availability(capacity, int(sold.get(tt_id) or 0), int(held.get(tt_id) or 0))
        for tt_id, capacity in capacities.items()
        if tt_id is not None
    }


def sales_state(event: Event, ticket_type: TicketType, now: datetime) -> SalesState:
    """Whether `ticket_type` can be bought at `now`."""
    if event.status == EventStatus.CANCELLED:
        return SalesState.CANCELLED
    if event.status != EventStatus.PUBLISHED:
        return SalesState.UNAVAILABLE
    if event.ends_at <= now:
        return SalesState.EVENT_OVER
    if ticket_type.sales_start and now < ticket_type.sales_start:
        return SalesState.NOT_YET
    if ticket_type.sales_end and now >= ticket_type.sales_end:
        return SalesState.ENDED
    return SalesState.ON_SALE


_NOT_ON_SALE_MESSAGES = {
    SalesState.CANCELLED: msgid("This event has been cancelled."),
    SalesState.UNAVAILABLE: msgid("This event is not on sale."),
    SalesState.EVENT_OVER: msgid("This event has already taken place."),
    SalesState.NOT_YET: msgid("Tickets are not on sale yet."),
    SalesState.ENDED: msgid("Ticket sales have ended."),
}


# --- carts ----------------------------------------------------------------------


def new_cart_token() -> str:
    return secrets.token_urlsafe(CART_TOKEN_BYTES)


def is_valid_cart_token(token: str) -> bool:
    allowed = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
    return 20 <= len(token) <= 64 and set(token) <= allowed


def find_cart(session: Session, token: str) -> Cart | None:
    if not is_valid_cart_token(token):
        return None
    return session.exec(select(Cart).where(Cart.token == token)).first()


def _get_or_create_cart(session: Session, token: str, user_id: int | None) -> Cart:
    if not is_valid_cart_token(token):
        raise BookingError(msgid("Your cart could not be found. Please reload the page."))
    cart = find_cart(session, token)
    if cart is None:
        cart = Cart(token=token, user_id=user_id)
        session.add(cart)
        session.flush()
    elif user_id is not None and cart.user_id is None:
        cart.user_id = user_id
    return cart


# --- locking --------------------------------------------------------------------


def _lock(session: Session, ticket_type_ids: Iterable[int]) -> tuple[dict[int, Event], dict[int, TicketType]]:
    """Lock the events then the ticket types (id order) that a write depends on."""
    ids = sorted(set(ticket_type_ids))
    event_ids = sorted(
        set(session.exec(select(TicketType.event_id).where(col(TicketType.id).in_(ids))).all()) if ids else set()
    )
    events = {
        e.id or 0: e
        for e in session.exec(
            select(Event).where(col(Event.id).in_(event_ids)).order_by(col(Event.id)).with_for_update()
        ).all()
    }
    types = {
        t.id or 0: t
        for t in session.exec(
            select(TicketType).where(col(TicketType.id).in_(ids)).order_by(col(TicketType.id)).with_for_update()
        ).all()
    }
    return events, types


def _check_quantity(quantity: object) -> int:
    if isinstance(quantity, bool) or not isinstance(quantity, int):
        raise InvalidQuantityError(msgid("Please choose a whole number of tickets."))
    if quantity < 0:
        raise InvalidQuantityError(msgid("The number of tickets cannot be negative."))
    if quantity > MAX_QUANTITY:
        raise InvalidQuantityError(msgid("That is too many tickets for one order."))
    return quantity


def _customer_count_for_event(
    session: Session, event_id: int, cart: Cart, user_id: int | None, now: datetime, skip_type_id: int | None
) -> int:
    """Tickets this customer already has for the event: their live holds and live/paid orders."""
    who = Hold.cart_id == cart.id if user_id is None else or_(Hold.cart_id == cart.id, Hold.user_id == user_id)
    hold_filter = [Hold.expires_at > now, who, TicketType.event_id == event_id]
    if skip_type_id is not None:
        hold_filter.append(Hold.ticket_type_id != skip_type_id)
    held = session.exec(
        select(func.coalesce(func.sum(Hold.quantity), 0))
        .join(TicketType, col(TicketType.id) == Hold.ticket_type_id)
        .where(*hold_filter)
    ).one()
    bought = 0 if user_id is None else _ordered_for_event(session, event_id, now, Order.user_id == user_id)
    return int(held) + bought


def _ordered_for_event(session: Session, event_id: int, now: datetime, who: ColumnElement[bool]) -> int:
    return int(
        session.exec(
            select(func.coalesce(func.sum(OrderItem.quantity), 0))
            .join(Order, col(Order.id) == OrderItem.order_id)
            .join(TicketType, col(TicketType.id) == OrderItem.ticket_type_id)
            .where(TicketType.event_id == event_id, counts_as_sold(now), who)
        ).one()
    )


# --- holds ----------------------------------------------------------------------


def set_hold_quantity(
    session: Session,
    cart_token: str,
    ticket_type_id: int,
    quantity: int,
    *,
    user_id: int | None = None,
    add: bool = False,
    now: datetime | None = None,
) -> Hold | None:
    """Reserve exactly `quantity` (or `add` that many) tickets of a type for a cart.

    0 removes the line. Raises a BookingError, changing nothing, when the type is
    unknown or not on sale, the quantity is invalid or above a limit, or not
    enough tickets are free. A successful change restarts the hold's countdown.
    """
    quantity = _check_quantity(quantity)
    if isinstance(ticket_type_id, bool) or not isinstance(ticket_type_id, int):
        raise UnknownTicketTypeError(msgid("This ticket type does not exist."))
    begin_write_locked(session)
    now = now or utcnow()
    try:
        hold = _set_hold_locked(session, cart_token, ticket_type_id, quantity, user_id, add, now)
    except BookingError:
        session.rollback()
        raise
    session.commit()
    return hold


def _set_hold_locked(
    session: Session, token: str, ticket_type_id: int, quantity: int, user_id: int | None, add: bool, now: datetime
) -> Hold | None:
    events, types = _lock(session, [ticket_type_id])
    ticket_type = types.get(ticket_type_id)
    if ticket_type is None:
        raise UnknownTicketTypeError(msgid("This ticket type does not exist."))
    event = events[ticket_type.event_id]
    cart = _get_or_create_cart(session, token, user_id)
    hold = session.exec(select(Hold).where(Hold.cart_id == cart.id, Hold.ticket_type_id == ticket_type_id)).first()
    if add and hold is not None and hold.expires_at > now:
        quantity += hold.quantity
    if quantity == 0:
        if hold is not None:
            session.delete(hold)
        return None
    state = sales_state(event, ticket_type, now)
    if state != SalesState.ON_SALE:
        raise NotOnSaleError(_NOT_ON_SALE_MESSAGES[state])
    if quantity > ticket_type.max_per_order:
        raise LimitExceededError(
            msgid("At most {limit} tickets of this type per order."), limit=ticket_type.max_per_order
        )
    remaining = availability(session, [ticket_type_id], now=now, exclude_cart_id=cart.id)[ticket_type_id].remaining
    if remaining == 0:
        raise NotEnoughAvailableError(msgid("Sold out."))
    if quantity > remaining:
        raise NotEnoughAvailableError(msgid("Only {remaining} tickets left."), remaining=remaining)
    cap = event.max_tickets_per_customer
    if cap is not None:
        already = _customer_count_for_event(session, event.id or 0, cart, user_id, now, ticket_type_id)
        if already + quantity > cap:
            raise LimitExceededError(msgid("At most {limit} tickets per customer for this event."), limit=cap)
    if hold is None:
        hold = Hold(cart_id=cart.id or 0, ticket_type_id=ticket_type_id, quantity=quantity, expires_at=now)
    hold.quantity = quantity
    hold.user_id = user_id if user_id is not None else cart.user_id
    hold.expires_at = now + get_settings().hold_duration
    cart.updated_at = now
    session.add(hold)
    session.add(cart)
    return hold


def add_to_cart(
    session: Session, cart_token: str, ticket_type_id: int, quantity: int, *, user_id: int | None = None
) -> Hold | None:
    """Add `quantity` tickets to what the cart already holds of this type."""
    if isinstance(quantity, int) and not isinstance(quantity, bool) and quantity == 0:
        raise InvalidQuantityError(msgid("Please choose at least one ticket."))
    return set_hold_quantity(session, cart_token, ticket_type_id, quantity, user_id=user_id, add=True)


def empty_cart(session: Session, cart_token: str) -> int:
    """Release every hold of the cart; returns how many lines were removed."""
    cart = find_cart(session, cart_token)
    if cart is None:
        return 0
    result = session.exec(delete(Hold).where(col(Hold.cart_id) == cart.id))  # type: ignore[call-overload]
    session.commit()
    return int(result.rowcount or 0)


def renew_cart(session: Session, cart_token: str, *, now: datetime | None = None) -> list[int]:
    """Restart the countdown of every line that can still be held in full.

    Returns the ticket type ids that could not be renewed (taken by others, or
    no longer on sale); those lines are released.
    """
    begin_write_locked(session)
    now = now or utcnow()
    cart = find_cart(session, cart_token)
    holds = list(session.exec(select(Hold).where(Hold.cart_id == cart.id)).all()) if cart else []
    if cart is None or not holds:
        session.rollback()
        return []
    events, types = _lock(session, [h.ticket_type_id for h in holds])
    free = availability(session, types, now=now, exclude_cart_id=cart.id)
    lost: list[int] = []
    for hold in holds:
        ticket_type = types[hold.ticket_type_id]
        on_sale = sales_state(events[ticket_type.event_id], ticket_type, now) == SalesState.ON_SALE
        if on_sale and hold.quantity <= free[hold.ticket_type_id].remaining:
            hold.expires_at = now + get_settings().hold_duration
            session.add(hold)
        else:
            lost.append(hold.ticket_type_id)
            session.delete(hold)
    session.commit()
    return lost


def release_expired_holds(session: Session, cart_token: str, *, now: datetime | None = None) -> int:
    """Drop a cart's expired lines (after telling the visitor); returns how many."""
    cart = find_cart(session, cart_token)
    if cart is None:
        return 0
    result = session.exec(
        delete(Hold).where(col(Hold.cart_id) == cart.id, col(Hold.expires_at) <= (now or utcnow()))  # type: ignore[call-overload]
    )
    session.commit()
    return int(result.rowcount or 0)


def merge_cart_into_user(session: Session, cart_token: str, user_id: int, *, now: datetime | None = None) -> str:
    """On sign-in: attach the anonymous cart to the user and fold in their other carts.

    When both carts hold the same ticket type, the anonymous cart's line wins
    (it is what the visitor chose last). Returns the token of the merged cart,
    which stays the visitor's cookie. Per-customer caps are enforced again when
    the order is placed.
    """
    begin_write_locked(session)
    now = now or utcnow()
    cart = _get_or_create_cart(session, cart_token, user_id)
    cart.user_id = user_id
    cart.updated_at = now
    session.add(cart)
    own_types = set(session.exec(select(Hold.ticket_type_id).where(Hold.cart_id == cart.id)).all())
    others = session.exec(select(Cart).where(Cart.user_id == user_id, Cart.id != cart.id)).all()
    for other in others:
        for hold in session.exec(select(Hold).where(Hold.cart_id == other.id)).all():
            if hold.ticket_type_id in own_types:
                session.delete(hold)
                continue
            hold.cart_id = cart.id or 0
            own_types.add(hold.ticket_type_id)
            session.add(hold)
    session.exec(update(Hold).where(col(Hold.cart_id) == cart.id).values(user_id=user_id))  # type: ignore[call-overload]
    session.commit()
    return cart.token


# --- orders ---------------------------------------------------------------------


def _new_order_code(session: Session) -> str:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud over the phone
    while True:
        code = "".join(secrets.choice(alphabet) for _ in range(10))
        if session.exec(select(Order.id).where(Order.code == code)).first() is None:
            return code


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
    attendee_names: dict[int, Sequence[str]] | None = None,
    now: datetime | None = None,
) -> list[Order]:
    """Turn the cart's holds into pending orders, one per currency, atomically.

    Seats move from "held" to "sold" (pending, counted until the payment window
    closes) in the same locked transaction, so they are never free in between.
    A hold that expired before conversion is re-taken only if its seats are
    still free; otherwise nothing changes and HoldExpiredError is raised.
    """
    name, email = _check_buyer(buyer_name, buyer_email)
    begin_write_locked(session)
    now = now or utcnow()
    try:
        orders = _convert_locked(session, cart_token, name, email, user_id, locale, attendee_names or {}, now)
    except BookingError:
        session.rollback()
        raise
    session.commit()
    return orders


def _convert_locked(
    session: Session,
    token: str,
    name: str,
    email: str,
    user_id: int | None,
    locale: str,
    attendee_names: dict[int, Sequence[str]],
    now: datetime,
) -> list[Order]:
    cart = find_cart(session, token)
    holds = list(session.exec(select(Hold).where(Hold.cart_id == cart.id).order_by(col(Hold.id))).all()) if cart else []
    if cart is None or not holds:
        raise EmptyCartError(msgid("Your cart is empty."))
    events, types = _lock(session, [h.ticket_type_id for h in holds])
    free = availability(session, types, now=now, exclude_cart_id=cart.id)
    per_event: dict[int, int] = defaultdict(int)
    for hold in holds:
        ticket_type = types[hold.ticket_type_id]
        state = sales_state(events[ticket_type.event_id], ticket_type, now)
        if state not in (SalesState.ON_SALE, SalesState.ENDED):  # a hold made in time may finish after sales_end
            raise NotOnSaleError(_NOT_ON_SALE_MESSAGES[state])
        if hold.expires_at <= now and hold.quantity > free[hold.ticket_type_id].remaining:
            raise HoldExpiredError(msgid("Your reservation expired and the tickets are no longer available."))
        per_event[ticket_type.event_id] += hold.quantity
    for event_id, quantity in per_event.items():
        cap = events[event_id].max_tickets_per_customer
        who = (
            Order.buyer_email == email if user_id is None else or_(Order.user_id == user_id, Order.buyer_email == email)
        )
        if cap is not None and _ordered_for_event(session, event_id, now, who) + quantity > cap:
            raise LimitExceededError(msgid("At most {limit} tickets per customer for this event."), limit=cap)
    by_currency: dict[str, list[Hold]] = defaultdict(list)
    for hold in holds:
        by_currency[events[types[hold.ticket_type_id].event_id].currency].append(hold)
    orders = [
        _create_order(session, currency, lines, types, name, email, user_id, locale, attendee_names, now)
        for currency, lines in sorted(by_currency.items())
    ]
    for hold in holds:
        session.delete(hold)
    return orders


def _create_order(
    session: Session,
    currency: str,
    holds: list[Hold],
    types: dict[int, TicketType],
    name: str,
    email: str,
    user_id: int | None,
    locale: str,
    attendee_names: dict[int, Sequence[str]],
    now: datetime,
) -> Order:
    order = Order(
        code=_new_order_code(session),
        user_id=user_id,
        buyer_name=name,
        buyer_email=email,
        status=OrderStatus.PENDING,
        currency=currency,
        total_minor=sum(types[h.ticket_type_id].price_minor * h.quantity for h in holds),
        locale=locale,
        created_at=now,
        updated_at=now,
        expires_at=now + get_settings().order_payment_window,
    )
    session.add(order)
    session.flush()
    for hold in holds:
        names = [n.strip()[:200] for n in attendee_names.get(hold.ticket_type_id, [])][: hold.quantity]
        session.add(
            OrderItem(
                order_id=order.id or 0,
                ticket_type_id=hold.ticket_type_id,
                quantity=hold.quantity,
                unit_price_minor=types[hold.ticket_type_id].price_minor,
                attendee_names=names if any(names) else None,
            )
        )
    return order


def release_order(session: Session, order_id: int, status: OrderStatus = OrderStatus.CANCELLED) -> bool:
    """Free a pending order's seats (cancelled, failed or expired). False if it was not pending."""
    if status not in (OrderStatus.CANCELLED, OrderStatus.FAILED, OrderStatus.EXPIRED):
        raise ValueError(f"release_order cannot set {status}")
    result = session.exec(
        update(Order)  # type: ignore[call-overload]
        .where(col(Order.id) == order_id, col(Order.status).in_(PENDING_STATUSES))
        .values(status=status, updated_at=utcnow())
    )
    session.commit()
    return bool(result.rowcount)


class PaymentConfirmation(StrEnum):
    CONFIRMED = "confirmed"  # this call marked the order paid
    ALREADY_PAID = "already_paid"  # an earlier call did (duplicate or racing notification)
    SEATS_GONE = "seats_gone"  # paid too late: the seats were sold meanwhile, refund it
    UNKNOWN_ORDER = "unknown_order"


def confirm_order_paid(session: Session, order_id: int, *, now: datetime | None = None) -> PaymentConfirmation:
    """Mark a pending order paid, for the payment providers.

    While its window is open the seats are already counted. A payment that
    arrives after the window closed is accepted only if the seats are still free
    (checked under the same locks); otherwise SEATS_GONE is returned and the order
    is left as it is, so the caller refunds the payment. Runs under the write
    lock, so of two racing confirmations exactly one gets CONFIRMED.
    """
    begin_write_locked(session)
    now = now or utcnow()
    order = session.get(Order, order_id, with_for_update=True, populate_existing=True)
    if order is None or order.status in PAID_STATUSES:
        session.rollback()
        return PaymentConfirmation.UNKNOWN_ORDER if order is None else PaymentConfirmation.ALREADY_PAID
    items = list(session.exec(select(OrderItem).where(OrderItem.order_id == order_id)).all())
    _lock(session, [i.ticket_type_id for i in items])
    session.refresh(order)
    window_open = order.status in PENDING_STATUSES and order.expires_at is not None and order.expires_at > now
    if not window_open:
        free = availability(session, [i.ticket_type_id for i in items], now=now)
        if any(i.quantity > free[i.ticket_type_id].remaining for i in items):
            session.rollback()
            return PaymentConfirmation.SEATS_GONE
    order.status = OrderStatus.PAID
    order.paid_at = now
    order.updated_at = now
    session.add(order)
    session.commit()
    return PaymentConfirmation.CONFIRMED


def sweep_expired(session: Session, *, now: datetime | None = None) -> dict[str, int]:
    """Periodic tidy-up: delete long-expired holds, mark lapsed pending orders expired.

    Availability never waits for this (it compares `expires_at` with now).
    """
    now = now or utcnow()
    holds = session.exec(delete(Hold).where(col(Hold.expires_at) <= now - SWEEP_GRACE))  # type: ignore[call-overload]
    orders = session.exec(
        update(Order)  # type: ignore[call-overload]
        .where(col(Order.status).in_(PENDING_STATUSES), col(Order.expires_at) <= now)
        .values(status=OrderStatus.EXPIRED, updated_at=now)
    )
    session.commit()
    return {"holds": int(holds.rowcount or 0), "orders": int(orders.rowcount or 0)}
