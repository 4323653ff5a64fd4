"""Seats offered to the waiting list: offered under the inventory lock, claimed once, passed on when unused.

An offer is a hold like a cart's (`booking.seats`), in a cart of its own that nobody else knows the
token of: from the moment of the offer its seats count as held, so no one refreshing the event page
can take them, and the same counters and locks that keep carts from overselling keep offers from it.
Each function here locks the ticket type first (`inventory.lock_inventory`), then the entries, the
one lock order of every writer of a type's seats.

Offers go strictly in line: while the first person waiting wants more seats than are free, nobody
behind them is offered any (they would jump the queue). An admin may offer out of turn.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session, col, select

from ticketapp.db import begin_write_locked
from ticketapp.i18n import msgid
from ticketapp.models import (
    PAID_STATUSES,
    Event,
    Hold,
    Order,
    OrderStatus,
    TicketType,
    Venue,
    WaitlistEntry,
    WaitlistStatus,
    utcnow,
)
from ticketapp.services import hooks
from ticketapp.services.accounts.audit import audit
from ticketapp.services.booking import seats
from ticketapp.services.booking.holds import REBOOKABLE
from ticketapp.services.booking.inventory import (
    SalesState,
    get_or_create_cart,
    lock_inventory,
    new_cart,
    new_cart_token,
    sales_state,
)
from ticketapp.services.catalog.translations import event_title, type_name
from ticketapp.services.errors import DomainError
from ticketapp.services.shared.mail import MAIL_JOB
from ticketapp.services.shared.signing import verify
from ticketapp.services.waitlist import mail
from ticketapp.services.waitlist.announce import seats_back
from ticketapp.services.webhooks import events as webhook_events
from ticketapp.settings import get_settings


class WaitlistError(DomainError):
    """A refused waiting-list request: nothing changed."""


BAD_LINK = msgid("This link is not valid. Please use the link from your e-mail.")


def offer_duration() -> timedelta:
    return timedelta(hours=get_settings().waitlist_offer_hours)


def mail_context(session: Session, ticket_type_id: int, lang: str = "en") -> mail.MailContext:
    """What the mails name: the event and the type in `lang` (else the event's main language), the venue's zone."""
    event, ticket_type, zone = session.exec(
        select(Event, TicketType, Venue.timezone)
        .join(TicketType, col(TicketType.event_id) == Event.id)
        .join(Venue, col(Venue.id) == Event.venue_id)
        .where(TicketType.id == ticket_type_id)
    ).one()
    return mail.MailContext(
        event_title=event_title(event, lang),
        type_name=type_name(ticket_type, lang),
        timezone=zone,
        event_id=event.id or 0,
    )


@dataclass
class _Locked:
    """One ticket type, locked, with its lapsed seats released and its lapsed offers passed on."""

    event: Event
    ticket_type: TicketType
    now: datetime


def _lock_type(session: Session, ticket_type_id: int, now: datetime | None) -> _Locked | None:
    events, types = lock_inventory(session, [ticket_type_id])
    ticket_type = types.get(ticket_type_id)
    if ticket_type is None:
        return None
    now = now or utcnow()  # after the lock (see booking.holds)
    seats.release_lapsed(session, types, now)
    locked = _Locked(events[ticket_type.event_id], ticket_type, now)
    _expire_lapsed(session, locked)
    return locked


def _entries(session: Session, ticket_type_id: int, *statuses: str) -> list[WaitlistEntry]:
    return list(
        session.exec(
            select(WaitlistEntry)
            .where(WaitlistEntry.ticket_type_id == ticket_type_id, col(WaitlistEntry.status).in_(statuses))
            .order_by(col(WaitlistEntry.queued_at), col(WaitlistEntry.id))
            .with_for_update()
            .execution_options(populate_existing=True)
        ).all()
    )


def _offer_hold(session: Session, entry: WaitlistEntry) -> Hold | None:
    if entry.cart_id is None:
        return None
    return session.exec(
        select(Hold)
        .where(Hold.cart_id == entry.cart_id, Hold.ticket_type_id == entry.ticket_type_id)
        .execution_options(populate_existing=True)
    ).first()


def settled_status(entry: WaitlistEntry, order_status: str | None) -> str:
    """An offer's status once its order is known: bought when paid, expired when the order ended unpaid."""
    if entry.status != WaitlistStatus.OFFERED or entry.order_id is None or order_status is None:
        return entry.status
    if order_status in PAID_STATUSES or order_status in (OrderStatus.REFUNDED, OrderStatus.PARTIALLY_REFUNDED):
        return WaitlistStatus.BOUGHT
    if order_status in REBOOKABLE:
        return WaitlistStatus.EXPIRED
    return entry.status


def _expire_lapsed(session: Session, locked: _Locked) -> None:
    """Offers whose time ran out without an order: expired, their seats (if still held) freed.
    Offers whose order was paid are bought; those whose order ended unpaid are expired."""
    offers = _entries(session, locked.ticket_type.id or 0, WaitlistStatus.OFFERED)
    order_ids = [e.order_id for e in offers if e.order_id is not None]
    statuses = dict(session.exec(select(Order.id, Order.status).where(col(Order.id).in_(order_ids))).all())
    for entry in offers:
        if entry.order_id is not None:
            entry.status = settled_status(entry, statuses.get(entry.order_id))
            session.add(entry)
        elif entry.expires_at is not None and entry.expires_at <= locked.now:
            if entry.claimed_at is None and (hold := _offer_hold(session, entry)) is not None:
                seats.drop_hold(session, hold, locked.ticket_type)
            entry.status = WaitlistStatus.EXPIRED
            session.add(entry)


def _make_offer(session: Session, locked: _Locked, entry: WaitlistEntry) -> None:
    """Hold the entry's seats in a cart of the offer's own (the caller checked they are free)."""
    # No user on the cart: a sign-in merges a user's carts, and the seats must wait for the link.
    cart = new_cart(session, new_cart_token(), None)
    until = locked.now + offer_duration()
    hold = Hold(cart_id=cart.id or 0, ticket_type_id=entry.ticket_type_id, quantity=entry.quantity, expires_at=until)
    hold.user_id = entry.user_id  # their per-customer cap counts the seats offered to them
    seats.hold(session, hold, locked.ticket_type, entry.quantity, until)
    entry.status = WaitlistStatus.OFFERED
    entry.offered_at, entry.expires_at, entry.cart_id = locked.now, until, cart.id
    entry.claimed_at = entry.order_id = None
    session.add(entry)
    data = {"entry_id": entry.id, "ticket_type_id": entry.ticket_type_id, "email": entry.email}
    webhook_events.record(session, "waitlist.offered", data | {"quantity": entry.quantity, "expires_at": until})


def _record_offer_mails(session: Session, offered: list[WaitlistEntry]) -> list[dict[str, Any]]:
    if not offered:
        return []
    return [
        mail.record_offer_mail(
            session,
            e.id or 0,
            e.email,
            e.quantity,
            e.lang,
            mail_context(session, e.ticket_type_id, e.lang),
            e.offered_at or utcnow(),
            e.expires_at or utcnow(),
        )
        for e in offered
    ]


def _send(payloads: list[dict[str, Any]]) -> None:
    for payload in payloads:
        hooks.emit_due(MAIL_JOB, payload=payload)


def offer_free_seats(session: Session, ticket_type_id: int, *, now: datetime | None = None) -> list[int]:
    """Pass lapsed offers on and offer the free seats to the next people in line (commits, then mails them).

    Returns the ids of the entries offered seats now.
    """
    begin_write_locked(session)
    locked = _lock_type(session, ticket_type_id, now)
    if locked is None:
        session.rollback()
        return []
    offered: list[WaitlistEntry] = []
    if sales_state(locked.event, locked.ticket_type, locked.now) == SalesState.ON_SALE:
        free = seats.free(locked.ticket_type).remaining
        for entry in _entries(session, ticket_type_id, WaitlistStatus.WAITING):
            if entry.quantity > free:
                break  # strictly in line
            _make_offer(session, locked, entry)
            free -= entry.quantity
            offered.append(entry)
    payloads = _record_offer_mails(session, offered)
    session.commit()
    _send(payloads)
    return [e.id or 0 for e in offered]


def types_to_offer(session: Session) -> list[int]:
    """Ticket types with someone waiting or an offer out (the minute job looks at them all)."""
    return sorted(
        set(
            session.exec(
                select(WaitlistEntry.ticket_type_id).where(
                    col(WaitlistEntry.status).in_([WaitlistStatus.WAITING, WaitlistStatus.OFFERED])
                )
            ).all()
        )
    )


def offer_now(
    session: Session, entry_id: int, *, actor_id: int | None = None, now: datetime | None = None
) -> WaitlistEntry:
    """An admin offers seats to this person out of turn (waiting, or whose offer expired); commits and mails."""
    entry = session.get(WaitlistEntry, entry_id)
    if entry is None:
        raise WaitlistError(msgid("This waiting-list entry does not exist."))
    begin_write_locked(session)
    locked = _lock_type(session, entry.ticket_type_id, now)
    entry = session.get(WaitlistEntry, entry_id, with_for_update=True, populate_existing=True)
    if locked is None or entry is None:
        session.rollback()
        raise WaitlistError(msgid("This waiting-list entry does not exist."))
    if entry.status not in (WaitlistStatus.WAITING, WaitlistStatus.EXPIRED):
        session.rollback()
        raise WaitlistError(msgid("Only someone waiting, or whose offer expired, can be offered seats."))
    if sales_state(locked.event, locked.ticket_type, locked.now) != SalesState.ON_SALE:
        session.rollback()
        raise WaitlistError(msgid("This ticket type is not on sale."))
    free = seats.free(locked.ticket_type).remaining
    if entry.quantity > free:
        session.rollback()
        raise WaitlistError(
            msgid("Only {free} seats are free, and this person wants {quantity}."), free=free, quantity=entry.quantity
        )
    if entry.queued_at is None:
        entry.queued_at = locked.now
    _make_offer(session, locked, entry)
    if actor_id is not None:
        audit(session, actor_id, "waitlist.offer", "waitlist_entry", entry.id, email=entry.email)
    payloads = _record_offer_mails(session, [entry])
    session.commit()
    _send(payloads)
    return entry


def remove(
    session: Session, entry_id: int, *, actor_id: int | None = None, now: datetime | None = None
) -> WaitlistEntry:
    """Take someone off the list; seats offered to them and not claimed go to the next person (commits)."""
    entry = session.get(WaitlistEntry, entry_id)
    if entry is None:
        raise WaitlistError(msgid("This waiting-list entry does not exist."))
    begin_write_locked(session)
    locked = _lock_type(session, entry.ticket_type_id, now)
    entry = session.get(WaitlistEntry, entry_id, with_for_update=True, populate_existing=True)
    if locked is None or entry is None or entry.status in (WaitlistStatus.REMOVED, WaitlistStatus.BOUGHT):
        session.rollback()
        raise WaitlistError(msgid("This person is no longer on the waiting list."))
    freed = False
    hold = _offer_hold(session, entry) if entry.claimed_at is None else None
    if entry.status == WaitlistStatus.OFFERED and hold is not None:
        seats.drop_hold(session, hold, locked.ticket_type)
        freed = True
    entry.status = WaitlistStatus.REMOVED
    session.add(entry)
    if actor_id is not None:
        audit(session, actor_id, "waitlist.remove", "waitlist_entry", entry.id, email=entry.email)
    session.commit()
    if freed:
        seats_back([entry.ticket_type_id])
    return entry


@dataclass(frozen=True)
class Claimed:
    ticket_type_id: int
    quantity: int


def claim_offer(
    session: Session,
    entry_id: int,
    signature: str,
    cart_token: str,
    *,
    user_id: int | None = None,
    now: datetime | None = None,
) -> Claimed:
    """The single-use link was opened: move the offered seats into the visitor's cart (commits).

    They stay held until the offer's end. A tampered link, a second use, an expired or withdrawn
    offer raise WaitlistError and change nothing.
    """
    entry = session.get(WaitlistEntry, entry_id)
    if entry is None or entry.offered_at is None:
        raise WaitlistError(BAD_LINK)
    if not verify(mail.offer_value(entry_id, entry.offered_at), mail.OFFER_PURPOSE, signature):
        raise WaitlistError(BAD_LINK)
    offered_at = entry.offered_at
    begin_write_locked(session)
    try:
        claimed = _claim_locked(session, entry_id, offered_at, cart_token, user_id, now)
    except WaitlistError:
        session.rollback()
        raise
    session.commit()
    return claimed


def _claim_locked(
    session: Session, entry_id: int, offered_at: datetime, token: str, user_id: int | None, now: datetime | None
) -> Claimed:
    ticket_type_id = session.exec(select(WaitlistEntry.ticket_type_id).where(WaitlistEntry.id == entry_id)).one()
    locked = _lock_type(session, ticket_type_id, now)
    entry = session.get(WaitlistEntry, entry_id, with_for_update=True, populate_existing=True)
    if locked is None or entry is None or entry.offered_at != offered_at:
        raise WaitlistError(BAD_LINK)  # a newer offer replaced the one this link was for
    if entry.claimed_at is not None:
        raise WaitlistError(msgid("This link has already been used: the tickets are in the cart it was opened in."))
    if entry.status != WaitlistStatus.OFFERED:
        raise WaitlistError(msgid("This offer has expired and the tickets went to the next person in line."))
    offer = _offer_hold(session, entry)
    if offer is None or not offer.counted:
        raise WaitlistError(msgid("This offer has expired and the tickets went to the next person in line."))
    cart = get_or_create_cart(session, token, user_id)
    session.flush()
    mine = session.exec(
        select(Hold)
        .where(Hold.cart_id == cart.id, Hold.ticket_type_id == ticket_type_id)
        .execution_options(populate_existing=True)
    ).first()
    until = entry.expires_at or locked.now
    if mine is None:
        offer.cart_id = cart.id or 0
        offer.user_id = user_id if user_id is not None else offer.user_id
        session.add(offer)
    else:  # the cart already holds some: one line with both
        live = mine.quantity if mine.counted and mine.expires_at > locked.now else 0
        seats.hold(session, mine, locked.ticket_type, live + offer.quantity, max(until, mine.expires_at))
        seats.drop_hold(session, offer, locked.ticket_type)
    entry.claimed_at, entry.cart_id = locked.now, cart.id
    session.add(entry)
    return Claimed(ticket_type_id, entry.quantity)


def link_orders(session: Session, cart_id: int, orders: list[Order], type_ids_by_order: dict[int, set[int]]) -> None:
    """At checkout (inside its locked transaction): the offers claimed into this cart now have an order."""
    entries = session.exec(
        select(WaitlistEntry).where(
            WaitlistEntry.cart_id == cart_id,
            WaitlistEntry.status == WaitlistStatus.OFFERED,
            col(WaitlistEntry.claimed_at).is_not(None),
            col(WaitlistEntry.order_id).is_(None),
        )
    ).all()
    for entry in entries:
        for order in orders:
            if entry.ticket_type_id in type_ids_by_order.get(order.id or 0, set()):
                entry.order_id = order.id
                session.add(entry)
