"""/admin/events: the list, its filters and publish/unpublish/duplicate/cancel (the edit form is `event_form`)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, date, datetime, time
from typing import Any, TypeVar

import reflex as rx
from babel.numbers import format_percent
from sqlmodel import Session

from ticketapp.db import session_scope
from ticketapp.i18n import gettext, msgid, translate
from ticketapp.services.catalog import events as admin_events
from ticketapp.services.catalog.events import AdminError
from ticketapp.services.orders.lifecycle import OrderError
from ticketapp.services.shared.dates import format_event_datetime
from ticketapp.services.shared.money import BABEL_LOCALES
from ticketapp.state.admin.guard import admin_or_forbidden
from ticketapp.state.locale import current_lang

PAGE_SIZE = 20
STATUS_LABELS = {"draft": msgid("Draft"), "published": msgid("Published"), "cancelled": msgid("Cancelled")}
T = TypeVar("T")


def _in_session(work: Callable[[Session], T]) -> T:
    with session_scope() as session:
        return work(session)


async def run_db(work: Callable[[Session], T]) -> T:
    return await asyncio.to_thread(_in_session, work)


def _day(raw: str) -> datetime | None:
    try:
        return datetime.combine(date.fromisoformat(raw), time(0), tzinfo=UTC)
    except ValueError:
        return None


class AdminEventsState(rx.State):
    forbidden: bool = False
    loaded: bool = False
    rows: list[dict[str, str]] = []
    total: int = 0
    page: int = 0
    status: str = ""
    category: str = ""
    text: str = ""
    starts_from: str = ""
    message: str = ""
    message_is_error: bool = False
    refund_on_cancel: bool = True

    async def _admin(self) -> int | None:
        return await admin_or_forbidden(self)

    @rx.event
    async def load(self) -> None:
        if await self._admin() is None:
            return
        await self._refresh()

    async def _refresh(self) -> None:
        lang = await current_lang(self)
        rows, total = await run_db(
            lambda s: admin_events.list_events(
                s,
                status=self.status or None,
                category=self.category or None,
                starts_from=_day(self.starts_from),
                text=self.text,
                offset=self.page * PAGE_SIZE,
                limit=PAGE_SIZE,
            )
        )
        locale = BABEL_LOCALES.get(lang, lang)
        self.rows = [
            {
                "id": str(r.id),
                "title": r.title,
                "category": r.category,
                "status": r.status,
                "status_label": gettext(lang, STATUS_LABELS.get(r.status, r.status)),
                "date": format_event_datetime(r.starts_at, "UTC", lang),
                "sold": f"{r.sold} / {r.capacity}",
                "ratio": format_percent(r.sold / r.capacity if r.capacity else 0, locale=locale),
            }
            for r in rows
        ]
        self.total = total
        self.loaded = True

    async def _filter(self, **values: Any) -> None:
        if await self._admin() is None:
            return
        for name, value in values.items():
            setattr(self, name, str(value)[:200])
        self.page = 0
        await self._refresh()

    @rx.event
    async def set_status(self, value: str) -> None:
        await self._filter(status=value if value in STATUS_LABELS else "")

    @rx.event
    async def set_category(self, value: str) -> None:
        await self._filter(category=value if value in admin_events.CATEGORIES else "")

    @rx.event
    async def set_text(self, value: str) -> None:
        await self._filter(text=value)

    @rx.event
    async def set_starts_from(self, value: str) -> None:
        await self._filter(starts_from=value if _day(value) else "")

    @rx.event
    async def next_page(self) -> None:
        if await self._admin() is None:
            return
        if (self.page + 1) * PAGE_SIZE < self.total:
            self.page += 1
        await self._refresh()

    @rx.event
    async def previous_page(self) -> None:
        if await self._admin() is None:
            return
        self.page = max(self.page - 1, 0)
        await self._refresh()

    @rx.event
    async def set_refund_on_cancel(self, value: bool) -> None:
        if await self._admin() is None:
            return
        self.refund_on_cancel = bool(value)

    async def _act(self, action: Callable[[Session, int], str | None], done: str) -> None:
        actor = await self._admin()
        if actor is None:
            return
        lang = await current_lang(self)
        try:
            extra = await run_db(lambda s: action(s, actor))
        except (AdminError, OrderError) as refused:
            self.message, self.message_is_error = translate(lang, refused.message, **refused.values), True
            return
        self.message, self.message_is_error = gettext(lang, done) + (f" {extra}" if extra else ""), False
        await self._refresh()

    @rx.event
    async def publish(self, event_id: str) -> None:
        await self._act(lambda s, a: _none(admin_events.publish_event(s, a, _int(event_id))), msgid("Event published."))

    @rx.event
    async def unpublish(self, event_id: str) -> None:
        await self._act(
            lambda s, a: _none(admin_events.unpublish_event(s, a, _int(event_id))), msgid("Event unpublished.")
        )

    @rx.event
    async def duplicate(self, event_id: str) -> None:
        await self._act(
            lambda s, a: _none(admin_events.duplicate_event(s, a, _int(event_id))), msgid("Draft copy created.")
        )

    @rx.event
    async def cancel(self, event_id: str) -> None:
        lang = await current_lang(self)
        refund = self.refund_on_cancel

        def action(session: Session, actor: int) -> str:
            result = admin_events.cancel_event(session, actor, _int(event_id), refund_orders=refund)
            return translate(
                lang,
                "{refunded} orders refunded, {cancelled} unpaid orders cancelled, {failed} failed.",
                refunded=result.refunded_orders,
                cancelled=result.cancelled_unpaid,
                failed=len(result.failures),
            )

        await self._act(action, msgid("Event cancelled."))


def _none(_: object) -> None:
    return None


def _int(raw: str) -> int:
    try:
        return int(str(raw))
    except ValueError:
        raise AdminError(msgid("Event not found.")) from None
