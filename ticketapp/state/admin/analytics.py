"""/admin/analytics: filters kept in the URL, KPI cards, Plotly charts with drill-down."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlencode

import plotly.graph_objects as go
import reflex as rx
from reflex.event import EventSpec
from sqlmodel import Session

from ticketapp.db import get_engine, run_db
from ticketapp.i18n import gettext
from ticketapp.services.analytics import dashboard as analytics
from ticketapp.services.analytics import filters as analytics_filters
from ticketapp.services.analytics.dashboard import Dashboard
from ticketapp.services.analytics.figures import figures, kpi_card, tables
from ticketapp.services.analytics.filters import Filters, Granularity
from ticketapp.services.catalog.public import category_msgid
from ticketapp.services.promotions import codes as promo_codes
from ticketapp.state.base import StaffPageState
from ticketapp.state.bounded import form_values
from ticketapp.state.locale import current_lang
from ticketapp.state.snapshot import SentWhenUsed

CHART_KEYS = ("sales", "refunds", "by_event", "by_category", "mix", "methods", "sell_through", "funnel", "heatmap")
TABLE_KEYS = (*CHART_KEYS, "customers")
MAX_RANGE_DAYS = 3 * 366
PATH = "/admin/analytics"


def parse_filters(params: dict[str, str], default_currency: str) -> tuple[Filters, Granularity, str]:
    """Filters from the URL query; anything malformed falls back to the last 30 days."""
    preset = params.get("preset", "30d")
    start = end = None
    try:
        if params.get("from") and params.get("to"):
            start = datetime.combine(date.fromisoformat(params["from"]), time(0), tzinfo=UTC)
            end = datetime.combine(date.fromisoformat(params["to"]), time(0), tzinfo=UTC) + timedelta(days=1)
            preset = "custom"
    except ValueError:
        start = end = None
    if start is None or end is None or not (timedelta(0) < end - start <= timedelta(days=MAX_RANGE_DAYS)):
        preset = preset if preset in analytics_filters.PRESETS else "30d"
        start, end = analytics_filters.preset_range(preset)
    event_id = params.get("event", "")
    currency = params.get("currency", "").upper()[:3] or default_currency
    try:
        granularity = Granularity(params.get("by", "day"))
    except ValueError:
        granularity = Granularity.DAY
    filters = Filters(
        start=start,
        end=end,
        currency=currency if currency.isalpha() and len(currency) == 3 else default_currency,
        event_ids=(int(event_id),) if event_id.isdigit() else (),
        category=params.get("category") or None,
        promo_code=promo_codes.normalize(params.get("code", "")) or None,
    )
    return filters, granularity, preset


def _compute(
    session: Session, params: dict[str, str]
) -> tuple[Filters, Granularity, str, Dashboard, list[str], list[str], list[tuple[int, str]]]:
    currencies = analytics_filters.currencies(session) or ["EUR"]
    filters, granularity, preset = parse_filters(params, currencies[0])
    board = analytics.dashboard_concurrently(get_engine(), filters, granularity)
    return (
        filters,
        granularity,
        preset,
        board,
        currencies,
        analytics_filters.categories(session),
        analytics_filters.event_choices(session, filters.currency),
    )


class AnalyticsState(SentWhenUsed, StaffPageState, rx.State):
    preset: str = "30d"
    date_from: str = ""
    date_to: str = ""
    granularity: str = "day"
    currency: str = ""
    category: str = ""
    event_id: str = ""
    promo_code: str = ""  # only orders placed with this code
    currencies: list[str] = []
    categories: list[dict[str, str]] = []  # {value: code, label: its name in the visitor's language}
    events: list[dict[str, str]] = []
    kpis: list[dict[str, str]] = []
    # Every key present from the start: the page reads them before the first load.
    table_headers: dict[str, list[str]] = {key: [] for key in TABLE_KEYS}
    table_rows: dict[str, list[list[str]]] = {key: [] for key in TABLE_KEYS}
    shown_as_table: list[str] = []
    sales_fig: go.Figure | None = None
    refunds_fig: go.Figure | None = None
    by_event_fig: go.Figure | None = None
    by_category_fig: go.Figure | None = None
    mix_fig: go.Figure | None = None
    methods_fig: go.Figure | None = None
    sell_through_fig: go.Figure | None = None
    funnel_fig: go.Figure | None = None
    heatmap_fig: go.Figure | None = None
    # Drill-down: which event id / category each bar or slice stands for.
    _event_bar_ids: list[int] = []
    _category_slices: list[str] = []

    @rx.event
    async def load(self) -> None:
        if not await self._allowed():
            return
        lang = await current_lang(self)
        params = dict(self.router.url.query_parameters)
        filters, granularity, preset, board, currencies, categories, events = await run_db(_compute, params)
        self.preset = preset
        self.date_from = filters.start.date().isoformat()
        self.date_to = (filters.end - timedelta(days=1)).date().isoformat()
        self.granularity = granularity.value
        self.currency = filters.currency
        self.category = filters.category or ""
        self.event_id = str(filters.event_ids[0]) if filters.event_ids else ""
        self.promo_code = filters.promo_code or ""
        self.currencies = currencies
        self.categories = [{"value": code, "label": gettext(lang, category_msgid(code))} for code in categories]
        self.events = [{"id": str(i), "title": t} for i, t in events]
        self.kpis = [kpi_card(k, filters.currency, lang) for k in board.kpis]
        charts = figures(board, filters.currency, lang, granularity=granularity, period=(filters.start, filters.end))
        for key, figure in charts.items():
            setattr(self, f"{key}_fig", figure)
        data = tables(board, filters.currency, lang)
        self.table_headers = {k: v["header"] for k, v in data.items()}
        self.table_rows = {k: v["rows"] for k, v in data.items()}
        self._event_bar_ids = [i for i, _, _, _ in board.by_event]
        self._category_slices = [c for c, _, _ in board.by_category]
        self.loaded = True

    def _url(self, **changes: str) -> str:
        params = {
            "preset": self.preset,
            "from": self.date_from,
            "to": self.date_to,
            "by": self.granularity,
            "currency": self.currency,
            "category": self.category,
            "event": self.event_id,
            "code": self.promo_code,
        }
        params.update(changes)
        if params["preset"] != "custom":
            params.pop("from")
            params.pop("to")
        return f"{PATH}?{urlencode({k: v for k, v in params.items() if v})}"

    async def _go(self, **changes: str) -> EventSpec | None:
        """Filters live in the URL: navigate, and on_load recomputes for everyone sharing the link."""
        if not await self._allowed():
            return None
        return rx.redirect(self._url(**changes))

    @rx.event
    async def set_preset(self, value: str) -> EventSpec | None:
        return await self._go(preset=value if value in analytics_filters.PRESETS else "custom")

    @rx.event
    async def set_date_from(self, value: str) -> EventSpec | None:
        return await self._go(preset="custom", **{"from": value})

    @rx.event
    async def set_date_to(self, value: str) -> EventSpec | None:
        return await self._go(preset="custom", to=value)

    @rx.event
    async def set_granularity(self, value: str) -> EventSpec | None:
        return await self._go(by=value)

    @rx.event
    async def set_currency(self, value: str) -> EventSpec | None:
        return await self._go(currency=value, event="")

    @rx.event
    async def set_category(self, value: str) -> EventSpec | None:
        return await self._go(category=value)

    @rx.event
    async def set_event(self, value: str) -> EventSpec | None:
        return await self._go(event=value)

    @rx.event
    async def clear_filters(self) -> EventSpec | None:
        return await self._go(category="", event="", code="")

    @rx.event
    async def set_code(self, form: dict[str, str] | None = None) -> EventSpec | None:
        """The filter bar's promo code field (submitted with Enter or its button); empty shows every order."""
        code = form_values(form, {"code": promo_codes.CODE_MAX})["code"]
        return await self._go(code=promo_codes.normalize(code))

    @rx.event
    async def drill_event(self, points: list[dict[str, Any]]) -> EventSpec | None:
        """Click on an event's bar: filter every chart to that event."""
        if not await self._allowed():
            return None
        index = _point_index(points)
        if index is None or index >= len(self._event_bar_ids):
            return None
        return await self._go(event=str(self._event_bar_ids[index]))

    @rx.event
    async def drill_category(self, points: list[dict[str, Any]]) -> EventSpec | None:
        if not await self._allowed():
            return None
        index = _point_index(points)
        if index is None or index >= len(self._category_slices):
            return None
        return await self._go(category=self._category_slices[index])

    @rx.event
    async def toggle_table(self, key: str) -> None:
        if not await self._allowed() or key not in TABLE_KEYS:
            return
        if key in self.shown_as_table:
            self.shown_as_table = [k for k in self.shown_as_table if k != key]
        else:
            self.shown_as_table = [*self.shown_as_table, key]


def _point_index(points: list[dict[str, Any]]) -> int | None:
    if not points:
        return None
    point = points[0]
    index = point.get("pointIndex", point.get("pointNumber"))
    return index if isinstance(index, int) and index >= 0 else None
