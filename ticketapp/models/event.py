"""What is on sale: venues, events and their ticket types."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, Column, Index, String, Text, false, true
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel

from ticketapp.models.types import UTCDateTime, utcnow

# JSONB on PostgreSQL: comparable, so queries that DISTINCT whole event rows keep working.
TRANSLATIONS = JSON().with_variant(JSONB(), "postgresql")


class EventStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    CANCELLED = "cancelled"


class Venue(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    address: str = Field(max_length=300)
    city: str = Field(max_length=120, index=True)
    country: str = Field(max_length=2, description="ISO 3166-1 alpha-2")
    timezone: str = Field(max_length=64, description="IANA time zone, e.g. Europe/Paris")


class EventSeries(SQLModel, table=True):
    """Many dates of one show (a theatre run, weekly classes, a tour): each date is an ordinary `Event`
    with `series_id` set, so cart, checkout, tickets, check-in and analytics work per date unchanged.
    The series holds what the dates share for buyers: the title, description and image of the date picker."""

    __tablename__ = "event_series"

    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=200)
    slug: str = Field(sa_column=Column(String(220), unique=True, index=True, nullable=False))
    description: str = Field(default="")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Event(SQLModel, table=True):
    __table_args__ = (
        Index("ix_event_status_starts_at", "status", "starts_at"),
        # Covers the search's base filter and sorts, so counting thousands of
        # matches never reads the wide event rows (ticketapp/services/catalog/search.py).
        Index(
            "ix_event_listing", "status", "ends_at", "starts_at", "venue_id", "category", "min_price_minor", "currency"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=200)
    slug: str = Field(sa_column=Column(String(220), unique=True, index=True, nullable=False))
    description: str = Field(default="")
    category: str = Field(max_length=40, index=True)
    venue_id: int = Field(foreign_key="venue.id", index=True)
    # One date of a series (services/catalog/series.py); None for a one-off event.
    series_id: int | None = Field(default=None, foreign_key="event_series.id", index=True)
    starts_at: datetime = Field(sa_type=UTCDateTime, index=True)
    ends_at: datetime = Field(sa_type=UTCDateTime)
    image_url: str | None = Field(default=None, max_length=500)
    currency: str = Field(max_length=3, description="ISO 4217 code")
    status: str = Field(default=EventStatus.DRAFT, max_length=16)
    max_tickets_per_customer: int | None = Field(default=None)
    collect_attendee_names: bool = Field(
        default=False, sa_column_kwargs={"server_default": false()}, description="ask a name per ticket at checkout"
    )
    # Buyer self-service (services/orders/self_service.py): "none" (no refund requests), "automatic"
    # (refunded at once) or "approval" (an admin decides), until `refund_days_before` days before the
    # start; the fee kept is a fixed amount (minor units) or basis points of the amount paid.
    refund_mode: str = Field(default="none", max_length=16, sa_column_kwargs={"server_default": "none"})
    refund_days_before: int = Field(default=0, ge=0, sa_column_kwargs={"server_default": "0"})
    refund_fee_kind: str = Field(default="fixed", max_length=8, sa_column_kwargs={"server_default": "fixed"})
    refund_fee_value: int = Field(default=0, ge=0, sa_column_kwargs={"server_default": "0"})
    # Ticket transfers by e-mail: allowed at all, and at most this many times per ticket (None: no cap).
    transfers_allowed: bool = Field(default=True, sa_column_kwargs={"server_default": true()})
    transfer_limit: int | None = Field(default=None, ge=0)
    # Content per language (services/catalog/translations.py): `title`/`description` above are in
    # `main_language`; `translations` holds the others, {"fr": {"title": …, "description": …}, …}, read with the
    # row itself (no join on the event page or search), falling back to the main text field by field.
    main_language: str = Field(default="en", max_length=8, sa_column_kwargs={"server_default": "en"})
    translations: dict[str, dict[str, str]] | None = Field(default=None, sa_type=TRANSLATIONS)
    # Door: after a first entry, may a ticket come in again once it was scanned out (services/tickets/checkin)?
    reentry_allowed: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    # Unaccented, lower-cased title + description + venue name + city, kept up to
    # date by ticketapp.services.catalog.search (a flush hook); indexed for substring search.
    search_text: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    # Lowest ticket price (minor units), kept by the same hook: price filters and
    # sorting on 20,000 events must not aggregate every ticket type per query.
    min_price_minor: int | None = Field(default=None, index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class TicketType(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", index=True)
    name: str = Field(max_length=120)
    description: str = Field(default="", max_length=500)
    price_minor: int = Field(ge=0, description="price in the event currency's minor units")
    capacity: int = Field(ge=0)
    sales_start: datetime | None = Field(default=None, sa_type=UTCDateTime)
    sales_end: datetime | None = Field(default=None, sa_type=UTCDateTime)
    max_per_order: int = Field(default=10, ge=1)
    position: int = Field(default=0)
    # Seats taken, kept by ticketapp.services.booking.seats (their only writer) under this row's lock:
    # the items of orders that count as sold, and the counted holds. Lapsed holds and lapsed pending
    # orders leave them lazily, when a locked transaction next touches the type or the sweep runs.
    sold_count: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    held_count: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    # Tax (services/invoicing): the rate in basis points (2000 = 20 %), whether price_minor includes it or it is
    # added on top, and whether EU business buyers from another member state pay without VAT (reverse charge).
    tax_rate_bp: int = Field(default=0, ge=0, le=10000, sa_column_kwargs={"server_default": "0"})
    tax_included: bool = Field(default=True, sa_column_kwargs={"server_default": true()})
    reverse_charge: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    # The name in other languages than the event's main one: {"fr": {"name": …}, …} (services/catalog/translations.py).
    translations: dict[str, dict[str, str]] | None = Field(default=None, sa_type=TRANSLATIONS)
    # Hidden (presales, comps, partner allocations): not shown on the event page nor sold, except to a cart
    # whose promo code unlocks it (PromoCode.unlocks_ticket_type_ids; checked under the seats' lock).
    hidden: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
