"""The event .ics file: valid iCalendar lines, UTC times, escaped text."""

from __future__ import annotations

from datetime import UTC, datetime

from ticketapp.models import Event, Venue
from ticketapp.services.shared.calendar import event_ics


def sample() -> tuple[Event, Venue]:
    venue = Venue(
        id=1, name="Le Zénith", address="211 avenue Jean Jaurès", city="Paris", country="FR", timezone="Europe/Paris"
    )
    event = Event(
        id=5,
        title="Nuit Électro; DJ sets, all night",
        slug="nuit",
        description="Line one\nLine two " + "é" * 80,
        category="concert",
        venue_id=1,
        starts_at=datetime(2030, 6, 14, 18, 30, tzinfo=UTC),
        ends_at=datetime(2030, 6, 14, 22, 30, tzinfo=UTC),
        currency="EUR",
        updated_at=datetime(2030, 1, 1, tzinfo=UTC),
    )
    return event, venue


def unfold(ics: str) -> list[str]:
    return ics.replace("\r\n ", "").split("\r\n")


def test_ics_has_utc_times_and_escaped_text() -> None:
    event, venue = sample()
    ics = event_ics(event, venue, "http://localhost:3000/events/nuit")
    lines = unfold(ics)
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-2] == "END:VCALENDAR" and lines[-1] == ""
    assert "DTSTART:20300614T183000Z" in lines and "DTEND:20300614T223000Z" in lines
    assert "SUMMARY:Nuit Électro\\; DJ sets\\, all night" in lines
    assert "LOCATION:Le Zénith\\, 211 avenue Jean Jaurès\\, Paris" in lines
    assert "UID:event-5@ticketapp" in lines
    assert any(line.startswith("DESCRIPTION:Line one\\nLine two éé") for line in lines)


def test_long_lines_are_folded_within_75_octets() -> None:
    event, venue = sample()
    ics = event_ics(event, venue, "http://localhost:3000/events/nuit")
    assert all(len(line.encode()) <= 75 for line in ics.split("\r\n"))
    assert "\n" not in ics.replace("\r\n", "")
