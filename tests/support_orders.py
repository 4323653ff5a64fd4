"""Orders written straight into the database (booking arrives in another issue)."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlmodel import Session, select

from ticketapp.models import Event, Order, OrderItem, OrderStatus, TicketType, Venue, utcnow


def demo_ticket_type(session: Session, title: str = "Order History Gala", currency: str = "EUR") -> TicketType:
    slug = f"history-{secrets.token_hex(4)}"
    venue = session.exec(select(Venue)).first()
    if venue is None:
        venue = Venue(name="Hall", address="1 Main St", city="Paris", country="FR", timezone="Europe/Paris")
        session.add(venue)
        session.flush()
    start = utcnow() + timedelta(days=30)
    event = Event(
        title=title,
        slug=slug,
        category="concert",
        venue_id=venue.id,
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        currency=currency,
        status="published",
    )
    session.add(event)
    session.flush()
    ticket_type = TicketType(event_id=event.id, name="Standard", price_minor=2500, capacity=100)
    session.add(ticket_type)
    session.flush()
    return ticket_type


def insert_order(
    session: Session,
    user_id: int | None,
    ticket_type: TicketType,
    quantity: int,
    *,
    code: str | None = None,
    created_at: datetime | None = None,
    status: str = OrderStatus.PAID,
) -> Order:
    event = session.get(Event, ticket_type.event_id)
    order = Order(
        code=code or secrets.token_hex(4).upper(),
        user_id=user_id,
        buyer_name="Buyer",
        buyer_email="buyer@example.com",
        status=status,
        currency=event.currency,
        total_minor=ticket_type.price_minor * quantity,
        created_at=created_at or utcnow(),
    )
    session.add(order)
    session.flush()
    session.add(
        OrderItem(
            order_id=order.id,
            ticket_type_id=ticket_type.id,
            quantity=quantity,
            unit_price_minor=ticket_type.price_minor,
        )
    )
    session.commit()
    return order
