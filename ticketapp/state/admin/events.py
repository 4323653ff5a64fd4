"""/admin/events: the list, its filters and publish/unpublish/duplicate/cancel (the edit form is `event_form`)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time
from typing import Any, ClassVar

import reflex as rx
from babel.numbers import format_percent
from reflex.event import EventSpec
from sqlmodel import Session

from ticketapp.db import run_db
from ticketapp.i18n import gettext, msgid, translate
from ticketapp.services.catalog import events as admin_events
from ticketapp.services.catalog.events import AdminError
from ticketapp.services.catalog.public import category_msgid
from ticketapp.services.orders.lifecycle import OrderError
from ticketapp.services.shared.dates import format_event_datetime
from ticketapp.services.shared.money import BABEL_LOCALES
from ticketapp.state.base import Paged, StaffPageState
from ticketapp.state.locale import current_lang
from ticketapp.state.snapshot import SentWhenUsed

STATUS_LABELS = {"draft": msgid("Draft"), "published": msgid("Published"), "cancelled": msgid("Cancelled")}


def _day(raw: str) -> datetime | None:
    try:
        return datetime.combine(date.fromisoformat(raw), time(0), tzinfo=UTC)
    except ValueError:
        return None


class AdminEventsState(SentWhenUsed, Paged, StaffPageState, rx.State):
    page_size: ClassVar[int] = 20
    rows: list[dict[str, str]] = []
    status: str = ""
    category: str = ""
    text: str = ""
    starts_from: str = ""
    refund_on_cancel: bool = True

    async def _refresh(self) -> None:
        lang = await current_lang(self)
        rows, total = await run_db(
            admin_events.list_events,
            status=self.status or None,
            category=self.category or None,
            starts_from=_day(self.starts_from),
            text=self.text,
            offset=self.page * self.page_size,
            limit=self.page_size,
        )
        locale = BABEL_LOCALES.get(lang, lang)
        self.rows = [
            {
                "id": str(r.id),
                "title": r.title,
                "category": gettext(lang, category_msgid(r.category)),
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
        if await self._staff() is None:
            return
        for name, value in values.items():
            setattr(self, name, str(value)[:200])
        await self._first_page()

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
    async def set_refund_on_cancel(self, value: bool) -> None:
        if await self._staff() is None:
            return
        self.refund_on_cancel = bool(value)

    async def _act(self, action: Callable[[Session, int], str | None], done: str) -> None:
        actor = await self._staff()
        if actor is None:
            return
        lang = await current_lang(self)
        try:
            extra = await run_db(action, actor.id)
        except (AdminError, OrderError) as refused:
            await self._say_refused(refused)
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
    async def duplicate(self, event_id: str) -> EventSpec | None:
        """Copy the event, then open the copy's form: its dates and title are what one changes next."""
        actor = await self._staff()
        if actor is None:
            return None
        lang = await current_lang(self)
        try:
            copy_id = await run_db(lambda s: admin_events.duplicate_event(s, actor.id, _int(event_id), lang).id)
        except AdminError as refused:
            await self._say_refused(refused)
            return None
        return rx.redirect(f"/admin/events/edit?id={copy_id}&copied=1")

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
