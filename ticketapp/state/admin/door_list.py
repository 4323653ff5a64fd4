"""/admin/events/door-list?id=N: an event's attendees with search and pages, and its CSV/PDF downloads."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar
from urllib.parse import urlencode

import reflex as rx
from sqlmodel import Session

from ticketapp.db import run_db
from ticketapp.i18n import gettext, msgid
from ticketapp.models import Event
from ticketapp.services.errors import DomainError
from ticketapp.services.questions.admin import event_overview
from ticketapp.services.tickets import door_list, gates
from ticketapp.services.tickets.checkin import event_gates
from ticketapp.state.base import Paged, StaffPageState
from ticketapp.state.bounded import SHORT_MAX, clip, form_values
from ticketapp.state.locale import current_lang
from ticketapp.state.snapshot import SentWhenUsed

TYPE_PREFIX = "gate-type-"


@dataclass(frozen=True)
class _Setup:
    types: list[tuple[int, str]]
    gates: list[tuple[int, str, list[int]]]
    reentry: bool


def _setup(session: Session, event_id: int) -> _Setup | None:
    overview = event_overview(session, event_id)
    event = session.get(Event, event_id)
    if overview is None or event is None:
        return None
    found = [(g.id or 0, g.name, list(g.ticket_type_ids or [])) for g in event_gates(session, event_id)]
    return _Setup(overview[1], found, event.reentry_allowed)


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
    ticket_types: list[dict[str, str]] = []
    gate_rows: list[dict[str, str]] = []
    reentry_allowed: bool = False
    gate_version: int = 0

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
        setup = await run_db(_setup, event_id)
        if setup is not None:
            names = dict(setup.types)
            self.ticket_types = [{"id": str(i), "name": name} for i, name in setup.types]
            everyone = gettext(lang, "All ticket types")
            self.gate_rows = [
                {"id": str(i), "name": name, "types": ", ".join(names.get(t, "") for t in ids) or everyone}
                for i, name, ids in setup.gates
            ]
            self.reentry_allowed = setup.reentry
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

    @rx.event
    async def add_gate(self, form: dict[str, str] | None = None) -> None:
        if await self._staff() is None or not self.found or not self.event_id:
            return
        values = form_values(form, {"name": gates.NAME_MAX + 1})
        ticks = form_values(form, {TYPE_PREFIX + t["id"]: SHORT_MAX for t in self.ticket_types})
        type_ids = [int(name[len(TYPE_PREFIX) :]) for name, on in ticks.items() if on]
        try:
            gate = await run_db(gates.add_gate, int(self.event_id), values["name"], type_ids)
        except DomainError as refused:
            await self._say_refused(refused)
            return
        self.gate_version += 1
        await self._say(msgid("Gate {name} added."), name=gate.name)
        await self._refresh()

    @rx.event
    async def remove_gate(self, gate_id: str) -> None:
        if await self._staff() is None or not self.event_id:
            return
        gate_id = clip(gate_id, SHORT_MAX)
        if not gate_id.isdigit() or len(gate_id) > 9:
            return
        try:
            await run_db(gates.remove_gate, int(self.event_id), int(gate_id))
        except DomainError as refused:
            await self._say_refused(refused)
        else:
            await self._say(msgid("Gate removed."))
        await self._refresh()

    @rx.event
    async def set_reentry(self, allowed: bool) -> None:
        if await self._staff() is None or not self.found or not self.event_id:
            return
        allowed = allowed is True  # only a real tick: a crafted "false" string is not one
        await run_db(gates.set_reentry, int(self.event_id), allowed)
        self.reentry_allowed = allowed
        await self._say(
            msgid("Re-entry allowed after an exit scan.") if allowed else msgid("Second entry denied (re-entry off).")
        )
