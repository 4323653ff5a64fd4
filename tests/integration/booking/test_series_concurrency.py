"""Series dates never oversell: buyers racing for two dates of one series, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, time, timedelta

from sqlmodel import Session, col, select

from tests.factories import make_user, make_venue, token
from tests.integration.booking.test_inventory_concurrency import _engine_factory, _run_all
from ticketapp.models import Event, Role, TicketType, utcnow
from ticketapp.services.booking import holds as hold_service
from ticketapp.services.booking import inventory as inv
from ticketapp.services.catalog import series as series_service
from ticketapp.services.catalog.events import EventInput, TicketTypeInput
from ticketapp.services.catalog.series import DatePattern, SeriesInput

CAPACITY = 10
BUYERS_PER_DATE = 40


def test_buyers_racing_for_two_dates_get_exactly_each_dates_capacity(session: Session, db_url: str) -> None:
    admin = make_user(session, "admin@example.com", role=Role.ADMIN)
    venue = make_venue(session)
    first = datetime.now(UTC).date() + timedelta(days=10)
    template = EventInput(
        title="Weekly class",
        category="other",
        venue_id=venue.id or 0,
        starts_at=utcnow(),
        ends_at=utcnow(),
        currency="EUR",
        ticket_types=[TicketTypeInput(name="Place", price_minor=1500, capacity=CAPACITY)],
    )
    pattern = DatePattern(first, first + timedelta(days=6), frozenset(range(7)), time(19, 0), 60, venue.timezone)
    series = series_service.create_series(session, admin.id or 0, SeriesInput(template, pattern, publish=True))
    events = session.exec(select(Event).where(Event.series_id == series.id).order_by(col(Event.starts_at))).all()
    date_types = [session.exec(select(TicketType.id).where(TicketType.event_id == e.id)).one() or 0 for e in events[:2]]

    with _engine_factory(db_url) as engine_for_thread:

        def attempt(type_id: int) -> str:
            with Session(engine_for_thread(), expire_on_commit=False) as own:
                try:
                    hold_service.add_to_cart(own, token(), type_id, 1)
                except inv.NotEnoughAvailableError:
                    return f"refused-{type_id}"
            return f"held-{type_id}"

        jobs = [lambda t=t: attempt(t) for t in date_types for _ in range(BUYERS_PER_DATE)]
        outcomes = _run_all(jobs)

    a, b = date_types
    assert outcomes == Counter(
        {
            f"held-{a}": CAPACITY,
            f"refused-{a}": BUYERS_PER_DATE - CAPACITY,
            f"held-{b}": CAPACITY,
            f"refused-{b}": BUYERS_PER_DATE - CAPACITY,
        }
    )
    session.expire_all()
    free = inv.availability(session, date_types)
    assert [free[t].held for t in date_types] == [CAPACITY, CAPACITY]
    picker = series_service.public_dates(session, series.id or 0)
    assert [d.sold_out for d in picker[:3]] == [True, True, False]  # the third date kept all its seats
