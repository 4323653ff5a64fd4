"""Small builders for booking tests: a venue, an event and its ticket types."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlmodel import Session

from ticketapp.models import Event, EventStatus, TicketType, Venue, utcnow


def make_event(
    session: Session,
    *,
    title: str = "Test Concert",
    currency: str = "EUR",
    capacity: int = 50,
    price_minor: int = 2500,
    max_per_order: int = 10,
    cap: int | None = None,
    status: str = EventStatus.PUBLISHED,
    starts_in: timedelta = timedelta(days=10),
    city: str = "Paris",
    venue_name: str = "Salle Test",
    description: str = "",
    category: str = "concert",
    sales_start: datetime | None = None,
    sales_end: datetime | None = None,
) -> tuple[Event, TicketType]:
    venue = Venue(name=venue_name, address="1 rue Test", city=city, country="FR", timezone="Europe/Paris")
    session.add(venue)
    session.flush()
    starts_at = utcnow() + starts_in
    event = Event(
        title=title,
        slug=f"{title.lower().replace(' ', '-')}-{secrets.token_hex(3)}",
        description=description,
        category=category,
        venue_id=venue.id or 0,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=2),
        currency=currency,
        status=status,
        max_tickets_per_customer=cap,
    )
    session.add(event)
    session.flush()
    ticket_type = add_type(
        session,
        event,
        capacity=capacity,
        price_minor=price_minor,
        max_per_order=max_per_order,
        sales_start=sales_start,
        sales_end=sales_end,
    )
    session.commit()
    return event, ticket_type


def add_type(
    session: Session,
    event: Event,
    *,
    name: str = "Standard",
    capacity: int = 50,
    price_minor: int = 2500,
    max_per_order: int = 10,
    sales_start: datetime | None = None,
    sales_end: datetime | None = None,
) -> TicketType:
    ticket_type = TicketType(
        event_id=event.id or 0,
        name=name,
        price_minor=price_minor,
        capacity=capacity,
        max_per_order=max_per_order,
        sales_start=sales_start,
        sales_end=sales_end,
    )
    session.add(ticket_type)
    session.commit()
    return ticket_type


def token() -> str:
    return secrets.token_urlsafe(32)
