"""Exchange rates for showing approximate prices in a visitor's currency (never for charging)."""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Field, SQLModel

from ticketapp.models.types import UTCDateTime, utcnow


class ExchangeRate(SQLModel, table=True):
    """How many units of `currency` one euro buys, as of `as_of` (EUR itself is 1 and not stored)."""

    __tablename__ = "exchange_rate"

    currency: str = Field(primary_key=True, max_length=3)
    # Kept as text: a Decimal in SQLite would come back as a float.
    per_eur: str = Field(max_length=32)
    as_of: date
    source: str = Field(default="", max_length=120)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
