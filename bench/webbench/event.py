"""The event every bench sells: published, one ticket type, its own venue (the demo data stays untouched)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func
from sqlmodel import Session, col, select

from ticketapp.db import make_engine
from ticketapp.models import DiscountKind, Event, EventStatus, PromoCode, PromoRedemption, TicketType, Venue, utcnow

BENCH_CAPACITY = 1_000_000  # far more than any run sells: refusals would measure the sold-out path instead


@dataclass(frozen=True)
class BenchEvent:
    slug: str
    ticket_type_id: int
    capacity: int
    code: str = ""  # a promo code the buyers apply through the event link (`?code=`), "" for none


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


def create_bench_code(database_url: str, event: BenchEvent) -> BenchEvent:
    """A 10 %-off code for the bench event, without a use limit (so every buyer takes the counted-use path)."""
    engine = make_engine(database_url)
    try:
        with Session(engine) as session:
            ticket_type = session.get(TicketType, event.ticket_type_id)
            assert ticket_type is not None
            code = f"BENCH-{uuid.uuid4().hex[:8].upper()}"
            session.add(PromoCode(code=code, event_id=ticket_type.event_id, kind=DiscountKind.PERCENT_OFF, value=10))
            session.commit()
    finally:
        engine.dispose()
    return BenchEvent(event.slug, event.ticket_type_id, event.capacity, code)


def code_uses(database_url: str, event: BenchEvent) -> int:
    """Orders recorded with the bench code (each purchase should be one)."""
    engine = make_engine(database_url)
    try:
        with Session(engine) as session:
            return int(
                session.exec(
                    select(func.count(col(PromoRedemption.id)))
                    .join(PromoCode, col(PromoCode.id) == PromoRedemption.promo_code_id)
                    .where(PromoCode.code == event.code)
                ).one()
            )
    finally:
        engine.dispose()
