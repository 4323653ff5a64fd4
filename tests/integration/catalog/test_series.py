"""Event series with a real database: bulk creation (one event per date), per-date seats, the date picker."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlmodel import Session, col, func, select

from tests.factories import make_user, make_venue, token
from ticketapp.models import AdminAudit, Event, EventSeries, EventStatus, Role, TicketType, Venue, utcnow
from ticketapp.services.booking import holds
from ticketapp.services.catalog import series as series_service
from ticketapp.services.catalog.events import EventInput, TicketTypeInput, cancel_event
from ticketapp.services.catalog.search import SearchQuery, search_events
from ticketapp.services.catalog.series import DatePattern, SeriesError, SeriesInput

TUE, THU = 1, 3


def _input(
    venue: Venue, *, first: date, last: date, skip: frozenset[date] = frozenset(), **changes: object
) -> SeriesInput:
    template = EventInput(
        title="Hamlet",
        category="theatre",
        venue_id=venue.id or 0,
        starts_at=utcnow(),
        ends_at=utcnow(),
        currency="EUR",
        description="Shakespeare, every week.",
        ticket_types=[
            TicketTypeInput(name="Stalls", price_minor=3000, capacity=4, max_per_order=4),
            TicketTypeInput(name="Balcony", price_minor=1800, capacity=2),
        ],
    )
    pattern = DatePattern(first, last, frozenset({TUE, THU}), time(20, 0), 150, venue.timezone, skip)
    return SeriesInput(event=template, pattern=pattern, publish=bool(changes.get("publish", True)))


def _next(weekday: int) -> date:
    today = datetime.now(UTC).date() + timedelta(days=7)
    return today + timedelta(days=(weekday - today.weekday()) % 7)


def test_create_series_makes_one_event_per_date_with_its_own_ticket_types(session: Session) -> None:
    admin = make_user(session, "admin@example.com", role=Role.ADMIN)
    venue = make_venue(session)
    first = _next(TUE)
    data = _input(venue, first=first, last=first + timedelta(days=20), skip=frozenset({first + timedelta(days=2)}))
    assert len(series_service.preview(session, data)) == 5  # 6 Tuesdays/Thursdays less the skipped Thursday
    assert session.exec(select(func.count()).select_from(Event)).one() == 0  # the preview writes nothing

    series = series_service.create_series(session, admin.id or 0, data)

    events = session.exec(select(Event).where(Event.series_id == series.id).order_by(col(Event.starts_at))).all()
    assert len(events) == 5
    assert {e.title for e in events} == {"Hamlet"} and {e.status for e in events} == {EventStatus.PUBLISHED}
    assert len({e.slug for e in events}) == 5
    assert first + timedelta(days=2) not in {e.starts_at.date() for e in events}
    types = session.exec(select(TicketType).where(col(TicketType.event_id).in_([e.id for e in events]))).all()
    assert len(types) == 10 and len({t.id for t in types}) == 10  # capacity per date, never shared
    assert session.exec(select(AdminAudit).where(AdminAudit.action == "series.create")).one().target_id == series.id

    rows, total = series_service.series_dates(session, series.id or 0, offset=0, limit=2)
    assert total == 5 and len(rows) == 2 and rows[0].starts_at < rows[1].starts_at
    assert (rows[0].capacity, rows[0].sold, rows[0].sold_out) == (6, 0, False)
    listed, count = series_service.list_series(session)
    assert count == 1 and listed[0].dates == 5 and listed[0].first_starts_at == events[0].starts_at


def test_a_sold_out_date_is_marked_and_other_dates_keep_their_seats(session: Session) -> None:
    admin = make_user(session, "admin@example.com", role=Role.ADMIN)
    venue = make_venue(session)
    first = _next(TUE)
    series = series_service.create_series(
        session, admin.id or 0, _input(venue, first=first, last=first + timedelta(days=9))
    )
    events = session.exec(select(Event).where(Event.series_id == series.id).order_by(col(Event.starts_at))).all()
    for ticket_type in session.exec(select(TicketType).where(TicketType.event_id == events[0].id)).all():
        holds.add_to_cart(session, token(), ticket_type.id or 0, ticket_type.capacity)
    cancel_event(session, admin.id or 0, events[2].id or 0, refund_orders=False)

    picker = series_service.public_dates(session, series.id or 0)
    assert [(d.slug, d.sold_out, d.cancelled) for d in picker] == [
        (events[0].slug, True, False),
        (events[1].slug, False, False),
        (events[2].slug, False, True),
        (events[3].slug, False, False),
    ]


def test_search_shows_a_series_once_with_its_dates_in_range(session: Session) -> None:
    admin = make_user(session, "admin@example.com", role=Role.ADMIN)
    venue = make_venue(session)
    first = _next(TUE)
    series_service.create_series(session, admin.id or 0, _input(venue, first=first, last=first + timedelta(days=27)))

    everything = search_events(session, SearchQuery(text="hamlet"))
    assert everything.total == 1 and everything.events[0].date_count == 8
    third_week = first + timedelta(days=14)
    ranged = search_events(session, SearchQuery(date_from=third_week, date_to=third_week + timedelta(days=2)))
    assert ranged.total == 1
    assert ranged.events[0].date_count == 2
    assert ranged.events[0].starts_at.date() == third_week  # the series' first date in the range


def test_bad_input_is_refused_and_nothing_is_written(session: Session) -> None:
    admin = make_user(session, "admin@example.com", role=Role.ADMIN)
    venue = make_venue(session)
    first = _next(TUE)
    good = _input(venue, first=first, last=first + timedelta(days=6))
    bad_title = SeriesInput(event=EventInput(**{**good.event.__dict__, "title": " "}), pattern=good.pattern)
    no_types = SeriesInput(event=EventInput(**{**good.event.__dict__, "ticket_types": []}), pattern=good.pattern)
    wrong_way = _input(venue, first=first, last=first - timedelta(days=1))
    for data in (bad_title, no_types, wrong_way):
        with pytest.raises(SeriesError if data is not bad_title else Exception):
            series_service.create_series(session, admin.id or 0, data)
        session.rollback()
    assert session.exec(select(func.count()).select_from(EventSeries)).one() == 0
    assert session.exec(select(func.count()).select_from(Event)).one() == 0
    with pytest.raises(SeriesError):
        series_service.series_dates(session, 999)


def test_the_analytics_event_filter_names_each_date_of_a_series(session: Session) -> None:
    from ticketapp.services.analytics.filters import event_choices

    admin = make_user(session, "admin@example.com", role=Role.ADMIN)
    venue = make_venue(session)
    first = _next(TUE)
    series_service.create_series(session, admin.id or 0, _input(venue, first=first, last=first + timedelta(days=2)))
    labels = sorted(label for _, label in event_choices(session, "EUR"))
    assert labels == [
        f"Hamlet — {first.isoformat()} 20:00",
        f"Hamlet — {(first + timedelta(days=2)).isoformat()} 20:00",
    ]
