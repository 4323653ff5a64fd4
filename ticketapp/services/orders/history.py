"""A customer's purchase history: their orders, newest first, and one order's detail."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from ticketapp.models import Event, Order, OrderItem, Ticket, TicketType
from ticketapp.services.catalog.translations import event_title, pick_title, type_name
from ticketapp.services.shared.money import Money


@dataclass(frozen=True)
class OrderSummary:
    code: str
    created_at: datetime
    status: str
    total: Money
    event_titles: list[str]
    ticket_count: int


@dataclass(frozen=True)
class OrderLine:
    event_title: str
    ticket_type: str
    quantity: int
    unit_price: Money


@dataclass(frozen=True)
class OrderDetail:
    summary: OrderSummary
    buyer_name: str
    buyer_email: str
    lines: list[OrderLine]


def _event_titles(session: Session, order_id: int, lang: str) -> list[str]:
    query = (
        select(Event.title, Event.translations, Event.main_language)
        .join(TicketType, col(TicketType.event_id) == col(Event.id))
        .join(OrderItem, col(OrderItem.ticket_type_id) == col(TicketType.id))
        .where(OrderItem.order_id == order_id)
        .distinct()
    )
    return sorted({pick_title(title, translations, main, lang) for title, translations, main in session.exec(query)})


def _ticket_count(session: Session, order_id: int) -> int:
    """Issued tickets when there are some, otherwise the ordered quantity."""
    issued = session.exec(select(func.count()).select_from(Ticket).where(Ticket.order_id == order_id)).one()
    if issued:
        return int(issued)
    ordered = session.exec(select(func.sum(OrderItem.quantity)).where(OrderItem.order_id == order_id)).one()
    return int(ordered or 0)


def _summary(session: Session, order: Order, lang: str) -> OrderSummary:
    order_id = order.id or 0
    return OrderSummary(
        code=order.code,
        created_at=order.created_at,
        status=order.status,
        total=Money(order.total_minor, order.currency),
        event_titles=_event_titles(session, order_id, lang),
        ticket_count=_ticket_count(session, order_id),
    )


def list_user_orders(session: Session, user_id: int, limit: int = 200, lang: str = "en") -> list[OrderSummary]:
    query = (
        select(Order)
        .where(Order.user_id == user_id)
        .order_by(col(Order.created_at).desc(), col(Order.id).desc())
        .limit(limit)
    )
    return [_summary(session, order, lang) for order in session.exec(query)]


def get_user_order(session: Session, user_id: int, code: str, lang: str = "en") -> OrderDetail | None:
    """One order, only for its owner: another user's code answers None (not found)."""
    order = session.exec(select(Order).where(Order.code == code.strip(), Order.user_id == user_id)).first()
    if order is None:
        return None
    query = (
        select(OrderItem, TicketType, Event)
        .join(TicketType, col(TicketType.id) == col(OrderItem.ticket_type_id))
        .join(Event, col(Event.id) == col(TicketType.event_id))
        .where(OrderItem.order_id == order.id)
        .order_by(col(OrderItem.id))
    )
    lines = [
        OrderLine(
            event_title(event, lang),
            type_name(ticket_type, lang),
            item.quantity,
            Money(item.unit_price_minor, order.currency),
        )
        for item, ticket_type, event in session.exec(query)
    ]
    return OrderDetail(_summary(session, order, lang), order.buyer_name, order.buyer_email, lines)
