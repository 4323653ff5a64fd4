"""Who a message goes to: an event's buyers (one per order) or attendees (one per ticket holder address),
filtered by ticket type, check-in status and order status; each address once."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from ticketapp.models import (
    PAID_STATUSES,
    Audience,
    Message,
    Order,
    OrderItem,
    OrderStatus,
    Ticket,
    TicketStatus,
    TicketType,
)
from ticketapp.services.orders.providers.base import status_url

CHECKIN_FILTERS = ("any", "checked_in", "not_checked_in")
ORDER_FILTERS = ("paid", "refunded", "any_paid_or_refunded")


@dataclass(frozen=True)
class Recipient:
    email: str
    name: str
    order_id: int
    lang: str


def _statuses(order_status: str) -> tuple[str, ...]:
    if order_status == "refunded":
        return (OrderStatus.REFUNDED,)
    if order_status == "any_paid_or_refunded":
        return (*PAID_STATUSES, OrderStatus.REFUNDED)
    return PAID_STATUSES


def recipients(session: Session, message: Message) -> list[Recipient]:
    """The message's audience now, each address once (lower-cased), in order of purchase."""
    statement = (
        select(Ticket, Order)
        .join(Order, col(Order.id) == Ticket.order_id)
        .join(TicketType, col(TicketType.id) == Ticket.ticket_type_id)
        .where(TicketType.event_id == message.event_id, col(Order.status).in_(_statuses(message.order_status)))
        .order_by(col(Order.id), col(Ticket.id))
    )
    if message.order_status != "refunded":
        statement = statement.where(Ticket.status != TicketStatus.VOID)
    if message.ticket_type_id:
        statement = statement.where(Ticket.ticket_type_id == message.ticket_type_id)
    if message.checkin_filter == "checked_in":
        statement = statement.where(col(Ticket.checked_in_at).is_not(None))
    elif message.checkin_filter == "not_checked_in":
        statement = statement.where(col(Ticket.checked_in_at).is_(None))
    found: dict[str, Recipient] = {}
    for ticket, order in session.exec(statement).all():
        if message.audience == Audience.ATTENDEES and ticket.holder_email:
            email, name = ticket.holder_email, ticket.attendee_name or ticket.holder_email
        else:
            email, name = order.buyer_email, order.buyer_name
        key = email.strip().lower()
        if key and key not in found:
            found[key] = Recipient(key, name, order.id or 0, order.locale)
    return list(found.values())


def order_values(order: Order) -> dict[str, str]:
    return {"buyer_name": order.buyer_name, "order_code": order.code, "order_link": status_url(order)}


def sample_values(session: Session, event_id: int) -> dict[str, str]:
    """The newest paid order of the event as the preview's sample, when there is one."""
    order = session.exec(
        select(Order)
        .join(OrderItem, col(OrderItem.order_id) == Order.id)
        .join(TicketType, col(TicketType.id) == OrderItem.ticket_type_id)
        .where(TicketType.event_id == event_id, col(Order.status).in_(PAID_STATUSES))
        .order_by(col(Order.id).desc())
    ).first()
    return order_values(order) if order else {}
