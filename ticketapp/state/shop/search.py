"""The /events search page: filters mirrored in the URL query, results, "load more"."""

from __future__ import annotations

import json
from datetime import date
from urllib.parse import urlencode

import reflex as rx
from reflex.event import EventSpec

from ticketapp.db import run_db
from ticketapp.i18n import gettext, translate
from ticketapp.services.catalog.public import CATEGORIES
from ticketapp.services.catalog.search import (
    DatePreset,
    SearchQuery,
    SortOrder,
    list_cities,
    search_events,
)
from ticketapp.state.bounded import SEARCH_MAX, SHORT_MAX, clip
from ticketapp.state.locale import current_lang, display_currency
from ticketapp.state.shop.catalog import event_card_view, remember_list
from ticketapp.state.snapshot import SentWhenUsed

PAGE_SIZE = 12
MAX_PRICE = 10_000_000


class SearchState(SentWhenUsed, rx.State):
    text: str = ""
    category: str = ""
    city: str = ""
    when: str = ""
    date_from: str = ""
    date_to: str = ""
    price_min: str = ""
    price_max: str = ""
    only_available: bool = False
    sort: str = SortOrder.DATE.value
    results: list[dict[str, str]] = []
    total: int = 0
    count_label: str = ""
    error: str = ""
    loaded: bool = False
    categories: list[dict[str, str]] = []
    cities: list[str] = []

    @rx.var
    def has_more(self) -> bool:
        return len(self.results) < self.total

    @rx.event
    def set_text(self, value: str) -> EventSpec:
        self.text = clip(value, SEARCH_MAX)
        return _apply_now()

    @rx.event
    def set_category(self, value: str) -> EventSpec:
        self.category = clip(value, SHORT_MAX)
        return _apply_now()

    @rx.event
    def set_city(self, value: str) -> EventSpec:
        self.city = clip(value, SHORT_MAX)
        return _apply_now()

    @rx.event
    def set_when(self, value: str) -> EventSpec:
        self.when = clip(value, SHORT_MAX)
        return _apply_now()

    @rx.event
    def set_date_from(self, value: str) -> EventSpec:
        self.date_from = clip(value, SHORT_MAX)
        return _apply_now()

    @rx.event
    def set_date_to(self, value: str) -> EventSpec:
        self.date_to = clip(value, SHORT_MAX)
        return _apply_now()

    @rx.event
    def set_price_min(self, value: str) -> EventSpec:
        self.price_min = clip(value, SHORT_MAX)
        return _apply_now()

    @rx.event
    def set_price_max(self, value: str) -> EventSpec:
        self.price_max = clip(value, SHORT_MAX)
        return _apply_now()

    @rx.event
    def set_only_available(self, value: bool) -> EventSpec:
        self.only_available = bool(value)
        return _apply_now()

    @rx.event
    def set_sort(self, value: str) -> EventSpec:
        self.sort = clip(value, SHORT_MAX)
        return _apply_now()

    @rx.event
    async def load(self) -> None:
        """On page load: take the filters from the URL (bookmarks, reload, back)."""
        params = self.router.url.query_parameters
        self.text = params.get("q", "")[:200]
        self.category = params.get("category", "")
        self.city = params.get("city", "")
        self.when = params.get("when", "")
        self.date_from = params.get("from", "")
        self.date_to = params.get("to", "")
        self.price_min = params.get("min", "")
        self.price_max = params.get("max", "")
        self.only_available = params.get("available", "") == "1"
        self.sort = params.get("sort", SortOrder.DATE.value)
        lang = await current_lang(self)
        self.categories = [{"value": key, "label": gettext(lang, label)} for key, label in CATEGORIES.items()]
        self.cities = await run_db(list_cities)
        await self._run(lang, offset=0)

    @rx.event
    async def apply(self, _form: dict[str, str] | None = None) -> EventSpec | None:
        return await self._apply()

    async def _apply(self) -> EventSpec | None:
        """Search with the filters as they are now (each change applies at once, text once typing pauses)
        and keep the URL in step, so reload, back and bookmarks give the same search."""
        lang = await current_lang(self)
        if not await self._run(lang, offset=0):
            return None
        return rx.call_script(f"window.history.replaceState(null, '', {json.dumps(self._url())})")

    @rx.event
    async def load_more(self) -> None:
        await self._run(await current_lang(self), offset=len(self.results))

    @rx.event
    async def clear(self) -> EventSpec | None:
        self.text = self.category = self.city = self.when = ""
        self.date_from = self.date_to = self.price_min = self.price_max = ""
        self.only_available = False
        self.sort = SortOrder.DATE.value
        return await self._apply()

    def _url(self) -> str:
        params = {
            "q": self.text.strip(),
            "category": self.category,
            "city": self.city,
            "when": self.when,
            "from": self.date_from,
            "to": self.date_to,
            "min": self.price_min.strip(),
            "max": self.price_max.strip(),
            "available": "1" if self.only_available else "",
            "sort": "" if self.sort == SortOrder.DATE.value else self.sort,
        }
        query = urlencode({k: v for k, v in params.items() if v})
        return f"/events?{query}" if query else "/events"

    def _query(self, lang: str, offset: int) -> SearchQuery | str:
        """The validated query, or a translated error message."""
        try:
            price_min = _price(self.price_min)
            price_max = _price(self.price_max)
        except ValueError:
            return gettext(lang, "Prices must be whole numbers between 0 and 10,000,000.")
        try:
            date_from = date.fromisoformat(self.date_from) if self.date_from else None
            date_to = date.fromisoformat(self.date_to) if self.date_to else None
        except ValueError:
            return gettext(lang, "Please enter dates as YYYY-MM-DD.")
        if date_from and date_to and date_to < date_from:
            return gettext(lang, "The end date is before the start date.")
        if price_min is not None and price_max is not None and price_max < price_min:
            return gettext(lang, "The highest price is below the lowest price.")
        return SearchQuery(
            text=self.text,
            category=self.category if self.category in CATEGORIES else "",
            city=self.city,
            date_from=date_from,
            date_to=date_to,
            preset=DatePreset(self.when) if self.when in DatePreset._value2member_map_ else DatePreset.NONE,
            price_min=price_min,
            price_max=price_max,
            only_available=self.only_available,
            sort=SortOrder(self.sort) if self.sort in SortOrder._value2member_map_ else SortOrder.DATE,
            limit=PAGE_SIZE,
            offset=offset,
            lang=lang,
        )

    async def _run(self, lang: str, *, offset: int) -> bool:
        query = self._query(lang, offset)
        if isinstance(query, str):
            self.error = query
            return False
        self.error = ""
        result = await run_db(search_events, query)
        display = await display_currency(self)
        views = [event_card_view(event, display) for event in result.events]
        self.results = views if offset == 0 else self.results + views
        self.total = result.total
        self.count_label = (
            gettext(lang, "1 event found")
            if result.total == 1
            else translate(lang, "{count} events found", count=result.total)
        )
        self.loaded = True
        await remember_list(self, self._url())
        return True


def _apply_now() -> EventSpec:
    """A filter changed: search again at once (its own event, so the change itself stays a cheap setter)."""
    return SearchState.apply()  # type: ignore[operator]  # mypy reads a bare @rx.event as EventNamespace


def _price(raw: str) -> int | None:
    raw = raw.strip()
    if not raw:
        return None
    value = int(raw)
    if not 0 <= value <= MAX_PRICE:
        raise ValueError(raw)
    return value
