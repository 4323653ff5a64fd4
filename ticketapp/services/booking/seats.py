"""The seat counters: the only writer of `TicketType.sold_count` / `held_count`, `Hold.counted` and
`OrderItem.seats_counted`.

`held_count` is the sum of the type's counted holds, `sold_count` the sum of its counted order
items. A hold is counted from the moment it is made until it is dropped or found lapsed; an item
is counted while its order counts as sold (`inventory.counts_as_sold`). Every function here needs
the ticket types locked by the caller's transaction (`inventory.lock_inventory`, which the lock
order of the inventory module governs) and raises otherwise, so a counter never changes outside
its row lock.

Lapsed holds and pending orders whose payment window closed leave the counters lazily:
`release_lapsed` runs first in every locked transaction that touches a type, and the sweep job
runs it for every type with something lapsed. Each row carries its own flag, so it is released
exactly once. An order row being paid, extended or ended right now is skipped (PostgreSQL:
`FOR UPDATE … SKIP LOCKED`), so a row flag only changes while its order is locked too; the
skipped order is released by the next pass if it did lapse.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime

from sqlalchemy import literal, union_all, update
from sqlmodel import Session, col, select

from ticketapp.db import begin_write_locked
from ticketapp.models import Hold, Order, OrderItem, TicketType, utcnow
from ticketapp.services.booking.inventory import (
    Availability,
    availability_by_sums,
    counts_as_sold,
    lapsed_holds,
    lapsed_order_items,
    lock_inventory,
    locked_type_ids,
)


def _require_locked(session: Session, type_ids: Iterable[int]) -> None:
    missing = set(type_ids) - locked_type_ids(session)
    if missing:
        raise RuntimeError(f"seat counters of ticket types {sorted(missing)} changed without their lock")


def release_lapsed(session: Session, types: Mapping[int, TicketType], now: datetime) -> int:
    """Take lapsed holds and lapsed pending orders of the locked `types` out of their counters; returns seats freed."""
    ids = sorted(types)
    if not ids:
        return 0
    _require_locked(session, ids)
    # One probe for both kinds (usually nothing lapsed); the items are then locked with their orders.
    probe = union_all(
        select(literal(True).label("is_hold"), col(Hold.id), col(Hold.ticket_type_id), col(Hold.quantity)).where(
            *lapsed_holds(ids, now)
        ),
        select(literal(False), col(OrderItem.id), col(OrderItem.ticket_type_id), col(OrderItem.quantity))
        .join(Order, col(Order.id) == OrderItem.order_id)
        .where(*lapsed_order_items(ids, now)),
    )
    found = session.execute(probe).all()
    holds = [(row[1], row[2], row[3]) for row in found if row[0]]
    items: Sequence[tuple[int | None, int, int]] = []
    if any(not row[0] for row in found):
        items = session.exec(
            select(OrderItem.id, OrderItem.ticket_type_id, OrderItem.quantity)
            .join(Order, col(Order.id) == OrderItem.order_id)
            .where(*lapsed_order_items(ids, now))
            .with_for_update(of=Order, skip_locked=True)
        ).all()
    for _, type_id, quantity in holds:
        types[type_id].held_count -= quantity
    for _, type_id, quantity in items:
        types[type_id].sold_count -= quantity
    if holds:
        session.exec(update(Hold).where(col(Hold.id).in_([h[0] for h in holds])).values(counted=False))
    if items:
        session.exec(update(OrderItem).where(col(OrderItem.id).in_([i[0] for i in items])).values(seats_counted=False))
    for ticket_type in types.values():
        session.add(ticket_type)
    return sum(h[2] for h in holds) + sum(i[2] for i in items)


def free(ticket_type: TicketType, own: Hold | None = None) -> Availability:
    """Seats of a locked type after `release_lapsed`; `own` (the buyer's hold of it) is not counted against them."""
    held = ticket_type.held_count - (own.quantity if own is not None and own.counted else 0)
    return Availability(ticket_type.capacity, ticket_type.sold_count, held)


def hold(session: Session, held: Hold, ticket_type: TicketType, quantity: int, until: datetime) -> None:
    """Set a hold (new or not) to `quantity` seats until `until`; the caller checked `free`."""
    _require_locked(session, [ticket_type.id or 0])
    ticket_type.held_count += quantity - (held.quantity if held.counted else 0)
    held.quantity, held.expires_at, held.counted = quantity, until, True
    session.add(held)
    session.add(ticket_type)


def drop_hold(session: Session, held: Hold, ticket_type: TicketType) -> None:
    """Delete a hold, giving its seats back if it still counted."""
    _require_locked(session, [ticket_type.id or 0])
    if held.counted:
        ticket_type.held_count -= held.quantity
        session.add(ticket_type)
    session.delete(held)


def take_for_order(session: Session, items: Sequence[OrderItem], types: Mapping[int, TicketType]) -> None:
    """The items' seats count as sold (a new pending order, or a late payment that found them free)."""
    _require_locked(session, [i.ticket_type_id for i in items])
    for item in items:
        if not item.seats_counted:
            types[item.ticket_type_id].sold_count += item.quantity
            item.seats_counted = True
            session.add(item)
            session.add(types[item.ticket_type_id])


def release_order(session: Session, items: Sequence[OrderItem], types: Mapping[int, TicketType]) -> None:
    """The order stopped counting as sold (ended unpaid, refunded in full): its seats are free again."""
    counted = [i for i in items if i.seats_counted]
    _require_locked(session, [i.ticket_type_id for i in counted])
    for item in counted:
        types[item.ticket_type_id].sold_count -= item.quantity
        item.seats_counted = False
        session.add(item)
        session.add(types[item.ticket_type_id])


def release_order_of(session: Session, order: Order) -> None:
    """Lock the inventory of an order the caller locked, and free its seats (it stops counting as sold)."""
    items = list(
        session.exec(
            select(OrderItem).where(OrderItem.order_id == order.id).execution_options(populate_existing=True)
        ).all()
    )
    counted = [i for i in items if i.seats_counted]
    if counted:
        _, types = lock_inventory(session, [i.ticket_type_id for i in counted])
        release_order(session, counted, types)


def needed(items: Sequence[OrderItem]) -> dict[int, int]:
    """Seats per ticket type that `items` would take."""
    wanted: dict[int, int] = defaultdict(int)
    for item in items:
        wanted[item.ticket_type_id] += item.quantity
    return wanted


def recount(session: Session, ticket_type_ids: Iterable[int], *, now: datetime | None = None) -> None:
    """Set the flags and counters of the types from the sums (commits): rows written behind the
    inventory's back (bulk imports, test factories) are brought in; the migration does the same in SQL."""
    begin_write_locked(session)
    _, types = lock_inventory(session, ticket_type_ids)
    ids = sorted(types)
    if not ids:
        session.rollback()
        return
    now = now or utcnow()
    plain = {"synchronize_session": False}  # the loaded rows' flags are expired below
    session.exec(
        update(Hold).where(col(Hold.ticket_type_id).in_(ids)).values(counted=col(Hold.expires_at) > now),
        execution_options=plain,
    )
    sold_orders = select(Order.id).where(counts_as_sold(now))
    session.exec(
        update(OrderItem)
        .where(col(OrderItem.ticket_type_id).in_(ids))
        .values(seats_counted=col(OrderItem.order_id).in_(sold_orders)),
        execution_options=plain,
    )
    sums = availability_by_sums(session, ids, now=now)
    for type_id, ticket_type in types.items():
        ticket_type.sold_count, ticket_type.held_count = sums[type_id].sold, sums[type_id].held
        session.add(ticket_type)
    session.commit()
    for loaded in list(session.identity_map.values()):  # their flags were rewritten behind the ORM's back
        if isinstance(loaded, Hold | OrderItem) and loaded.ticket_type_id in types:
            session.expire(loaded, ["counted"] if isinstance(loaded, Hold) else ["seats_counted"])
