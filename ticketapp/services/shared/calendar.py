"""An iCalendar (.ics, RFC 5545) file for an event, offered beside the ticket."""

from __future__ import annotations

from datetime import UTC, datetime

from ticketapp.models import Event, Venue

PRODID = "-//Ticketapp//E-tickets//EN"
MAX_LINE_OCTETS = 75


def _escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\r\n", "\\n").replace("\n", "\\n")
    )


def _fold(line: str) -> str:
    """Split lines longer than 75 octets (continuation lines start with a space), never inside a character."""
    parts: list[str] = []
    current = ""
    for char in line:
        limit = MAX_LINE_OCTETS if not parts else MAX_LINE_OCTETS - 1
        if len((current + char).encode()) > limit:
            parts.append(current)
            current = ""
        current += char
    parts.append(current)
    return "\r\n ".join(parts)


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def event_ics(
    event: Event,
    venue: Venue,
    url: str,
    stamp: datetime | None = None,
    *,
    title: str | None = None,
    description: str | None = None,
) -> str:
    """One VEVENT in UTC times (calendar apps show them in the viewer's zone); CRLF line ends.

    `title`/`description`: the event's text in the reader's language (default: its main text)."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:event-{event.id}@ticketapp",
        f"DTSTAMP:{_utc(stamp or event.updated_at)}",
        f"DTSTART:{_utc(event.starts_at)}",
        f"DTEND:{_utc(event.ends_at)}",
        f"SUMMARY:{_escape(event.title if title is None else title)}",
        f"LOCATION:{_escape(f'{venue.name}, {venue.address}, {venue.city}')}",
        f"DESCRIPTION:{_escape(event.description if description is None else description)}",
        f"URL:{url}",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "".join(_fold(line) + "\r\n" for line in lines)
