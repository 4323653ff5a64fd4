"""Dates and times shown in the viewer's language and the venue's time zone."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_datetime, format_time, get_timezone_name

from ticketapp.services.shared.money import BABEL_LOCALES

# English and French say "at"/"à" before the time, which CLDR's own join ("{1}, {0}") leaves out.
LONG_PATTERNS = {"en": "EEEE, MMMM d, y 'at' h:mm a", "fr": "EEEE d MMMM y 'à' HH:mm"}


def format_event_datetime(moment: datetime, timezone: str, locale: str) -> str:
    """An aware UTC datetime in the venue's zone: 'Mar 5, 2027 · 8:00 PM' / '5 mars 2027 · 20:00'."""
    local = moment.astimezone(ZoneInfo(timezone))
    babel_locale = BABEL_LOCALES.get(locale, locale)
    day = format_date(local, format="medium", locale=babel_locale)
    return f"{day} · {format_time(local, format='short', locale=babel_locale)}"


def format_event_date_long(moment: datetime, timezone: str, locale: str) -> str:
    """A full date with weekday and time, e.g. 'vendredi 5 mars 2027 à 20:00'."""
    local = moment.astimezone(ZoneInfo(timezone))
    babel_locale = BABEL_LOCALES.get(locale, locale)
    pattern = LONG_PATTERNS.get(locale)
    if pattern:
        return format_datetime(local, format=pattern, locale=babel_locale)
    # Other languages: their own full date and short time, joined as CLDR joins them ('{1}, {0}', '{1}، {0}').
    day = format_date(local, format="full", locale=babel_locale)
    time = format_time(local, format="short", locale=babel_locale)
    return str(Locale.parse(babel_locale).datetime_formats["full"]).format(time, day)


def format_deadline(moment: datetime, timezone: str, locale: str) -> str:
    """A long date and time that names its zone, for a deadline read far from the venue:
    'Friday, March 5, 2027 at 8:00 PM (Central European Standard Time)'."""
    local = moment.astimezone(ZoneInfo(timezone))
    zone = get_timezone_name(local, width="long", locale=BABEL_LOCALES.get(locale, locale))
    return f"{format_event_date_long(moment, timezone, locale)} ({zone})"


def format_day(day: date, locale: str) -> str:
    """A calendar day: 'Dec 1, 2026' / '1 déc. 2026'."""
    return format_date(day, format="medium", locale=BABEL_LOCALES.get(locale, locale))


def format_month(moment: datetime, timezone: str, locale: str) -> str:
    """The month of a moment in the venue's zone, for grouping dates: 'March 2027' / 'mars 2027'."""
    local = moment.astimezone(ZoneInfo(timezone))
    return format_date(local, format="LLLL y", locale=BABEL_LOCALES.get(locale, locale))
