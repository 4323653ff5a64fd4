"""Scarce inventory: the rules and locks behind holds (`holds.py`) and orders (`orders.py`). Never oversell.

Availability of a ticket type = capacity − sold − active holds, where
- *sold* is defined once, in `counts_as_sold`: paid orders, and pending orders
  whose payment window (`Order.expires_at`) is still open;
- *active holds* are holds with `expires_at > now` (expired ones stop counting
  the instant they lapse; the sweep job only tidies up).

Those sums are not computed on the way to a sale: `TicketType.sold_count` and
`held_count` keep them, written only by `ticketapp.services.booking.seats` under
the locks below. A hold or pending order that lapsed is still in the counters
until a locked transaction next touches its type (`seats.release_lapsed`, first
thing after the locks) or the sweep runs; readers without the lock subtract the
lapsed rows (`availability`), so they see the sums exactly. `availability_by_sums`
is the definition itself, kept for the tests that check the counters against it.

Every check-then-write runs in one transaction that first locks the rows it
depends on: the event rows in id order, each before its own ticket-type rows in
id order (one statement), so two transactions never wait on each other in a cycle. PostgreSQL takes `SELECT … FOR
UPDATE` row locks; SQLite ignores FOR UPDATE, so the transaction is opened with
`BEGIN IMMEDIATE` (`begin_write_locked`) and writers run one at a time.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import ColumnElement, Subquery, and_, event, func
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.orm import SessionTransaction
from sqlmodel import Session, col, or_, select

from ticketapp.db import SQLITE_BEGIN_OPTION
from ticketapp.i18n import msgid
from ticketapp.models import (
    PAID_STATUSES,
    PENDING_STATUSES,
    Cart,
    Event,
    EventStatus,
    Hold,
    Order,
    OrderItem,
    TicketType,
    utcnow,
)
from ticketapp.services.errors import DomainError

# A request for more than this many tickets of one type is refused as nonsense
# before touching the database (max_per_order is the real, per-type limit).
MAX_QUANTITY = 1000
# Expired holds stay this long so the cart can still offer "Renew"; they no
# longer count against availability in the meantime.
SWEEP_GRACE = timedelta(minutes=30)
CART_TOKEN_BYTES = 32


class BookingError(DomainError):
    """A refused booking request."""


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


def sold_by_type(now: datetime) -> Subquery:
    """Subquery (ticket_type_id, sold) over every ticket type that has sold seats."""
    return (
        select(OrderItem.ticket_type_id, func.sum(OrderItem.quantity).label("sold"))
        .join(Order, col(Order.id) == OrderItem.order_id)
        .where(counts_as_sold(now))
        .group_by(col(OrderItem.ticket_type_id))
        .subquery("sold_by_type")
    )


def held_by_type(now: datetime) -> Subquery:
    """Subquery (ticket_type_id, held) of active holds."""
    return (
        select(Hold.ticket_type_id, func.sum(Hold.quantity).label("held"))
        .where(Hold.expires_at > now)
        .group_by(col(Hold.ticket_type_id))
        .subquery("held_by_type")
    )


def lapsed_holds(ids: Iterable[int], now: datetime) -> list[ColumnElement[bool]]:
    """Holds of `ids` still in `held_count` although they lapsed (released by `seats.release_lapsed`)."""
    return [col(Hold.ticket_type_id).in_(list(ids)), col(Hold.counted).is_(True), col(Hold.expires_at) <= now]


def lapsed_order_items(ids: Iterable[int], now: datetime) -> list[ColumnElement[bool]]:
    """Items of `ids` still in `sold_count` although their pending order's window closed (join Order).

    Driven from the few lapsed pending orders (index on status, expires_at): the `+ 0` keeps both
    databases off the index on the item's type, which would read every item ever sold of it.
    """
    return [
        (col(OrderItem.ticket_type_id) + 0).in_(list(ids)),
        col(OrderItem.seats_counted).is_(True),
        col(Order.status).in_(PENDING_STATUSES),
        col(Order.expires_at) <= now,
    ]


def availability(
    session: Session, ticket_type_ids: Iterable[int], *, now: datetime | None = None, exclude_cart_id: int | None = None
) -> dict[int, Availability]:
    """Capacity, sold and held per ticket type; `exclude_cart_id`'s own holds are not counted.

    Read from the counters, less what lapsed and was not released yet: O(1) in
    the seats sold, without any lock (a locked writer uses `seats.free`).
    """
    now = now or utcnow()
    ids = sorted(set(ticket_type_ids))
    if not ids:
        return {}
    counters = session.exec(
        select(TicketType.id, TicketType.capacity, TicketType.sold_count, TicketType.held_count).where(
            col(TicketType.id).in_(ids)
        )
    ).all()
    not_held = lapsed_holds(ids, now)
    if exclude_cart_id is not None:
        not_held[-1] = or_(col(Hold.expires_at) <= now, col(Hold.cart_id) == exclude_cart_id)
    released_holds = dict(
        session.exec(
            select(Hold.ticket_type_id, func.sum(Hold.quantity)).where(*not_held).group_by(col(Hold.ticket_type_id))
        ).all()
    )
    released_items = dict(
        session.exec(
            select(OrderItem.ticket_type_id, func.sum(OrderItem.quantity))
            .join(Order, col(Order.id) == OrderItem.order_id)
            .where(*lapsed_order_items(ids, now))
            .group_by(col(OrderItem.ticket_type_id))
        ).all()
    )
    return {
        tt_id: Availability(
            capacity,
            sold - int(released_items.get(tt_id) or 0),
            held - int(released_holds.get(tt_id) or 0),
        )
        for tt_id, capacity, sold, held in counters
        if tt_id is not None
    }


def availability_by_sums(
    session: Session, ticket_type_ids: Iterable[int], *, now: datetime | None = None, exclude_cart_id: int | None = None
) -> dict[int, Availability]:
    """The definition: sums over every order item and hold of the types (what the counters must equal)."""
    now = now or utcnow()
    ids = sorted(set(ticket_type_ids))
    if not ids:
        return {}
    held_filter = [col(Hold.expires_at) > now, col(Hold.ticket_type_id).in_(ids)]
    if exclude_cart_id is not None:
        held_filter.append(col(Hold.cart_id) != exclude_cart_id)
    held = dict(
        session.exec(
            select(Hold.ticket_type_id, func.sum(Hold.quantity)).where(*held_filter).group_by(col(Hold.ticket_type_id))
        ).all()
    )
    sold = dict(
        session.exec(
            select(OrderItem.ticket_type_id, func.sum(OrderItem.quantity))
            .join(Order, col(Order.id) == OrderItem.order_id)
            .where(counts_as_sold(now), col(OrderItem.ticket_type_id).in_(ids))
            .group_by(col(OrderItem.ticket_type_id))
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


NOT_ON_SALE_MESSAGES = {
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


def get_or_create_cart(session: Session, token: str, user_id: int | None) -> Cart:
    cart = find_cart(session, token)
    if cart is None:
        return new_cart(session, token, user_id)
    if user_id is not None and cart.user_id is None:
        cart.user_id = user_id
    return cart


def new_cart(session: Session, token: str, user_id: int | None) -> Cart:
    """Insert the cart of a token nobody has used yet (flushed, so it has its id)."""
    if not is_valid_cart_token(token):
        raise BookingError(msgid("Your cart could not be found. Please reload the page."))
    cart = Cart(token=token, user_id=user_id)
    session.add(cart)
    session.flush()
    return cart


# --- locking --------------------------------------------------------------------


LOCKED_TYPES = "inventory_locked_types"  # Session.info key: ticket type ids this transaction locked


def locked_type_ids(session: Session) -> set[int]:
    """The ticket types whose rows the session's current transaction holds (`lock_inventory`)."""
    locked: set[int] = session.info.get(LOCKED_TYPES, set())
    return locked


@event.listens_for(OrmSession, "after_transaction_end")
def _forget_locks(session: OrmSession, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        session.info.pop(LOCKED_TYPES, None)


def lock_inventory(session: Session, ticket_type_ids: Iterable[int]) -> tuple[dict[int, Event], dict[int, TicketType]]:
    """Lock the events (id order), each with the ticket types (id order) of it that a write depends on.

    On SQLite the transaction must have been opened by `begin_write_locked`
    (that is the lock there); anything else is a bug and raises.
    """
    ids = sorted(set(ticket_type_ids))
    if not ids:
        return {}, {}
    connection = session.connection()
    immediate = connection.get_execution_options().get(SQLITE_BEGIN_OPTION) == "IMMEDIATE"
    if connection.dialect.name == "sqlite" and not immediate:
        raise RuntimeError("lock_inventory needs a transaction opened by begin_write_locked")
    # One statement locks both (PostgreSQL locks each joined row as the sorted rows come out):
    # events in id order, each before its own ticket types in id order.
    rows = session.exec(
        select(Event, TicketType)
        .join(TicketType, col(TicketType.event_id) == Event.id)
        .where(col(TicketType.id).in_(ids))
        .order_by(col(Event.id), col(TicketType.id))
        .with_for_update()
        .execution_options(populate_existing=True)
    ).all()
    events = {e.id or 0: e for e, _ in rows}
    types = {t.id or 0: t for _, t in rows}
    session.info.setdefault(LOCKED_TYPES, set()).update(types)
    return events, types


def lock_cart_holds(session: Session, cart: Cart) -> tuple[list[Hold], dict[int, Event], dict[int, TicketType]]:
    """Lock everything a cart's holds depend on, then read the holds as they are under the lock.

    Reading before locking is not enough: a concurrent request of the same cart
    (a double-clicked "Place order") may have changed them while we waited.
    """
    return lock_holds_of_carts(session, [cart.id or 0])


def lock_holds_of_carts(
    session: Session, cart_ids: list[int]
) -> tuple[list[Hold], dict[int, Event], dict[int, TicketType]]:
    """`lock_cart_holds` for the holds of several carts (a sign-in merging them)."""
    locked_events: dict[int, Event] = {}
    locked_types: dict[int, TicketType] = {}
    # SQLite: the write transaction already excluded other writers before this first read.
    once = session.connection().dialect.name == "sqlite"
    while True:
        holds = list(
            session.exec(
                select(Hold)
                .where(col(Hold.cart_id).in_(cart_ids))
                .order_by(col(Hold.cart_id), col(Hold.id))
                .execution_options(populate_existing=True)
            ).all()
        )
        missing = {h.ticket_type_id for h in holds} - set(locked_types)
        if not missing:
            return holds, locked_events, locked_types
        events, types = lock_inventory(session, missing)
        locked_events.update(events)
        locked_types.update(types)
        if once:
            return holds, locked_events, locked_types


def check_quantity(quantity: object) -> int:
    if isinstance(quantity, bool) or not isinstance(quantity, int):
        raise InvalidQuantityError(msgid("Please choose a whole number of tickets."))
    if quantity < 0:
        raise InvalidQuantityError(msgid("The number of tickets cannot be negative."))
    if quantity > MAX_QUANTITY:
        raise InvalidQuantityError(msgid("That is too many tickets for one order."))
    return quantity


def customer_count_for_event(
    session: Session, event_id: int, cart: Cart, user_id: int | None, now: datetime, skip_type_id: int | None
) -> int:
    """Tickets this customer already has for the event: their live holds and live/paid orders."""
    who = Hold.cart_id == cart.id if user_id is None else or_(Hold.cart_id == cart.id, Hold.user_id == user_id)
    hold_filter = [Hold.expires_at > now, who, TicketType.event_id == event_id]
    if skip_type_id is not None:  # this cart's line of that type is being replaced; other carts' lines count
        hold_filter.append(or_(Hold.cart_id != cart.id, Hold.ticket_type_id != skip_type_id))
    held = session.exec(
        select(func.coalesce(func.sum(Hold.quantity), 0))
        .join(TicketType, col(TicketType.id) == Hold.ticket_type_id)
        .where(*hold_filter)
    ).one()
    bought = 0 if user_id is None else ordered_for_event(session, event_id, now, col(Order.user_id) == user_id)
    return int(held) + bought


def ordered_for_event(session: Session, event_id: int, now: datetime, who: ColumnElement[bool]) -> int:
    return int(
        session.exec(
            select(func.coalesce(func.sum(OrderItem.quantity), 0))
            .join(Order, col(Order.id) == OrderItem.order_id)
            .join(TicketType, col(TicketType.id) == OrderItem.ticket_type_id)
            .where(TicketType.event_id == event_id, counts_as_sold(now), who)
        ).one()
    )
