"""Event series: many dates of one show (theatre runs, weekly classes, tours).

Design: a series is an `EventSeries` row grouping ordinary `Event` rows, one per date. Each date keeps
everything an event has — start/end, its own ticket types (capacity and price per date), sales window
and status — so holds, the seat counters and their locks (booking/seats.py), checkout, tickets, check-in
and analytics are per date with no change: a date's seats are its own ticket types' rows, locked as any
event's. The series holds what buyers see across dates: the title, the description and the date picker.
A date is edited, published, cancelled (with refunds) through the ordinary event screens
(services/catalog/events.py stays the one writer of events); this module only creates dates in bulk
and reads them.

Dates are generated in the venue's time zone: "every Tuesday at 20:00" stays 20:00 local across a
daylight-saving change (the UTC instant moves by an hour). A wall time that does not exist on a
spring-forward day (02:30) moves forward by the gap, as clocks do.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from ticketapp.i18n import msgid
from ticketapp.models import Event, EventSeries, EventStatus, TicketType, Venue, utcnow
from ticketapp.services.accounts.audit import audit
from ticketapp.services.booking.inventory import availability
from ticketapp.services.catalog.events import (
    AdminError,
    EventInput,
    TicketTypeInput,
    add_event,
    check_event,
    slugify,
    sold_per_type,
)
from ticketapp.services.catalog.public import PublicDate
from ticketapp.services.shared.money import Money

MAX_DATES = 200  # one bulk creation; more is almost always a typo in the end date
MAX_SPAN_DAYS = 2 * 366
MAX_DURATION_MINUTES = 24 * 60 * 14
PUBLIC_DATES_LIMIT = 400  # the date picker's list (upcoming dates of one series)


class SeriesError(AdminError):
    """A refused series change; nothing was changed."""


@dataclass(frozen=True)
class DatePattern:
    """Every `weekdays` (0 = Monday … 6 = Sunday) from `first_day` to `last_day` inclusive, at `start_time`
    local to `timezone`, lasting `duration_minutes`, except the days in `skip`."""

    first_day: date
    last_day: date
    weekdays: frozenset[int]
    start_time: time
    duration_minutes: int
    timezone: str
    skip: frozenset[date] = frozenset()


@dataclass(frozen=True)
class DateSlot:
    starts_at: datetime  # UTC
    ends_at: datetime  # UTC
    local_day: date


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as missing:
        raise SeriesError(msgid("Unknown time zone {zone}."), zone=name) from missing


def _local_instant(day: date, at: time, zone: ZoneInfo) -> datetime:
    """`day` at wall time `at` in `zone`, in UTC. fold=0 (PEP 495): a wall time skipped by DST reads with the
    offset before the change, so it lands one gap later (02:30 → 03:30); a repeated one is its first occurrence."""
    return datetime.combine(day, at, tzinfo=zone).astimezone(UTC)


def generate_dates(pattern: DatePattern) -> list[DateSlot]:
    """The dates a pattern describes, soonest first; refuses empty or oversized patterns."""
    zone = _zone(pattern.timezone)
    if pattern.last_day < pattern.first_day:
        raise SeriesError(msgid("The last day must not be before the first day."))
    if (pattern.last_day - pattern.first_day).days > MAX_SPAN_DAYS:
        raise SeriesError(msgid("A series can span at most two years."))
    if not pattern.weekdays or not pattern.weekdays <= set(range(7)):
        raise SeriesError(msgid("Please choose at least one day of the week."))
    if not 0 < pattern.duration_minutes <= MAX_DURATION_MINUTES:
        raise SeriesError(msgid("Please enter a duration between 1 minute and 14 days."))
    slots: list[DateSlot] = []
    day = pattern.first_day
    while day <= pattern.last_day:
        if day.weekday() in pattern.weekdays and day not in pattern.skip:
            starts = _local_instant(day, pattern.start_time, zone)
            slots.append(DateSlot(starts, starts + timedelta(minutes=pattern.duration_minutes), day))
            if len(slots) > MAX_DATES:
                raise SeriesError(msgid("At most {count} dates can be created at once."), count=MAX_DATES)
        day += timedelta(days=1)
    if not slots:
        raise SeriesError(msgid("These choices give no date: check the days of the week and the period."))
    return slots


@dataclass
class SeriesInput:
    """The template every date copies (its starts_at/ends_at are ignored) and the pattern of dates."""

    event: EventInput
    pattern: DatePattern
    publish: bool = False


def preview(session: Session, data: SeriesInput) -> list[DateSlot]:
    """The dates `create_series` would create, checked the same way, writing nothing."""
    slots = generate_dates(data.pattern)
    check_event(session, replace(data.event, starts_at=slots[0].starts_at, ends_at=slots[0].ends_at))
    if not data.event.ticket_types:
        raise SeriesError(msgid("Add at least one ticket type before publishing."))
    return slots


def create_series(session: Session, actor_id: int, data: SeriesInput) -> EventSeries:
    """The series and one event per date (with the template's ticket types), in one transaction."""
    venue = session.get(Venue, data.event.venue_id)
    if venue is not None and venue.timezone != data.pattern.timezone:
        data = replace(data, pattern=replace(data.pattern, timezone=venue.timezone))
    slots = preview(session, data)
    series = EventSeries(
        title=data.event.title.strip(),
        slug=_unique_series_slug(session, data.event.title),
        description=data.event.description,
    )
    session.add(series)
    session.flush()
    zone = _zone(data.pattern.timezone)
    for slot in slots:
        local = slot.starts_at.astimezone(zone)
        event = add_event(
            session,
            replace(data.event, starts_at=slot.starts_at, ends_at=slot.ends_at),
            series_id=series.id,
            slug_hint=f"{data.event.title} {local:%Y-%m-%d %H%M}",
        )
        if data.publish:
            event.status = EventStatus.PUBLISHED
    audit(session, actor_id, "series.create", "event_series", series.id, title=series.title, dates=len(slots))
    session.commit()
    return series


def _unique_series_slug(session: Session, title: str) -> str:
    base = slugify(title)
    slug, n = base, 1
    while session.exec(select(EventSeries.id).where(EventSeries.slug == slug)).first() is not None:
        n += 1
        slug = f"{base}-{n}"
    return slug


# --- reading ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SeriesRow:
    id: int
    title: str
    dates: int
    first_starts_at: datetime | None
    last_starts_at: datetime | None
    timezone: str


def list_series(session: Session, *, offset: int = 0, limit: int = 25) -> tuple[list[SeriesRow], int]:
    """A page of series (newest first) with their number of dates and first/last date."""
    total = int(session.exec(select(func.count()).select_from(EventSeries)).one())
    series = session.exec(
        select(EventSeries).order_by(col(EventSeries.id).desc()).offset(max(0, offset)).limit(limit)
    ).all()
    ids = [s.id or 0 for s in series]
    stats = {
        sid: (int(n), first, last, tz)
        for sid, n, first, last, tz in session.execute(
            sa_select(
                col(Event.series_id),
                func.count(),
                func.min(Event.starts_at),
                func.max(Event.starts_at),
                func.min(Venue.timezone),
            )
            .join(Venue, col(Venue.id) == Event.venue_id)
            .where(col(Event.series_id).in_(ids))
            .group_by(col(Event.series_id))
        ).all()
    }
    rows = []
    for item in series:
        n, first, last, tz = stats.get(item.id or 0, (0, None, None, "UTC"))
        rows.append(SeriesRow(item.id or 0, item.title, n, _aware(first), _aware(last), tz))
    return rows, total


def _aware(moment: datetime | None) -> datetime | None:
    """SQLite gives aggregates of a UTC column back as naive datetimes."""
    if moment is None:
        return None
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def get_series(session: Session, series_id: int) -> EventSeries:
    series = session.get(EventSeries, series_id)
    if series is None:
        raise SeriesError(msgid("Series not found."))
    return series


@dataclass(frozen=True)
class DateRow:
    event_id: int
    slug: str
    starts_at: datetime
    timezone: str
    status: str
    sold: int
    capacity: int
    sold_out: bool  # no ticket type has a free seat (capacity − sold − live holds)


def _free_by_event(session: Session, types: list[TicketType], now: datetime) -> dict[int, int]:
    free = availability(session, [t.id or 0 for t in types], now=now)
    by_event: dict[int, int] = {}
    for t in types:
        by_event[t.event_id] = by_event.get(t.event_id, 0) + max(0, free[t.id or 0].remaining)
    return by_event


def series_dates(
    session: Session,
    series_id: int,
    *,
    offset: int = 0,
    limit: int = 20,
    now: datetime | None = None,
) -> tuple[list[DateRow], int]:
    """A page of a series' dates (soonest first) with sell-through, for the admin; and how many dates it has."""
    now = now or utcnow()
    get_series(session, series_id)
    total = int(session.exec(select(func.count()).select_from(Event).where(Event.series_id == series_id)).one())
    rows = session.exec(
        select(Event, Venue)
        .join(Venue, col(Venue.id) == Event.venue_id)
        .where(Event.series_id == series_id)
        .order_by(col(Event.starts_at), col(Event.id))
        .offset(max(0, offset))
        .limit(limit)
    ).all()
    ids = [e.id or 0 for e, _ in rows]
    types = list(
        session.exec(
            select(TicketType).where(col(TicketType.event_id).in_(ids)).order_by(col(TicketType.position))
        ).all()
    )
    sold = sold_per_type(session, [t.id or 0 for t in types], now)
    free = _free_by_event(session, types, now)
    out = []
    for event, venue in rows:
        mine = [t for t in types if t.event_id == event.id]
        out.append(
            DateRow(
                event_id=event.id or 0,
                slug=event.slug,
                starts_at=event.starts_at,
                timezone=venue.timezone,
                status=event.status,
                sold=sum(sold.get(t.id or 0, 0) for t in mine),
                capacity=sum(t.capacity for t in mine),
                sold_out=free.get(event.id or 0, 0) == 0,
            )
        )
    return out, total


def public_dates(session: Session, series_id: int, *, now: datetime | None = None) -> list[PublicDate]:
    """The date picker: a series' published or cancelled dates that have not ended, soonest first."""
    now = now or utcnow()
    events = session.exec(
        select(Event)
        .where(
            Event.series_id == series_id,
            col(Event.status).in_((EventStatus.PUBLISHED, EventStatus.CANCELLED)),
            Event.ends_at > now,
        )
        .order_by(col(Event.starts_at), col(Event.id))
        .limit(PUBLIC_DATES_LIMIT)
    ).all()
    ids = [e.id or 0 for e in events]
    types = list(session.exec(select(TicketType).where(col(TicketType.event_id).in_(ids))).all()) if ids else []
    free = _free_by_event(session, types, now)
    return [
        PublicDate(
            slug=e.slug,
            starts_at=e.starts_at,
            sold_out=e.status == EventStatus.PUBLISHED and free.get(e.id or 0, 0) == 0,
            cancelled=e.status == EventStatus.CANCELLED,
        )
        for e in events
    ]


# --- the admin form ----------------------------------------------------------------------------------

FORM_FIELDS = {
    "title": 200,
    "category": 40,
    "venue_id": 12,
    "currency": 3,
    "description": 4000,
    "first_day": 10,
    "last_day": 10,
    "start_time": 5,
    "duration": 6,
    "skip": 2000,
    "types": 4000,
    "publish": 3,
    **{f"day{n}": 3 for n in range(7)},
}
MAX_FORM_TYPES = 20


def _day(raw: str, message: str) -> date:
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        raise SeriesError(message) from None


def _types(raw: str, currency: str) -> list[TicketTypeInput]:
    """One ticket type a line: "Name; price; capacity" (price in major units: 25 or 25.50)."""
    lines = [line for line in raw.splitlines() if line.strip()]
    if not lines:
        raise SeriesError(msgid("Add at least one ticket type before publishing."))
    if len(lines) > MAX_FORM_TYPES:
        raise SeriesError(msgid("At most {count} ticket types."), count=MAX_FORM_TYPES)
    types = []
    for line in lines:
        parts = [p.strip() for p in line.split(";")]
        if len(parts) != 3 or not parts[0] or not parts[2].isdigit():
            raise SeriesError(msgid("Write each ticket type as “name; price; capacity”, e.g. “Stalls; 30; 120”."))
        try:
            price = Money.from_major(parts[1].replace(",", ".") or "0", currency).amount_minor
        except (ValueError, ArithmeticError):
            raise SeriesError(msgid("Please enter prices like 25 or 25.50.")) from None
        types.append(TicketTypeInput(name=parts[0], price_minor=price, capacity=int(parts[2])))
    return types


def parse_form(session: Session, form: dict[str, str]) -> SeriesInput:
    """The admin form (strings) as the service's input; times are wall-clock times at the chosen venue."""
    venue_id = int(form["venue_id"]) if form.get("venue_id", "").isdigit() else 0
    venue = session.get(Venue, venue_id)
    if venue is None:
        raise SeriesError(msgid("Please choose a venue."))
    currency = form.get("currency", "").strip().upper()
    if len(currency) != 3 or not currency.isalpha():
        raise SeriesError(msgid("Please choose a currency."))
    try:
        start_time = time.fromisoformat(form.get("start_time", "").strip())
    except ValueError:
        raise SeriesError(msgid("Please enter a start time like 20:00.")) from None
    duration = form.get("duration", "").strip()
    skip = frozenset(
        _day(part, msgid("Write the days to skip as dates like 2027-03-09, separated by commas."))
        for part in form.get("skip", "").replace("\n", ",").split(",")
        if part.strip()
    )
    pattern = DatePattern(
        first_day=_day(form.get("first_day", ""), msgid("Please enter the first day.")),
        last_day=_day(form.get("last_day", ""), msgid("Please enter the last day.")),
        weekdays=frozenset(n for n in range(7) if form.get(f"day{n}")),
        start_time=start_time,
        duration_minutes=int(duration) if duration.isdigit() else 0,
        timezone=venue.timezone,
        skip=skip,
    )
    template = EventInput(
        title=form.get("title", "").strip(),
        category=form.get("category", ""),
        venue_id=venue_id,
        starts_at=utcnow(),
        ends_at=utcnow(),
        currency=currency,
        description=form.get("description", ""),
        ticket_types=_types(form.get("types", ""), currency),
    )
    return SeriesInput(event=template, pattern=pattern, publish=bool(form.get("publish")))
