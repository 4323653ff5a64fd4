"""Public catalogue: the upcoming events list and one event's page."""

from __future__ import annotations

import reflex as rx

from ticketapp.db import session_scope
from ticketapp.i18n import gettext
from ticketapp.services.catalog import (
    CATEGORIES,
    EventDetail,
    EventSummary,
    get_public_event,
    list_upcoming_events,
)
from ticketapp.services.dates import format_event_date_long, format_event_datetime
from ticketapp.state.locale import current_lang


def _category_label(category: str, lang: str) -> str:
    return gettext(lang, CATEGORIES.get(category, category))


def event_card_view(event: EventSummary, lang: str) -> dict[str, str]:
    price = event.lowest_price
    return {
        "slug": event.slug,
        "href": f"/events/{event.slug}",
        "title": event.title,
        "city": event.city,
        "venue": event.venue_name,
        "category": _category_label(event.category, lang),
        "date": format_event_datetime(event.starts_at, event.timezone, lang),
        "price_from": gettext(lang, "From {price}").format(price=price.format(lang)) if price else "",
    }


def ticket_type_view(detail: EventDetail, index: int, lang: str) -> dict[str, str]:
    ticket_type = detail.ticket_types[index]
    return {
        "id": str(ticket_type.id),
        "name": ticket_type.name,
        "description": ticket_type.description,
        "price": ticket_type.price.format(lang),
    }


class CatalogState(rx.State):
    events: list[dict[str, str]] = []
    loaded: bool = False

    @rx.event
    async def load(self) -> None:
        lang = await current_lang(self)
        with session_scope() as session:
            summaries = list_upcoming_events(session, limit=60)
        self.events = [event_card_view(event, lang) for event in summaries]
        self.loaded = True


class EventPageState(rx.State):
    found: bool = True
    loaded: bool = False
    title: str = ""
    description: str = ""
    category: str = ""
    date: str = ""
    venue_name: str = ""
    venue_address: str = ""
    timezone: str = ""
    is_past: bool = False
    is_cancelled: bool = False
    ticket_types: list[dict[str, str]] = []

    def _slug(self) -> str:
        path = self.router.url.path.rstrip("/")
        return path.rsplit("/", 1)[-1]

    @rx.event
    async def load(self) -> None:
        lang = await current_lang(self)
        with session_scope() as session:
            detail = get_public_event(session, self._slug())
        self.loaded = True
        self.found = detail is not None
        if detail is None:
            self.ticket_types = []
            return
        venue = detail.venue
        self.title = detail.title
        self.description = detail.description
        self.category = _category_label(detail.category, lang)
        self.date = format_event_date_long(detail.starts_at, venue.timezone, lang)
        self.venue_name = venue.name
        self.venue_address = f"{venue.address}, {venue.city}"
        self.timezone = venue.timezone
        self.is_past = detail.is_past
        self.is_cancelled = detail.status == "cancelled"
        self.ticket_types = [ticket_type_view(detail, i, lang) for i in range(len(detail.ticket_types))]
