"""What the API reads: one filtered, cursor-paged query per resource, and each resource's detail."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from ticketapp.models import (
    Answer,
    Event,
    Invoice,
    InvoiceLine,
    Order,
    OrderItem,
    PromoCode,
    Question,
    Role,
    Ticket,
    TicketType,
    User,
    WaitlistEntry,
)
from ticketapp.services.api_access.pagination import Page, page

T = TypeVar("T")


@dataclass(frozen=True)
class Filters:
    cursor: str | None = None
    limit: int = 50
    modified_since: datetime | None = None
    event_id: int | None = None
    status: str | None = None
    email: str | None = None
    order_code: str | None = None
    series_id: int | None = None


def _changed_since(statement: SelectOfScalar[T], column: Any, f: Filters) -> SelectOfScalar[T]:
    """Only rows whose change time (`column`) is at or after the caller's `modified_since`, when given."""
    return statement if f.modified_since is None else statement.where(col(column) >= f.modified_since)


def events(session: Session, f: Filters) -> Page[Event]:
    statement = select(Event)
    statement = _changed_since(statement, Event.updated_at, f)
    if f.status:
        statement = statement.where(Event.status == f.status)
    if f.series_id is not None:  # the dates of one series
        statement = statement.where(Event.series_id == f.series_id)
    return page(session, statement, Event.id, f.cursor, f.limit)


def ticket_types_of(session: Session, event_ids: Sequence[int]) -> dict[int, list[TicketType]]:
    found: dict[int, list[TicketType]] = {event_id: [] for event_id in event_ids}
    rows = session.exec(
        select(TicketType).where(col(TicketType.event_id).in_(list(event_ids))).order_by(col(TicketType.position))
    ).all()
    for row in rows:
        found[row.event_id].append(row)
    return found


def ticket_types(session: Session, f: Filters) -> Page[TicketType]:
    statement = select(TicketType)
    if f.event_id is not None:
        statement = statement.where(TicketType.event_id == f.event_id)
    return page(session, statement, TicketType.id, f.cursor, f.limit)


@dataclass(frozen=True)
class OrderView:
    order: Order
    items: list[OrderItem] = field(default_factory=list)
    tickets: list[Ticket] = field(default_factory=list)


def _order_views(session: Session, orders: Sequence[Order]) -> list[OrderView]:
    ids = [o.id for o in orders]
    items: dict[int, list[OrderItem]] = {i: [] for i in ids if i is not None}
    tickets: dict[int, list[Ticket]] = {i: [] for i in ids if i is not None}
    for item in session.exec(select(OrderItem).where(col(OrderItem.order_id).in_(ids)).order_by(col(OrderItem.id))):
        items[item.order_id].append(item)
    for ticket in session.exec(select(Ticket).where(col(Ticket.order_id).in_(ids)).order_by(col(Ticket.id))):
        tickets[ticket.order_id].append(ticket)
    return [OrderView(o, items.get(o.id or 0, []), tickets.get(o.id or 0, [])) for o in orders]


def orders(session: Session, f: Filters) -> Page[OrderView]:
    statement = select(Order)
    statement = _changed_since(statement, Order.updated_at, f)
    if f.status:
        statement = statement.where(Order.status == f.status)
    if f.email:
        statement = statement.where(Order.buyer_email == f.email.strip().lower())
    if f.event_id is not None:
        statement = statement.where(
            col(Order.id).in_(
                select(OrderItem.order_id)
                .join(TicketType, col(TicketType.id) == OrderItem.ticket_type_id)
                .where(TicketType.event_id == f.event_id)
            )
        )
    found = page(session, statement, Order.id, f.cursor, f.limit)
    return Page(_order_views(session, found.items), found.next_cursor)


def order(session: Session, code: str) -> OrderView | None:
    row = session.exec(select(Order).where(Order.code == code)).first()
    return _order_views(session, [row])[0] if row is not None else None


def _ticket_statement(f: Filters) -> SelectOfScalar[Ticket]:
    statement = select(Ticket)
    if f.order_code:
        statement = statement.where(col(Ticket.order_id).in_(select(Order.id).where(Order.code == f.order_code)))
    if f.event_id is not None:
        statement = statement.where(
            col(Ticket.ticket_type_id).in_(select(TicketType.id).where(TicketType.event_id == f.event_id))
        )
    if f.status:
        statement = statement.where(Ticket.status == f.status)
    return statement


def tickets(session: Session, f: Filters) -> Page[Ticket]:
    return page(session, _ticket_statement(f), Ticket.id, f.cursor, f.limit)


def checkins(session: Session, f: Filters) -> Page[Ticket]:
    """Checked-in tickets; `modified_since` reads the check-in time."""
    statement = _ticket_statement(f).where(col(Ticket.checked_in_at).is_not(None))
    statement = _changed_since(statement, Ticket.checked_in_at, f)
    return page(session, statement, Ticket.id, f.cursor, f.limit)


def customers(session: Session, f: Filters) -> Page[User]:
    statement = select(User).where(User.role == Role.CUSTOMER, col(User.deleted_at).is_(None))
    statement = _changed_since(statement, User.updated_at, f)
    if f.email:
        statement = statement.where(User.email == f.email.strip().lower())
    return page(session, statement, User.id, f.cursor, f.limit)


def customer(session: Session, user_id: int) -> User | None:
    user = session.get(User, user_id)
    return user if user is not None and user.role == Role.CUSTOMER and user.deleted_at is None else None


def promo_codes(session: Session, f: Filters) -> Page[PromoCode]:
    statement = select(PromoCode)
    statement = _changed_since(statement, PromoCode.updated_at, f)
    if f.event_id is not None:
        statement = statement.where(PromoCode.event_id == f.event_id)
    return page(session, statement, PromoCode.id, f.cursor, f.limit)


def waitlist_entries(session: Session, f: Filters) -> Page[WaitlistEntry]:
    statement = select(WaitlistEntry)
    if f.event_id is not None:
        statement = statement.where(
            col(WaitlistEntry.ticket_type_id).in_(select(TicketType.id).where(TicketType.event_id == f.event_id))
        )
    if f.status:
        statement = statement.where(WaitlistEntry.status == f.status)
    return page(session, statement, WaitlistEntry.id, f.cursor, f.limit)


def questions(session: Session, f: Filters) -> Page[Question]:
    statement = select(Question)
    statement = _changed_since(statement, Question.updated_at, f)
    if f.event_id is not None:
        statement = statement.where(Question.event_id == f.event_id)
    return page(session, statement, Question.id, f.cursor, f.limit)


def answers(session: Session, f: Filters) -> Page[Answer]:
    statement = select(Answer)
    statement = _changed_since(statement, Answer.updated_at, f)
    if f.order_code:
        statement = statement.where(col(Answer.order_id).in_(select(Order.id).where(Order.code == f.order_code)))
    if f.event_id is not None:
        statement = statement.where(
            col(Answer.question_id).in_(select(Question.id).where(Question.event_id == f.event_id))
        )
    return page(session, statement, Answer.id, f.cursor, f.limit)


def invoices(session: Session, f: Filters) -> Page[Invoice]:
    statement = select(Invoice)
    statement = _changed_since(statement, Invoice.issued_at, f)
    if f.order_code:
        statement = statement.where(col(Invoice.order_id).in_(select(Order.id).where(Order.code == f.order_code)))
    return page(session, statement, Invoice.id, f.cursor, f.limit)


def invoice_lines(session: Session, invoice_ids: Sequence[int]) -> dict[int, list[InvoiceLine]]:
    found: dict[int, list[InvoiceLine]] = {i: [] for i in invoice_ids}
    for line in session.exec(
        select(InvoiceLine).where(col(InvoiceLine.invoice_id).in_(list(invoice_ids))).order_by(col(InvoiceLine.id))
    ):
        found[line.invoice_id].append(line)
    return found


def order_codes(session: Session, order_ids: Sequence[int]) -> dict[int, str]:
    return {
        oid: code
        for oid, code in session.exec(select(Order.id, Order.code).where(col(Order.id).in_(list(order_ids)))).all()
        if oid is not None
    }
