"""Event search: free text plus filters, sorts and pages, fast at tens of thousands of events.

Text matching works on `Event.search_text`, an unaccented, case-folded copy of
title + description + venue name + city that this module keeps current (a
flush hook, so every writer — admin screens, seed, imports — gets it for free).
Normalising in Python gives identical accent/case folding on both databases
("theatre" finds "Théâtre") without needing PostgreSQL's `unaccent` or ICU in SQLite.

Index choice (migration 0003): visitors type fragments ("jaz", "lyon"), so we
want substring matching, not stemmed words. Trigram indexes answer exactly that
on both databases: an FTS5 table with the `trigram` tokenizer on SQLite, and a
`pg_trgm` GIN index on PostgreSQL (which serves `LIKE '%…%'`). Stemmed full-text
search would miss fragments and behave differently per database. Terms shorter
than three characters cannot use a trigram index and fall back to a scan with
LIKE, still narrowed by the other terms and filters.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    ColumnElement,
    Subquery,
    and_,
    bindparam,
    case,
    event,
    func,
    inspect,
    literal_column,
    text,
    union_all,
)
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session, col, or_, select
from sqlmodel.sql.expression import Select

from ticketapp.i18n import gettext
from ticketapp.i18n.languages import SUPPORTED_LOCALES
from ticketapp.models import Event, EventStatus, Hold, Order, OrderItem, TicketType, Venue, utcnow
from ticketapp.services.booking.inventory import counts_as_sold, sold_by_type
from ticketapp.services.catalog.public import CATEGORIES, EventSummary, series_key
from ticketapp.services.catalog.translations import all_texts, event_title
from ticketapp.services.shared.money import Money, minor_exponent

MIN_TRIGRAM = 3
MAX_PAGE_SIZE = 60
MAX_TEXT = 200
# Currencies whose minor unit is not 1/100 (price filters are typed in major units).
_ODD_CURRENCIES = ("JPY", "KRW", "VND", "CLP", "ISK", "UGX", "XAF", "XOF", "PYG", "BHD", "KWD", "JOD", "OMR", "TND")


class SortOrder(StrEnum):
    DATE = "date"
    PRICE = "price"
    POPULARITY = "popularity"


class DatePreset(StrEnum):
    NONE = ""
    TODAY = "today"
    WEEKEND = "weekend"
    NEXT_30 = "next30"


def normalise_text(value: str) -> str:
    """Lower-case, accents removed, whitespace collapsed: 'Théâtre  du Châtelet' → 'theatre du chatelet'."""
    decomposed = unicodedata.normalize("NFKD", value)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.casefold().split())


def event_search_text(title: str, description: str, venue_name: str, city: str) -> str:
    return normalise_text(" ".join((title, description, venue_name, city)))


# --- keeping search_text current --------------------------------------------------


def _index_pending_events(session: OrmSession, _context: Any, _instances: Any) -> None:
    """Before each flush: refresh the derived search columns of every event the flush touches.

    search_text follows the event and its venue; min_price_minor follows its ticket types.
    """
    touched = list(session.new) + list(session.dirty)
    events = [obj for obj in touched if isinstance(obj, Event)]
    venue_ids = [obj.id for obj in touched if isinstance(obj, Venue) and obj.id is not None and obj in session.dirty]
    # A sale changes a type's seat counters, not its price: only new, deleted or re-priced types count.
    changed_types = [
        obj
        for obj in [*touched, *session.deleted]
        if isinstance(obj, TicketType) and (obj not in session.dirty or _repriced(obj))
    ]
    with session.no_autoflush:
        if venue_ids:
            events += session.execute(select(Event).where(col(Event.venue_id).in_(venue_ids))).scalars().all()
        for item in {id(e): e for e in events}.values():
            venue = session.get(Venue, item.venue_id) if item.venue_id else None
            if venue is None:
                continue
            wanted = event_search_text(" ".join(all_texts(item)), item.description or "", venue.name, venue.city)
            if item.search_text != wanted:
                item.search_text = wanted
        for event_id in {t.event_id for t in changed_types if t.event_id}:
            _refresh_min_price(session, event_id)


def _repriced(ticket_type: TicketType) -> bool:
    state = inspect(ticket_type)
    return any(state.attrs[name].history.has_changes() for name in ("price_minor", "event_id", "hidden"))


def _refresh_min_price(session: OrmSession, event_id: int) -> None:
    owner = session.get(Event, event_id)
    if owner is None:
        return
    stored = session.execute(select(TicketType).where(TicketType.event_id == event_id)).scalars().all()
    pending = [obj for obj in session.new if isinstance(obj, TicketType) and obj.event_id == event_id]
    every = {id(t): t for t in [*stored, *pending]}.values()
    prices = [t.price_minor for t in every if t not in session.deleted and not t.hidden]  # hidden: for code holders
    lowest = min(prices) if prices else None
    if owner.min_price_minor != lowest:
        owner.min_price_minor = lowest


event.listen(OrmSession, "before_flush", _index_pending_events)


def refresh_search_text(session: Session) -> int:
    """Recompute search_text for every event (after bulk SQL imports); returns how many changed."""
    changed = 0
    for item, venue in session.exec(select(Event, Venue).join(Venue, col(Venue.id) == Event.venue_id)).all():
        wanted = event_search_text(" ".join(all_texts(item)), item.description, venue.name, venue.city)
        if item.search_text != wanted:
            item.search_text = wanted
            session.add(item)
            changed += 1
    session.commit()
    return changed


# --- the query ------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchQuery:
    text: str = ""
    category: str = ""
    city: str = ""
    date_from: date | None = None
    date_to: date | None = None  # inclusive
    preset: DatePreset = DatePreset.NONE
    price_min: int | None = None  # major units of each event's currency
    price_max: int | None = None
    only_available: bool = False
    sort: SortOrder = SortOrder.DATE
    limit: int = 12
    offset: int = 0
    timezone: str = "UTC"  # where "today" and date bounds are reckoned
    lang: str = "en"  # the language titles are shown in (services/catalog/translations.py)


@dataclass(frozen=True)
class SearchResult:
    total: int
    events: list[EventSummary] = field(default_factory=list)


def preset_range(preset: DatePreset, now: datetime, timezone: str) -> tuple[datetime, datetime] | None:
    """[start, end) in UTC for a preset, reckoned in `timezone`."""
    zone = ZoneInfo(timezone)
    today = now.astimezone(zone).date()

    def midnight(day: date) -> datetime:
        return datetime.combine(day, time(0), tzinfo=zone)

    if preset == DatePreset.TODAY:
        return now, midnight(today + timedelta(days=1))
    if preset == DatePreset.WEEKEND:
        weekday = today.weekday()  # Monday 0 … Sunday 6
        saturday = today + timedelta(days=(5 - weekday) % 7) if weekday < 5 else today
        monday = today + timedelta(days=7 - weekday)
        return max(now, midnight(saturday)), midnight(monday)
    if preset == DatePreset.NEXT_30:
        return now, now + timedelta(days=30)
    return None


def _fts_phrase(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _like_pattern(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


@lru_cache(maxsize=1)
def _category_names() -> dict[str, frozenset[str]]:
    """Each category's name in every language, normalised ('theatre', 'théâtre' → 'theatre', 'teatro'…) → keys."""
    names: dict[str, set[str]] = {}
    for key, label in CATEGORIES.items():
        for lang in SUPPORTED_LOCALES:
            names.setdefault(normalise_text(gettext(lang, label)), set()).add(key)
        names.setdefault(normalise_text(key), set()).add(key)
    return {name: frozenset(keys) for name, keys in names.items()}


def _fts_condition(terms: list[str]) -> ColumnElement[bool]:
    match = " ".join(_fts_phrase(t) for t in terms)  # implicit AND of phrases
    # unique: a category term brings a second MATCH into the same statement, each with its own value.
    ids = text("SELECT rowid FROM event_search WHERE event_search MATCH :match").bindparams(
        bindparam("match", match, unique=True)
    )
    return col(Event.id).in_(ids.columns(literal_column("rowid")))


def _term_conditions(terms: list[str], dialect: str) -> list[ColumnElement[bool]]:
    long_terms = [t for t in terms if len(t) >= MIN_TRIGRAM]
    conditions: list[ColumnElement[bool]] = []
    if dialect == "sqlite" and long_terms:
        conditions.append(_fts_condition(long_terms))
        terms = [t for t in terms if len(t) < MIN_TRIGRAM]
    conditions += [col(Event.search_text).like(_like_pattern(t), escape="\\") for t in terms]
    return conditions


def text_conditions(raw: str, dialect: str) -> list[ColumnElement[bool]]:
    """WHERE conditions so every term of `raw` occurs in the event's search text, or, for a term that is
    a category's name in any of the shop's languages ("theatre", "théâtre"), the event is of that category."""
    terms = normalise_text(raw[:MAX_TEXT]).split()
    categories = _category_names()
    conditions = _term_conditions([t for t in terms if t not in categories], dialect)
    for term in dict.fromkeys(t for t in terms if t in categories):
        in_text = and_(*_term_conditions([term], dialect))
        conditions.append(or_(in_text, col(Event.category).in_(sorted(categories[term]))))
    return conditions


def _minor_scale() -> ColumnElement[int]:
    whens = {code: 10 ** minor_exponent(code) for code in _ODD_CURRENCIES}
    return case(whens, value=Event.currency, else_=100)


def build_search(query: SearchQuery, dialect: str, now: datetime) -> Select[Event, Venue]:
    """The filtered, unsorted and unpaged SELECT of (Event, Venue)."""
    stmt = (
        select(Event, Venue)
        .join(Venue, col(Venue.id) == Event.venue_id)
        .where(Event.status == EventStatus.PUBLISHED, Event.ends_at > now)
    )
    for condition in text_conditions(query.text, dialect):
        stmt = stmt.where(condition)
    if query.category:
        stmt = stmt.where(Event.category == query.category)
    if query.city:
        stmt = stmt.where(func.lower(Venue.city) == query.city.strip().lower())
    stmt = _date_filter(stmt, query, now)
    if query.price_min is not None:
        stmt = stmt.where(col(Event.min_price_minor) >= query.price_min * _minor_scale())
    if query.price_max is not None:
        stmt = stmt.where(col(Event.min_price_minor) <= query.price_max * _minor_scale())
    if query.only_available:
        stmt = stmt.where(_has_free_seats(now))
    return stmt


def _has_free_seats(now: datetime) -> ColumnElement[bool]:
    """The event has a ticket type with a free seat.

    A type is free when its capacity is positive and it is not *full*. Full
    types can only be among the few with sales or live holds, so that small set
    is computed once (a MATERIALIZED CTE driven from orders and holds, not from
    the whole catalogue) and each candidate event probes its types by index.
    Both databases misplan the direct "capacity > sold + held" join at 20,000
    events (PostgreSQL re-ran the aggregates per event: seconds, not ms).
    """
    taken_rows = union_all(
        select(col(OrderItem.ticket_type_id).label("type_id"), col(OrderItem.quantity).label("quantity"))
        .join(Order, col(Order.id) == OrderItem.order_id)
        .where(counts_as_sold(now)),
        select(col(Hold.ticket_type_id).label("type_id"), col(Hold.quantity).label("quantity")).where(
            Hold.expires_at > now
        ),
    ).subquery("taken_rows")
    taken = (
        select(taken_rows.c.type_id, func.sum(taken_rows.c.quantity).label("taken"))
        .group_by(taken_rows.c.type_id)
        .subquery("taken")
    )
    full = (
        select(TicketType.id)
        .join(taken, taken.c.type_id == TicketType.id)
        .where(TicketType.capacity <= taken.c.taken)
        .cte("full_ticket_types")
        .prefix_with("MATERIALIZED")
    )
    return (
        select(TicketType.id)
        .where(
            TicketType.event_id == Event.id,
            TicketType.capacity > 0,
            col(TicketType.id).not_in(select(full.c.id)),
        )
        .correlate(Event)
        .exists()
    )


def _sold_per_event(now: datetime) -> Subquery:
    """(event_id, sold) for events with sales: grows with orders, not with the catalogue."""
    sold = sold_by_type(now)
    return (
        select(TicketType.event_id, func.sum(sold.c.sold).label("sold"))
        .join(sold, sold.c.ticket_type_id == TicketType.id)
        .group_by(col(TicketType.event_id))
        .subquery("sold_per_event")
    )


def _date_filter(stmt: Select[Event, Venue], query: SearchQuery, now: datetime) -> Select[Event, Venue]:
    zone = ZoneInfo(query.timezone)
    window = preset_range(query.preset, now, query.timezone)
    if window:
        start, end = window
        # An event already running still counts for "today" (ends_at > now is in the base query).
        stmt = stmt.where(Event.starts_at < end, or_(Event.starts_at >= start, Event.ends_at > start))
    if query.date_from:
        stmt = stmt.where(Event.starts_at >= datetime.combine(query.date_from, time(0), tzinfo=zone))
    if query.date_to:
        stmt = stmt.where(Event.starts_at < datetime.combine(query.date_to + timedelta(days=1), time(0), tzinfo=zone))
    return stmt


def search_events(session: Session, query: SearchQuery, *, now: datetime | None = None) -> SearchResult:
    """One page of matching events and the total number of matches."""
    now = now or utcnow()
    stmt = build_search(query, session.get_bind().dialect.name, now)
    # Sort and count narrow rows (id + a window count, so the filters run once),
    # then load the page's full rows: carrying descriptions through a sort of
    # thousands of matches, or filtering twice for a separate COUNT, is what costs.
    # A series shows once, as its first matching date, with how many of its dates match (services/catalog/series.py).
    key = series_key()
    matches = stmt.with_only_columns(
        col(Event.id),
        col(Event.starts_at),
        col(Event.min_price_minor),
        func.row_number().over(partition_by=key, order_by=(col(Event.starts_at), col(Event.id))).label("rn"),
        func.count().over(partition_by=key).label("dates"),
    ).subquery("matches")
    narrow = select(matches.c.id, matches.c.dates, func.count().over().label("total")).where(matches.c.rn == 1)
    if query.sort == SortOrder.PRICE:
        narrow = narrow.order_by(func.coalesce(matches.c.min_price_minor, 0), matches.c.starts_at, matches.c.id)
    elif query.sort == SortOrder.POPULARITY:
        popular = _sold_per_event(now)
        narrow = narrow.outerjoin(popular, popular.c.event_id == matches.c.id).order_by(
            func.coalesce(popular.c.sold, 0).desc(), matches.c.starts_at, matches.c.id
        )
    else:
        narrow = narrow.order_by(matches.c.starts_at, matches.c.id)
    limit = max(1, min(query.limit, MAX_PAGE_SIZE))
    page = session.execute(narrow.limit(limit).offset(max(0, query.offset))).all()
    if page:
        total = int(page[0].total)
    else:  # past the last page (or nothing matches): count on its own
        total = int(session.exec(select(func.count()).select_from(matches).where(matches.c.rn == 1)).one())
    page_ids = [row.id for row in page]
    dates = {row.id: int(row.dates) for row in page}
    rows = session.exec(
        select(Event, Venue).join(Venue, col(Venue.id) == Event.venue_id).where(col(Event.id).in_(page_ids))
    ).all()
    by_id = {item.id: (item, venue) for item, venue in rows}
    return SearchResult(
        total=total,
        events=[_summary(*by_id[i], query.lang, date_count=dates.get(i, 1)) for i in page_ids if i in by_id],
    )


def _summary(item: Event, venue: Venue, lang: str, date_count: int = 1) -> EventSummary:
    lowest = item.min_price_minor
    return EventSummary(
        id=item.id or 0,
        slug=item.slug,
        title=event_title(item, lang),
        category=item.category,
        city=venue.city,
        venue_name=venue.name,
        timezone=venue.timezone,
        starts_at=item.starts_at,
        lowest_price=Money(lowest, item.currency) if lowest is not None else None,
        image_url=item.image_url,
        date_count=date_count,
    )


def list_cities(session: Session) -> list[str]:
    """Cities that have upcoming published events, for the city filter."""
    return list(
        session.exec(
            select(Venue.city)
            .join(Event, col(Event.venue_id) == Venue.id)
            .where(Event.status == EventStatus.PUBLISHED, Event.ends_at > utcnow())
            .distinct()
            .order_by(Venue.city)
        ).all()
    )
