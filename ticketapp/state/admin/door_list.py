"""/admin/events/door-list?id=N: an event's attendees with search and pages, and its CSV/PDF downloads."""

from __future__ import annotations

from typing import ClassVar
from urllib.parse import urlencode

import reflex as rx
from sqlmodel import Session

from ticketapp.db import run_db
from ticketapp.services.questions.admin import event_overview
from ticketapp.services.tickets import door_list
from ticketapp.state.base import Paged, StaffPageState
from ticketapp.state.bounded import SHORT_MAX, clip
from ticketapp.state.locale import current_lang
from ticketapp.state.snapshot import SentWhenUsed


def _load(session: Session, event_id: int, text: str, lang: str, offset: int) -> tuple[str, door_list.DoorPage] | None:
    overview = event_overview(session, event_id)
    if overview is None:
        return None
    return overview[0], door_list.door_page(session, event_id, text, lang, offset=offset)


class AdminDoorListState(SentWhenUsed, Paged, StaffPageState, rx.State):
    page_size: ClassVar[int] = door_list.PAGE_SIZE
    found: bool = True
    event_id: str = ""
    event_title: str = ""
    text: str = ""
    rows: list[dict[str, str]] = []
    checked_in: int = 0

    @rx.var
    def export_query(self) -> str:
        return urlencode({"event": self.event_id, "q": self.text})

    @rx.event
    async def load(self) -> None:
        if await self._staff() is None:
            return
        raw = clip(self.router.url.query_parameters.get("id", ""), SHORT_MAX)
        self.event_id = raw if raw.isdigit() and len(raw) < 10 else ""
        self.text, self.page = "", 0
        await self._refresh()

    async def _refresh(self) -> None:
        lang = await current_lang(self)
        event_id = int(self.event_id) if self.event_id else 0
        loaded = await run_db(_load, event_id, self.text, lang, self.page * self.page_size) if event_id else None
        self.found, self.loaded = loaded is not None, True
        if loaded is None:
            return
        self.event_title, page = loaded
        self.total, self.checked_in = page.total, page.checked_in
        self.rows = [
            {
                "name": row.name,
                "type": row.ticket_type,
                "code": row.code,
                "order": row.order_code,
                "answers": row.answers,
                "checked_in": row.checked_in,
            }
            for row in page.rows
        ]

    @rx.event
    async def set_text(self, value: str) -> None:
        if await self._staff() is None:
            return
        self.text = clip(value, door_list.SEARCH_MAX)
        await self._first_page()
