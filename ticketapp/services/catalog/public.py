"""Reading the public catalogue: published events with their prices and venues."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from ticketapp.i18n import msgid
from ticketapp.models import Event, EventStatus, TicketType, Venue, utcnow
from ticketapp.services.invoicing.tax import NO_TAX, TaxRule
from ticketapp.services.shared.money import Money

# Event categories and their English labels (translated through the catalogs).
CATEGORIES: dict[str, str] = {
    "concert": msgid("Concert"),
    "theatre": msgid("Theatre"),
    "festival": msgid("Festival"),
    "sport": msgid("Sport"),
    "conference": msgid("Conference"),
    "comedy": msgid("Comedy"),
    "exhibition": msgid("Exhibition"),
}
OTHER_CATEGORY = msgid("Other")


def category_msgid(code: str) -> str:
    """A category code's English label (a msgid): staff pages and charts show it translated, never the code."""
    return CATEGORIES.get(code, OTHER_CATEGORY)


@dataclass(frozen=True)
class EventSummary:
    id: int
    slug: str
    title: str
    category: str
    city: str
    venue_name: str
    timezone: str
    starts_at: datetime
    lowest_price: Money | None
    image_url: str | None = None


@dataclass(frozen=True)
class TicketTypeView:
    id: int
    name: str
    description: str
    price: Money
    capacity: int
    max_per_order: int
    tax: TaxRule = NO_TAX  # services/invoicing/tax: "incl. 20 % VAT" or "+ 20 % VAT"


@dataclass(frozen=True)
class EventDetail:
    id: int
    slug: str
    title: str
    description: str
    category: str
    status: str
    starts_at: datetime
    ends_at: datetime
    currency: str
    image_url: str | None
    venue: Venue
    ticket_types: list[TicketTypeView]

    @property
    def is_past(self) -> bool:
        return self.ends_at <= utcnow()


def list_upcoming_events(session: Session, *, limit: int = 24, offset: int = 0) -> list[EventSummary]:
    """Published events that have not ended, soonest first, with their lowest price."""
    lowest = (
        select(TicketType.event_id, func.min(TicketType.price_minor).label("lowest"))
        .where(col(TicketType.hidden).is_(False))
        .group_by(col(TicketType.event_id))
        .subquery()
    )
    rows = session.exec(
        select(Event, Venue, lowest.c.lowest)
        .join(Venue, col(Venue.id) == Event.venue_id)
        .outerjoin(lowest, lowest.c.event_id == Event.id)
        .where(Event.status == EventStatus.PUBLISHED, Event.ends_at > utcnow())
        .order_by(col(Event.starts_at), col(Event.id))
        .limit(limit)
        .offset(offset)
    ).all()
    return [
        EventSummary(
            id=event.id or 0,
            slug=event.slug,
            title=event.title,
            category=event.category,
            city=venue.city,
            venue_name=venue.name,
            timezone=venue.timezone,
            starts_at=event.starts_at,
            lowest_price=Money(lowest_minor, event.currency) if lowest_minor is not None else None,
            image_url=event.image_url,
        )
        for event, venue, lowest_minor in rows
    ]


def get_public_event(session: Session, slug: str, unlocked: frozenset[int] = frozenset()) -> EventDetail | None:
    """A published or cancelled event by slug; drafts and unknown slugs give None.

    Hidden ticket types are left out unless `unlocked` (the visitor's promo code) names them."""
    row = session.exec(
        select(Event, Venue)
        .join(Venue, col(Venue.id) == Event.venue_id)
        .where(Event.slug == slug, Event.status != EventStatus.DRAFT)
    ).first()
    if row is None:
        return None
    event, venue = row
    types = session.exec(
        select(TicketType).where(TicketType.event_id == event.id).order_by(col(TicketType.position), col(TicketType.id))
    ).all()
    return EventDetail(
        id=event.id or 0,
        slug=event.slug,
        title=event.title,
        description=event.description,
        category=event.category,
        status=event.status,
        starts_at=event.starts_at,
        ends_at=event.ends_at,
        currency=event.currency,
        image_url=event.image_url,
        venue=venue,
        ticket_types=[
            TicketTypeView(
                id=t.id or 0,
                name=t.name,
                description=t.description,
                price=Money(t.price_minor, event.currency),
                capacity=t.capacity,
                max_per_order=t.max_per_order,
                tax=TaxRule(t.tax_rate_bp, t.tax_included),
            )
            for t in types
            if not t.hidden or (t.id or 0) in unlocked
        ],
    )
