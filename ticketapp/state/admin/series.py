"""/admin/series: event series (many dates of one show) — create dates in bulk after a preview, list them.

The form is read into the service's input (services/catalog/series.parse_form); "Preview dates" shows
what would be created and keeps exactly those values, so "Create" makes what the admin saw.
"""

from __future__ import annotations

from typing import ClassVar

import reflex as rx
from reflex.event import EventSpec
from sqlmodel import Session, select

from ticketapp.db import run_db
from ticketapp.i18n import gettext, msgid, translate
from ticketapp.models import EventStatus, Venue
from ticketapp.services.catalog import series as series_service
from ticketapp.services.catalog.events import CATEGORIES
from ticketapp.services.catalog.public import category_msgid
from ticketapp.services.errors import DomainError
from ticketapp.services.shared.dates import format_event_date_long, format_event_datetime, format_month
from ticketapp.state.base import Paged, StaffPageState
from ticketapp.state.bounded import SHORT_MAX, clip, form_values
from ticketapp.state.locale import current_lang
from ticketapp.state.snapshot import SentWhenUsed

STATUS_LABELS = {
    EventStatus.DRAFT: msgid("Draft"),
    EventStatus.PUBLISHED: msgid("On sale"),
    EventStatus.CANCELLED: msgid("Cancelled"),
}


def _venues(session: Session) -> list[dict[str, str]]:
    venues = session.exec(select(Venue).order_by(Venue.name)).all()
    return [{"id": str(v.id), "name": f"{v.name}, {v.city} ({v.timezone})"} for v in venues]


def _preview(session: Session, form: dict[str, str]) -> tuple[list[series_service.DateSlot], str]:
    data = series_service.parse_form(session, form)
    return series_service.preview(session, data), data.pattern.timezone


def _create(session: Session, actor_id: int, form: dict[str, str]) -> tuple[int, str, int]:
    data = series_service.parse_form(session, form)
    created = series_service.create_series(session, actor_id, data)
    count = len(series_service.generate_dates(data.pattern))
    return created.id or 0, created.title, count


class AdminSeriesState(SentWhenUsed, Paged, StaffPageState, rx.State):
    rows: list[dict[str, str]] = []
    venues: list[dict[str, str]] = []
    categories: list[dict[str, str]] = []
    draft: dict[str, str] = {}  # the form's values as last submitted (kept when refused)
    preview_dates: list[dict[str, str]] = []
    preview_count: str = ""
    _previewed: dict[str, str] = {}
    page_size: ClassVar[int] = 20

    async def _refresh(self) -> None:
        if await self._staff() is None:
            return
        lang = await current_lang(self)
        rows, self.total = await run_db(
            series_service.list_series, offset=self.page * self.page_size, limit=self.page_size
        )
        self.rows = [
            {
                "id": str(r.id),
                "title": r.title,
                "dates": str(r.dates),
                "first": format_event_datetime(r.first_starts_at, r.timezone, lang) if r.first_starts_at else "—",
                "last": format_event_datetime(r.last_starts_at, r.timezone, lang) if r.last_starts_at else "—",
                "href": f"/admin/series/dates?id={r.id}",
            }
            for r in rows
        ]
        self.venues = await run_db(_venues)
        self.categories = [{"value": c, "label": gettext(lang, category_msgid(c))} for c in CATEGORIES]
        self.loaded = True

    @rx.event
    async def preview(self, form: dict[str, str] | None = None) -> None:
        """Show the dates the form gives (how many, which), writing nothing."""
        if await self._staff() is None:
            return
        lang = await current_lang(self)
        values = form_values(form, series_service.FORM_FIELDS)
        self.draft = values
        try:
            slots, zone = await run_db(_preview, values)
        except DomainError as refused:
            self.preview_dates, self.preview_count, self._previewed = [], "", {}
            await self._say_refused(refused)
            return
        self.message = ""
        self._previewed = values
        self.preview_count = translate(lang, "{count} dates will be created.", count=len(slots))
        views: list[dict[str, str]] = []
        last_month = ""
        for slot in slots:
            month = format_month(slot.starts_at, zone, lang)
            views.append(
                {
                    "month": month if month != last_month else "",
                    "label": format_event_date_long(slot.starts_at, zone, lang),
                }
            )
            last_month = month
        self.preview_dates = views

    @rx.event
    async def create(self) -> EventSpec | None:
        """Create the previewed dates (the values the admin saw), in one transaction."""
        actor = await self._staff()
        if actor is None:
            return None
        if not self._previewed:
            await self._say(msgid("Preview the dates first."), error=True)
            return None
        try:
            series_id, title, count = await run_db(_create, actor.id, self._previewed)
        except DomainError as refused:
            await self._say_refused(refused)
            return None
        self._previewed, self.preview_dates, self.preview_count, self.draft = {}, [], "", {}
        await self._say(msgid("Series “{title}” created with {count} dates."), title=title, count=count)
        return rx.redirect(f"/admin/series/dates?id={series_id}")

    @rx.event
    async def discard_preview(self) -> None:
        if await self._staff() is None:
            return
        self._previewed, self.preview_dates, self.preview_count = {}, [], ""


class AdminSeriesDatesState(SentWhenUsed, Paged, StaffPageState, rx.State):
    series_id: str = ""
    title: str = ""
    found: bool = True
    rows: list[dict[str, str]] = []
    page_size: ClassVar[int] = 20

    @rx.event
    async def load(self) -> None:
        raw = clip(self.router.url.query_parameters.get("id", ""), SHORT_MAX)
        if raw != self.series_id:
            self.page = 0
        self.series_id = raw
        await self._refresh()

    async def _refresh(self) -> None:
        if await self._staff() is None:
            return
        lang = await current_lang(self)
        self.loaded = True
        try:
            series_id = int(self.series_id) if self.series_id.isdigit() else 0
            found = await run_db(series_service.get_series, series_id)
            rows, self.total = await run_db(
                series_service.series_dates, series_id, offset=self.page * self.page_size, limit=self.page_size
            )
        except DomainError:
            self.found, self.rows, self.title, self.total = False, [], "", 0
            return
        self.found, self.title = True, found.title
        self.rows = [
            {
                "id": str(r.event_id),
                "date": format_event_date_long(r.starts_at, r.timezone, lang),
                "status": gettext(lang, "Sold out")
                if r.sold_out and r.status == EventStatus.PUBLISHED
                else gettext(lang, STATUS_LABELS.get(EventStatus(r.status), r.status)),
                "sold": f"{r.sold} / {r.capacity}",
                "edit": f"/admin/events/edit?id={r.event_id}",
                "view": f"/events/{r.slug}",
            }
            for r in rows
        ]
