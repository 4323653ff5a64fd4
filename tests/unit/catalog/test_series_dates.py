"""Bulk date generation for event series: weekdays, skipped days, venue time and daylight-saving changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from ticketapp.services.catalog.series import MAX_DATES, DatePattern, SeriesError, generate_dates

TUE, THU = 1, 3


def pattern(**changes: object) -> DatePattern:
    values: dict[str, object] = {
        "first_day": date(2027, 3, 1),
        "last_day": date(2027, 3, 31),
        "weekdays": frozenset({TUE, THU}),
        "start_time": time(20, 0),
        "duration_minutes": 120,
        "timezone": "Europe/Paris",
    }
    values.update(changes)
    return DatePattern(**values)  # type: ignore[arg-type]


def test_every_tuesday_and_thursday_in_the_period() -> None:
    slots = generate_dates(pattern())
    assert [s.local_day.day for s in slots] == [2, 4, 9, 11, 16, 18, 23, 25, 30]
    assert all(s.local_day.weekday() in {TUE, THU} for s in slots)
    assert slots[0].starts_at == datetime(2027, 3, 2, 19, 0, tzinfo=UTC)  # 20:00 in Paris, winter time
    assert slots[0].ends_at == datetime(2027, 3, 2, 21, 0, tzinfo=UTC)


def test_skipped_days_are_left_out() -> None:
    slots = generate_dates(pattern(skip=frozenset({date(2027, 3, 9), date(2027, 3, 18), date(2027, 4, 1)})))
    assert [s.local_day.day for s in slots] == [2, 4, 11, 16, 23, 25, 30]


def test_local_time_is_kept_across_the_spring_dst_change() -> None:
    """Europe/Paris moves to summer time on 28 March 2027: 20:00 local is 19:00 UTC before, 18:00 after."""
    slots = generate_dates(pattern(first_day=date(2027, 3, 23), last_day=date(2027, 4, 1)))
    assert [s.starts_at.hour for s in slots] == [19, 19, 18, 18]
    assert {s.starts_at.astimezone(__import__("zoneinfo").ZoneInfo("Europe/Paris")).hour for s in slots} == {20}


def test_local_time_is_kept_across_the_autumn_dst_change() -> None:
    slots = generate_dates(pattern(first_day=date(2027, 10, 26), last_day=date(2027, 11, 4), weekdays=frozenset({TUE})))
    assert [s.starts_at for s in slots] == [
        datetime(2027, 10, 26, 18, 0, tzinfo=UTC),  # summer time: UTC+2
        datetime(2027, 11, 2, 19, 0, tzinfo=UTC),  # winter time: UTC+1
    ]


def test_a_wall_time_skipped_by_dst_moves_forward_by_the_gap() -> None:
    """02:30 does not exist in Paris on Sunday 28 March 2027 (02:00 → 03:00): the date starts at 03:30."""
    slots = generate_dates(
        pattern(
            first_day=date(2027, 3, 28), last_day=date(2027, 3, 28), weekdays=frozenset({6}), start_time=time(2, 30)
        )
    )
    assert slots[0].starts_at == datetime(2027, 3, 28, 1, 30, tzinfo=UTC)  # 03:30 CEST


def test_an_ambiguous_autumn_time_is_the_first_one() -> None:
    slots = generate_dates(
        pattern(
            first_day=date(2027, 10, 31), last_day=date(2027, 10, 31), weekdays=frozenset({6}), start_time=time(2, 30)
        )
    )
    assert slots[0].starts_at == datetime(2027, 10, 31, 0, 30, tzinfo=UTC)  # 02:30 CEST, before the clocks go back


def test_other_time_zones() -> None:
    slots = generate_dates(pattern(timezone="America/New_York", first_day=date(2027, 3, 9), last_day=date(2027, 3, 16)))
    # New York's DST starts on 14 March 2027: 20:00 EST = 01:00 UTC next day, 20:00 EDT = 00:00 UTC.
    assert [s.starts_at for s in slots] == [
        datetime(2027, 3, 10, 1, 0, tzinfo=UTC),
        datetime(2027, 3, 12, 1, 0, tzinfo=UTC),
        datetime(2027, 3, 17, 0, 0, tzinfo=UTC),
    ]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"last_day": date(2027, 2, 1)}, "The last day must not be before the first day."),
        ({"weekdays": frozenset()}, "Please choose at least one day of the week."),
        ({"weekdays": frozenset({7})}, "Please choose at least one day of the week."),
        ({"duration_minutes": 0}, "Please enter a duration between 1 minute and 14 days."),
        ({"timezone": "Mars/Olympus"}, "Unknown time zone {zone}."),
        ({"last_day": date(2030, 1, 1)}, "A series can span at most two years."),
        (
            {"weekdays": frozenset({0}), "last_day": date(2027, 3, 1), "skip": frozenset({date(2027, 3, 1)})},
            "These choices give no date: check the days of the week and the period.",
        ),
        (
            {"weekdays": frozenset(range(7)), "last_day": date(2028, 3, 1)},
            "At most {count} dates can be created at once.",
        ),
    ],
)
def test_bad_patterns_are_refused_with_a_clear_message(changes: dict[str, object], message: str) -> None:
    with pytest.raises(SeriesError) as refused:
        generate_dates(pattern(**changes))
    assert refused.value.message == message


def test_the_cap_is_inclusive() -> None:
    slots = generate_dates(
        pattern(
            weekdays=frozenset(range(7)),
            last_day=date(2027, 3, 1) + __import__("datetime").timedelta(days=MAX_DATES - 1),
        )
    )
    assert len(slots) == MAX_DATES
