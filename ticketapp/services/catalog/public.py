"""Reading the public catalogue: published events with their prices and venues."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, func
from sqlmodel import Session, col, select

from ticketapp.i18n import msgid
from ticketapp.models import Event, EventStatus, TicketType, Venue, utcnow
from ticketapp.services.catalog.translations import event_description, event_title, type_name
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
    date_count: int = 1  # a series' dates in the list's range; it shows as its first one


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
class PublicDate:
    """One date of a series in the event page's date picker."""

    slug: str
    starts_at: datetime
    sold_out: bool
    cancelled: bool


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
    series_id: int | None = None
    dates: tuple[PublicDate, ...] = ()  # the series' upcoming dates (services/catalog/series.public_dates)

    @property
    def is_past(self) -> bool:
        return self.ends_at <= utcnow()


def series_key() -> ColumnElement[int]:
    """One value per series, and per event outside any series: lists show a series once."""
    return func.coalesce(-col(Event.series_id), col(Event.id))


def list_upcoming_events(session: Session, *, limit: int = 24, offset: int = 0, lang: str = "en") -> list[EventSummary]:
    """Published events that have not ended, soonest first, with their lowest price (titles in `lang`); a series
    shows once, as its next date, with its number of upcoming dates."""
    key = series_key()
    upcoming = (
        select(
            col(Event.id).label("id"),
            func.row_number().over(partition_by=key, order_by=(col(Event.starts_at), col(Event.id))).label("rn"),
            func.count().over(partition_by=key).label("dates"),
        )
        .where(Event.status == EventStatus.PUBLISHED, Event.ends_at > utcnow())
        .subquery("upcoming")
    )
    lowest = (
        select(TicketType.event_id, func.min(TicketType.price_minor).label("lowest"))
        .where(col(TicketType.hidden).is_(False))
        .group_by(col(TicketType.event_id))
        .subquery()
    )
    rows = session.exec(
        select(Event, Venue, lowest.c.lowest, upcoming.c.dates)
        .join(upcoming, upcoming.c.id == Event.id)
        .join(Venue, col(Venue.id) == Event.venue_id)
        .outerjoin(lowest, lowest.c.event_id == Event.id)
        .where(upcoming.c.rn == 1)
        .order_by(col(Event.starts_at), col(Event.id))
        .limit(limit)
        .offset(offset)
    ).all()
    return [
        EventSummary(
            id=event.id or 0,
            slug=event.slug,
            title=event_title(event, lang),
            category=event.category,
            city=venue.city,
            venue_name=venue.name,
            timezone=venue.timezone,
            starts_at=event.starts_at,
            lowest_price=Money(lowest_minor, event.currency) if lowest_minor is not None else None,
            image_url=event.image_url,
            date_count=int(dates),
        )
        for event, venue, lowest_minor, dates in rows
    ]


def get_public_event(
    session: Session, slug: str, lang: str = "en", unlocked: frozenset[int] = frozenset()
) -> EventDetail | None:
    """A published or cancelled event by slug, its texts in `lang` (else its main language); drafts and unknown
    slugs give None.

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
        title=event_title(event, lang),
        description=event_description(event, lang),
        category=event.category,
        status=event.status,
        starts_at=event.starts_at,
        ends_at=event.ends_at,
        currency=event.currency,
        image_url=event.image_url,
        venue=venue,
        series_id=event.series_id,
        ticket_types=[
            TicketTypeView(
                id=t.id or 0,
                name=type_name(t, lang),
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
