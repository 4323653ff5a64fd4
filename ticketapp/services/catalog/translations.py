"""Event content in several languages: title, description and ticket type names per language.

An event's own `title`, `description` and its types' `name` are written in the event's `main_language`;
the other languages live in a JSON column on the same rows (`Event.translations`,
`TicketType.translations`), so the event page and search read them with the rows they already load — no
join, no query per event. A buyer sees their language field by field, falling back to the main text
where a field is not translated.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ticketapp.i18n.languages import SUPPORTED_LOCALES, supported
from ticketapp.models import Event, TicketType

EVENT_FIELDS: dict[str, int] = {"title": 200, "description": 20_000}  # field → longest kept (the columns' caps)
TYPE_FIELDS: dict[str, int] = {"name": 120}
CONTENT_LANGUAGES: tuple[str, ...] = SUPPORTED_LOCALES


def _pick(translations: Mapping[str, Mapping[str, str]] | None, lang: str, field: str, main: str) -> str:
    value = ((translations or {}).get(lang) or {}).get(field, "")
    return value if isinstance(value, str) and value.strip() else main


def event_title(event: Event, lang: str) -> str:
    """The event's title in `lang`, else in its main language."""
    return event.title if lang == event.main_language else _pick(event.translations, lang, "title", event.title)


def event_description(event: Event, lang: str) -> str:
    if lang == event.main_language:
        return event.description
    return _pick(event.translations, lang, "description", event.description)


def type_name(ticket_type: TicketType, lang: str) -> str:
    """A ticket type's name in `lang`, else its main name (the event's main language)."""
    return _pick(ticket_type.translations, lang, "name", ticket_type.name)


def pick_title(title: str, translations: Mapping[str, Mapping[str, str]] | None, main_language: str, lang: str) -> str:
    """As `event_title`, for queries that select the columns rather than the row."""
    return title if lang == main_language else _pick(translations, lang, "title", title)


def pick_name(name: str, translations: Mapping[str, Mapping[str, str]] | None, lang: str) -> str:
    return _pick(translations, lang, "name", name)


def clean(raw: Any, fields: Mapping[str, int], main_language: str) -> dict[str, dict[str, str]] | None:
    """What may be stored from a form (or a crafted payload): known languages other than the main one,
    known fields, strings trimmed and capped, empty ones dropped; None when nothing is left."""
    if not isinstance(raw, Mapping):
        return None
    kept: dict[str, dict[str, str]] = {}
    for lang, values in raw.items():
        code = supported(str(lang))
        if code is None or code == main_language or code != str(lang) or not isinstance(values, Mapping):
            continue
        entry = {
            field: value.strip()[:limit]
            for field, limit in fields.items()
            if isinstance(value := values.get(field), str) and value.strip()
        }
        if entry:
            kept[code] = entry
    return kept or None


def all_texts(event: Event) -> list[str]:
    """Every title of the event (main and translated), for the search index: a French title finds it too."""
    titles = [event.title]
    for values in (event.translations or {}).values():
        if isinstance(values, Mapping) and isinstance(title := values.get("title"), str) and title.strip():
            titles.append(title)
    return titles
