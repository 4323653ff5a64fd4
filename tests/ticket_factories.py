"""Rows for ticket tests: a venue, an event with ticket types, and paid orders."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

from sqlmodel import Session

from ticketapp.models import Event, EventStatus, Order, OrderItem, OrderStatus, Role, TicketType, User, Venue, utcnow

EVENT_START = datetime(2030, 6, 14, 18, 30, tzinfo=UTC)  # 20:30 in Paris (summer time)


def make_event(session: Session, title: str = "Nuit Électro au Zénith") -> tuple[Event, TicketType, TicketType]:
    venue = Venue(
        name="Le Zénith", address="211 avenue Jean Jaurès", city="Paris", country="FR", timezone="Europe/Paris"
    )
    session.add(venue)
    session.flush()
    event = Event(
        title=title,
        slug=f"event-{secrets.token_hex(4)}",
        category="concert",
        venue_id=venue.id,
        starts_at=EVENT_START,
        ends_at=EVENT_START + timedelta(hours=4),
        currency="EUR",
        status=EventStatus.PUBLISHED,
    )
    session.add(event)
    session.flush()
    standard = TicketType(event_id=event.id, name="Standard", price_minor=4250, capacity=100)
    vip = TicketType(event_id=event.id, name="VIP", price_minor=12000, capacity=10)
    session.add_all([standard, vip])
    session.commit()
    return event, standard, vip


def make_order(
    session: Session,
    lines: list[tuple[TicketType, int]],
    status: str = OrderStatus.PAID,
    buyer_name: str = "Camille Dupont",
    user_id: int | None = None,
) -> tuple[Order, list[OrderItem]]:
    total = sum(tt.price_minor * qty for tt, qty in lines)
    order = Order(
        code=secrets.token_hex(4).upper(),
        user_id=user_id,
        buyer_name=buyer_name,
        buyer_email="camille@example.com",
        status=status,
        currency="EUR",
        total_minor=total,
        paid_at=utcnow() if status == OrderStatus.PAID else None,
    )
    session.add(order)
    session.flush()
    items = [
        OrderItem(order_id=order.id, ticket_type_id=tt.id, quantity=qty, unit_price_minor=tt.price_minor)
        for tt, qty in lines
    ]
    session.add_all(items)
    session.commit()
    return order, items


def make_staff(
    session: Session, email: str = "door@example.com", name: str = "Door Staff", role: str = Role.AGENT
) -> User:
    user = User(email=email, display_name=name, role=role)
    session.add(user)
    session.commit()
    return user
