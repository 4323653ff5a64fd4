"""The security view's read side: filters, pages, counts over time, and bad filters refused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session

from tests.factories import make_user
from ticketapp.models import SecurityEvent, SecurityEventKind
from ticketapp.services.risk import events

E = SecurityEventKind
T0 = datetime(2026, 11, 30, 10, 15, tzinfo=UTC)


def _add(
    session: Session, kind: str, at: datetime, *, email: str = "", ip: str = "", user_id: int | None = None
) -> None:
    session.add(SecurityEvent(kind=kind, occurred_at=at, email=email, ip=ip, user_id=user_id))
    session.commit()


@pytest.fixture
def log(session: Session) -> Session:
    ada = make_user(session, "ada@example.com")
    for n in range(30):
        _add(session, E.SIGN_IN_FAILED, T0 + timedelta(minutes=n), email="ada@example.com", ip="203.0.113.9")
    _add(session, E.SIGN_IN_OK, T0 + timedelta(hours=2), user_id=ada.id, ip="198.51.100.1")
    _add(session, E.ORDER_REFUSED, T0 + timedelta(days=3), email="mallory@evil.test", ip="203.0.113.77")
    return session


def test_every_event_newest_first_a_page_at_a_time(log: Session) -> None:
    rows, total = events.search_events(log, events.EventFilter(), offset=0, limit=10)
    assert total == 32 and len(rows) == 10
    assert rows[0].kind == E.ORDER_REFUSED
    rest, _ = events.search_events(log, events.EventFilter(), offset=30, limit=10)
    assert len(rest) == 2


def test_filters_by_kind_account_ip_and_dates(log: Session) -> None:
    def count(**values: str) -> int:
        wanted = events.parse_filter(
            values.get("kind", ""), values.get("account", ""), values.get("ip", ""),
            values.get("start", ""), values.get("end", ""),
        )  # fmt: skip
        return events.search_events(log, wanted)[1]

    assert count(kind=E.SIGN_IN_FAILED) == 30
    assert count(account="ada@") == 31  # by the e-mail on the row, or the account's
    assert count(ip="203.0.113.") == 31
    assert count(start="2026-12-03") == 1
    assert count(start="2026-11-30", end="2026-11-30") == 31


@pytest.mark.parametrize(
    ("kind", "start", "end", "message"),
    [
        ("rm -rf", "", "", "Unknown kind"),
        ("", "yesterday", "", "Dates look like"),
        ("", "2026-12-02", "2026-12-01", "end date is before"),
    ],
)
def test_bad_filters_get_a_clear_message(kind: str, start: str, end: str, message: str) -> None:
    with pytest.raises(events.FilterError, match=message):
        events.parse_filter(kind, "", "", start, end)


def test_counts_over_time_per_ten_minutes_for_a_few_hours(log: Session) -> None:
    wanted = events.parse_filter("", "", "", "2026-11-30", "2026-11-30")
    series = events.over_time(log, wanted)  # 10:15 … 12:15
    assert series.bucket == "10min"
    assert series.buckets[0] == T0.replace(minute=10) and len(series.buckets) == 13
    assert series.counts[E.SIGN_IN_FAILED][:4] == [5, 10, 10, 5] and series.counts[E.SIGN_IN_OK][-1] == 1


def test_counts_over_time_per_hour_for_a_day(log: Session) -> None:
    _add(log, E.LOCKOUT, T0 + timedelta(hours=20))
    series = events.over_time(log, events.parse_filter("", "", "", "2026-11-30", "2026-12-01"))
    assert series.bucket == "hour" and series.buckets[0] == T0.replace(minute=0) and len(series.buckets) == 21
    assert series.counts[E.SIGN_IN_FAILED][0] == 30 and series.counts[E.LOCKOUT][-1] == 1


def test_counts_over_time_per_day_for_a_long_span(log: Session) -> None:
    series = events.over_time(log, events.EventFilter())
    assert series.bucket == "day" and len(series.buckets) == 4
    assert sum(series.counts[E.SIGN_IN_FAILED]) == 30 and series.counts[E.ORDER_REFUSED][-1] == 1
