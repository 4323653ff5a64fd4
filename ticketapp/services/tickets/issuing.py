"""Issuing tickets for paid orders and voiding them after refunds.

One Ticket per admission (order item quantity), each with a random secret of
256 bits and a short human code for manual entry at the door. Issuing is
idempotent: it only tops up the items that have fewer tickets than admissions,
so a webhook delivered twice never creates duplicates.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import timedelta

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from ticketapp.models import PAID_STATUSES, Event, Order, OrderItem, Ticket, TicketStatus, TicketType
from ticketapp.services.tickets.tokens import SigningKey, TicketClaims, secret_reference, sign_ticket_token

# No 0/O, 1/I/L, 2/Z, 5/S, 8/B: codes are read aloud and typed at the door.
CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
CODE_LENGTH = 8
SECRET_BYTES = 32
# A token stays valid for one day after the event ends (late scans, multi-day venues).
TOKEN_GRACE = timedelta(days=1)


class OrderNotPaidError(ValueError):
    """Tickets are only issued for paid orders."""


def new_ticket_secret() -> str:
    return secrets.token_urlsafe(SECRET_BYTES)


def new_ticket_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return f"{raw[:4]}-{raw[4:]}"


def normalize_ticket_code(text: str) -> str:
    """'k7qf m2xd' or 'K7QFM2XD' -> 'K7QF-M2XD' (what staff type is forgiving)."""
    raw = "".join(ch for ch in text.upper() if ch.isalnum())
    return f"{raw[:4]}-{raw[4:]}" if len(raw) == CODE_LENGTH else raw


def unused_code(session: Session) -> str:
    """A ticket code no ticket has (a new ticket, or one re-issued after a transfer)."""
    while True:
        code = new_ticket_code()
        if session.exec(select(Ticket.id).where(Ticket.code == code)).first() is None:
            return code


def _lock_order(session: Session, order_id: int) -> Order | None:
    """Take the write lock on the order row before counting its tickets.

    A no-op UPDATE locks the row on PostgreSQL and takes SQLite's single write
    lock (a SELECT … FOR UPDATE would be ignored there), so two concurrent
    issuers of one order run one after the other and the second sees the
    first one's tickets.
    """
    touch = update(Order).where(col(Order.id) == order_id).values(updated_at=col(Order.updated_at))
    session.exec(touch)
    return session.exec(select(Order).where(Order.id == order_id)).first()


def issue_tickets(session: Session, order_id: int) -> list[Ticket]:
    """Create the missing tickets of a paid order and return all its valid tickets; commits."""
    order = _lock_order(session, order_id)
    if order is None or order.status not in PAID_STATUSES:
        session.rollback()
        raise OrderNotPaidError(f"order {order_id} is not paid")
    items = session.exec(select(OrderItem).where(OrderItem.order_id == order_id).order_by(col(OrderItem.id))).all()
    for item in items:
        assert item.id is not None  # noqa: S101  (a stored row)
        existing = session.exec(select(func.count()).where(Ticket.order_item_id == item.id)).one()
        for _ in range(item.quantity - existing):
            session.add(
                Ticket(
                    order_id=order_id,
                    order_item_id=item.id,
                    ticket_type_id=item.ticket_type_id,
                    secret=new_ticket_secret(),
                    code=unused_code(session),
                    attendee_name=order.buyer_name,
                )
            )
            session.flush()
    session.commit()
    return order_tickets(session, order_id)


def order_tickets(session: Session, order_id: int) -> list[Ticket]:
    statement = select(Ticket).where(Ticket.order_id == order_id).order_by(col(Ticket.id))
    return list(session.exec(statement).all())


def void_tickets(session: Session, order_id: int, item_ids: Iterable[int] | None = None) -> int:
    """Void the tickets of refunded/cancelled items (all of the order when item_ids is None); commits."""
    statement = update(Ticket).where(col(Ticket.order_id) == order_id).values(status=TicketStatus.VOID)
    if item_ids is not None:
        statement = statement.where(col(Ticket.order_item_id).in_(list(item_ids)))
    result = session.exec(statement)
    session.commit()
    return int(result.rowcount)


def ticket_event(session: Session, ticket: Ticket) -> Event:
    statement = select(Event).join(TicketType, col(TicketType.event_id) == col(Event.id))
    return session.exec(statement.where(TicketType.id == ticket.ticket_type_id)).one()


def token_for_ticket(session: Session, ticket: Ticket, key: SigningKey) -> str:
    """The QR token of a ticket: deterministic for a given ticket, secret and key."""
    assert ticket.id is not None  # noqa: S101  (only stored tickets get tokens)
    event = ticket_event(session, ticket)
    assert event.id is not None  # noqa: S101
    claims = TicketClaims(
        ticket_id=ticket.id,
        event_id=event.id,
        secret_ref=secret_reference(ticket.secret),
        issued_at=ticket.created_at,
        expires_at=event.ends_at + TOKEN_GRACE,
    )
    return sign_ticket_token(claims, key)
