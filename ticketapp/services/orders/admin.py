"""Admin work on orders: search, detail, actions and CSV export. Changes go to the order's `OrderLog`."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import ColumnElement, func
from sqlmodel import Session, col, or_, select

from ticketapp.i18n import msgid
from ticketapp.models import (
    Event,
    Order,
    OrderItem,
    OrderLog,
    Payment,
    Refund,
    Ticket,
    TicketStatus,
    TicketType,
)
from ticketapp.services.catalog.events import AdminError
from ticketapp.services.orders import cancellation, lifecycle, trail
from ticketapp.services.orders.mail import request_resend
from ticketapp.services.orders.payments import PaymentOutcome, get_order_by_code
from ticketapp.services.orders.refunds import mark_bank_transfer_paid, refund_order
from ticketapp.services.questions.answers import answers_text

MAX_EXPORT_ROWS = 50_000


@dataclass(frozen=True)
class OrderSearch:
    text: str = ""  # order code, buyer e-mail or name (part of)
    event_id: int | None = None
    status: str | None = None
    created_from: datetime | None = None
    created_before: datetime | None = None


def _day(raw: str | None, *, next_day: bool = False) -> datetime | None:
    try:
        day = date.fromisoformat(raw or "")
    except ValueError:
        return None
    return datetime.combine(day + timedelta(days=1 if next_day else 0), time(0), tzinfo=UTC)


def search_from_query(params: dict[str, str]) -> OrderSearch:
    event = params.get("event", "")
    return OrderSearch(
        text=params.get("q", "")[:200],
        event_id=int(event) if event.isdigit() else None,
        status=params.get("status") or None,
        created_from=_day(params.get("from")),
        created_before=_day(params.get("to"), next_day=True),
    )


def _conditions(search: OrderSearch) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if text := search.text.strip():
        like = f"%{text.lower()}%"
        conditions.append(
            or_(
                Order.code == text.upper(),
                col(Order.buyer_email).like(like),
                func.lower(Order.buyer_name).like(like),
            )
        )
    if search.event_id:
        in_event = (
            select(OrderItem.order_id)
            .join(TicketType, col(TicketType.id) == OrderItem.ticket_type_id)
            .where(TicketType.event_id == search.event_id)
        )
        conditions.append(col(Order.id).in_(in_event))
    if search.status:
        conditions.append(col(Order.status) == search.status)
    if search.created_from:
        conditions.append(col(Order.created_at) >= search.created_from)
    if search.created_before:
        conditions.append(col(Order.created_at) < search.created_before)
    return conditions


def search_orders(
    session: Session, search: OrderSearch, *, offset: int = 0, limit: int = 25
) -> tuple[list[Order], int]:
    """A page of matching orders, newest first, and how many match in all."""
    conditions = _conditions(search)
    total = int(session.exec(select(func.count()).select_from(Order).where(*conditions)).one())
    rows = session.exec(
        select(Order)
        .where(*conditions)
        .order_by(col(Order.created_at).desc(), col(Order.id).desc())
        .offset(offset)
        .limit(limit)
    ).all()
    return list(rows), total


CSV_HEADER = [
    "code",
    "created_at",
    "paid_at",
    "status",
    "buyer_name",
    "buyer_email",
    "currency",
    "total",
    "refunded",
    "payment_method",
    "answers",
]


def _csv_safe(value: str) -> str:
    # A cell starting with = + - @ is run as a formula by spreadsheets (CSV injection).
    return f"'{value}" if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def export_csv(session: Session, search: OrderSearch) -> str:
    """The filtered orders as CSV (amounts in minor units of each order's currency)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    query = select(Order).where(*_conditions(search)).order_by(col(Order.created_at).desc()).limit(MAX_EXPORT_ROWS)
    orders = list(session.exec(query))
    answered = answers_text(session, [order.id or 0 for order in orders])
    for order in orders:
        writer.writerow(
            [
                order.code,
                order.created_at.isoformat(),
                order.paid_at.isoformat() if order.paid_at else "",
                order.status,
                _csv_safe(order.buyer_name),
                _csv_safe(order.buyer_email),
                order.currency,
                order.total_minor,
                order.refunded_minor,
                order.payment_method or "",
                _csv_safe(answered.get(order.id or 0, "")),
            ]
        )
    return out.getvalue()


@dataclass
class OrderDetail:
    order: Order
    items: list[tuple[OrderItem, str, str]]  # item, ticket type name, event title
    payments: list[Payment]
    refunds: list[Refund]
    tickets: list[Ticket]
    log: list[OrderLog]
    actors: dict[int, str]  # the names of the people in `log`


def order_detail(session: Session, code: str) -> OrderDetail | None:
    order = get_order_by_code(session, code)
    if order is None:
        return None
    items = session.exec(
        select(OrderItem, TicketType.name, Event.title)
        .join(TicketType, col(TicketType.id) == OrderItem.ticket_type_id)
        .join(Event, col(Event.id) == TicketType.event_id)
        .where(OrderItem.order_id == order.id)
        .order_by(col(OrderItem.id))
    ).all()
    log = list(session.exec(select(OrderLog).where(OrderLog.order_id == order.id).order_by(col(OrderLog.id))).all())
    return OrderDetail(
        order=order,
        items=[(i, str(n), str(t)) for i, n, t in items],
        payments=list(
            session.exec(select(Payment).where(Payment.order_id == order.id).order_by(col(Payment.id))).all()
        ),
        refunds=list(session.exec(select(Refund).where(Refund.order_id == order.id).order_by(col(Refund.id))).all()),
        tickets=list(session.exec(select(Ticket).where(Ticket.order_id == order.id).order_by(col(Ticket.id))).all()),
        log=log,
        actors=trail.actor_names(session, log),
    )


def _must_order(session: Session, code: str) -> Order:
    order = get_order_by_code(session, code)
    if order is None:
        raise AdminError(msgid("Order not found."))
    return order


def cancel_unpaid_order(session: Session, actor_id: int, code: str) -> None:
    """Cancel an order still waiting for payment (its seats are released). Paid orders are refunded instead."""
    order = _must_order(session, code)
    if not cancellation.cancel_unpaid(session, order, "cancelled by an admin", actor_id=actor_id):
        raise AdminError(cancellation.NOT_CANCELLABLE)


def change_attendee_name(session: Session, actor_id: int, code: str, ticket_id: int, name: str) -> Ticket:
    order = _must_order(session, code)
    ticket = session.get(Ticket, ticket_id)
    if ticket is None or ticket.order_id != order.id:
        raise AdminError(msgid("This ticket does not belong to this order."))
    if ticket.status == TicketStatus.VOID:
        raise AdminError(msgid("This ticket was refunded."))
    cleaned = " ".join(name.split())
    if not cleaned or len(cleaned) > 200:
        raise AdminError(msgid("Please enter the attendee’s name (at most 200 characters)."))
    previous = ticket.attendee_name or ""
    ticket.attendee_name = cleaned
    lifecycle.note(
        session, order.id or 0, f"attendee name of ticket {ticket.code}: {previous!r} → {cleaned!r}", actor_id=actor_id
    )
    session.commit()
    return ticket


def mark_paid(session: Session, actor_id: int, code: str) -> PaymentOutcome:
    return mark_bank_transfer_paid(session, code, actor_id=actor_id)


def refund(session: Session, actor_id: int, code: str, ticket_ids: list[int] | None, reason: str) -> Refund:
    return refund_order(session, code, ticket_ids=ticket_ids or None, actor_id=actor_id, reason=reason[:200])


def request_confirmation_resend(session: Session, actor_id: int, code: str) -> None:
    """Send the order e-mail again (as a job); the mail service notes it in the order's trail with the admin."""
    order = _must_order(session, code)
    request_resend(session, order.id or 0, actor_id=actor_id)
