"""What the analytics dashboard looks at: the period, currency, events/category and promo code (its filter bar and
choices)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from ticketapp.models import Event, Venue, utcnow


class Granularity(StrEnum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"


@dataclass(frozen=True)
class Filters:
    """What the dashboard looks at: [start, end) in UTC, one currency, optional events / category."""

    start: datetime
    end: datetime
    currency: str
    event_ids: tuple[int, ...] = ()
    category: str | None = None
    promo_code: str | None = None  # only orders placed with this code (upper-cased, as stored)

    def previous(self) -> Filters:
        """The period of the same length just before this one (for KPI deltas)."""
        length = self.end - self.start
        return replace(self, start=self.start - length, end=self.start)


PRESETS = {"7d": 7, "30d": 30, "90d": 90, "365d": 365}


def preset_range(preset: str, *, today: datetime | None = None) -> tuple[datetime, datetime]:
    """[start, end) for a preset like "30d": the last N whole days including today (UTC)."""
    days = PRESETS.get(preset, 30)
    now = today or utcnow()
    end = datetime.combine(now.date() + timedelta(days=1), time(0), tzinfo=UTC)
    return end - timedelta(days=days), end


def currencies(session: Session) -> list[str]:
    """Currencies that have sales or events, most used first (the dashboard's currency choices)."""
    rows = session.exec(
        select(Event.currency, func.count(col(Event.id)).label("n"))
        .group_by(Event.currency)
        .order_by(func.count(col(Event.id)).desc(), Event.currency)
    ).all()
    return [str(c) for c, _ in rows]


def categories(session: Session) -> list[str]:
    return [str(c) for c in session.exec(select(Event.category).distinct().order_by(Event.category)).all()]


def event_choices(session: Session, currency: str, limit: int = 200) -> list[tuple[int, str]]:
    """Events selectable in the filter, most recent first; a series' date says which ("Hamlet — 2027-03-09 20:00",
    venue time), since its dates share the title."""
    rows = session.execute(
        sa_select(col(Event.id), col(Event.title), col(Event.series_id), col(Event.starts_at), col(Venue.timezone))
        .join(Venue, col(Venue.id) == Event.venue_id)
        .where(col(Event.currency) == currency)
        .order_by(col(Event.starts_at).desc())
        .limit(limit)
    ).all()
    return [
        (i, f"{title} — {starts.astimezone(ZoneInfo(zone)):%Y-%m-%d %H:%M}" if series else str(title))
        for i, title, series, starts, zone in rows
        if i is not None
    ]
