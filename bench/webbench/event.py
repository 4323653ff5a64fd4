"""The event every bench sells: published, one ticket type, its own venue (the demo data stays untouched)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta

from sqlmodel import Session

from ticketapp.db import make_engine
from ticketapp.models import Event, EventStatus, TicketType, Venue, utcnow

BENCH_CAPACITY = 1_000_000  # far more than any run sells: refusals would measure the sold-out path instead


@dataclass(frozen=True)
class BenchEvent:
    slug: str
    ticket_type_id: int
    capacity: int


def create_bench_event(database_url: str, capacity: int = BENCH_CAPACITY) -> BenchEvent:
    """A published event of its own with one ticket type of `capacity` seats."""
    engine = make_engine(database_url)
    try:
        with Session(engine) as session:
            venue = Venue(
                name="Bench Hall", address="1 rue du Banc", city="Paris", country="FR", timezone="Europe/Paris"
            )
            session.add(venue)
            session.flush()
            starts = utcnow() + timedelta(days=30)
            event = Event(
                title="Bench night",
                slug=f"bench-{uuid.uuid4().hex[:8]}",
                category="concert",
                venue_id=venue.id or 0,
                starts_at=starts,
                ends_at=starts + timedelta(hours=3),
                currency="EUR",
                status=EventStatus.PUBLISHED,
            )
            session.add(event)
            session.flush()
            ticket_type = TicketType(event_id=event.id or 0, name="Standard", price_minor=3500, capacity=capacity)
            session.add(ticket_type)
            session.commit()
            return BenchEvent(event.slug, ticket_type.id or 0, capacity)
    finally:
        engine.dispose()
