"""/admin/waitlist: a ticket type's waiting list, its offers and conversions; offer out of turn, remove."""

from __future__ import annotations

import reflex as rx
from sqlmodel import Session

from ticketapp.db import run_db
from ticketapp.i18n import gettext, msgid, translate
from ticketapp.models import WaitlistStatus
from ticketapp.services.shared.dates import format_event_datetime
from ticketapp.services.waitlist import lists, offers
from ticketapp.services.waitlist.offers import WaitlistError
from ticketapp.state.base import StaffPageState
from ticketapp.state.bounded import SHORT_MAX, clip
from ticketapp.state.locale import current_lang
from ticketapp.state.snapshot import SentWhenUsed

STATUS_LABELS: dict[str, str] = {
    WaitlistStatus.UNCONFIRMED: msgid("Awaiting e-mail confirmation"),
    WaitlistStatus.WAITING: msgid("Waiting"),
    WaitlistStatus.OFFERED: msgid("Offered"),
    WaitlistStatus.BOUGHT: msgid("Bought"),
    WaitlistStatus.EXPIRED: msgid("Expired"),
    WaitlistStatus.REMOVED: msgid("Removed"),
}
CAN_OFFER = (WaitlistStatus.WAITING, WaitlistStatus.EXPIRED)
CAN_REMOVE = (WaitlistStatus.UNCONFIRMED, WaitlistStatus.WAITING, WaitlistStatus.OFFERED)


def entry_row(row: lists.ListRow, lang: str) -> dict[str, str]:
    entry = row.entry
    until = ""
    if row.status == WaitlistStatus.OFFERED and entry.expires_at is not None:
        until = translate(lang, "until {time}", time=format_event_datetime(entry.expires_at, "UTC", lang))
    return {
        "id": str(entry.id),
        "position": str(row.position) if row.position else "—",
        "email": entry.email,
        "quantity": str(entry.quantity),
        "status": gettext(lang, STATUS_LABELS.get(row.status, row.status)) + (f" ({until})" if until else ""),
        "can_offer": "yes" if row.status in CAN_OFFER else "",
        "can_remove": "yes" if row.status in CAN_REMOVE else "",
    }


def _load(session: Session, ticket_type_id: int | None) -> tuple[list[tuple[int, str]], int, list[lists.ListRow]]:
    choices = lists.type_choices(session)
    known = {i for i, _ in choices}
    chosen = ticket_type_id if ticket_type_id in known else (choices[0][0] if choices else 0)
    return choices, chosen, lists.list_entries(session, chosen) if chosen else []


class AdminWaitlistState(SentWhenUsed, StaffPageState, rx.State):
    types: list[dict[str, str]] = []
    chosen: str = ""
    rows: list[dict[str, str]] = []
    cards: list[dict[str, str]] = []

    async def _refresh(self) -> None:
        lang = await current_lang(self)
        wanted = int(self.chosen) if self.chosen.isdigit() else None
        choices, chosen, rows = await run_db(_load, wanted)
        self.types = [{"id": str(i), "label": label} for i, label in choices]
        self.chosen = str(chosen) if chosen else ""
        self.rows = [entry_row(row, lang) for row in rows]
        figures = lists.figures(rows)
        self.cards = [
            {"label": gettext(lang, "Waiting"), "value": str(figures.waiting)},
            {"label": gettext(lang, "Offers made"), "value": str(figures.offers)},
            {"label": gettext(lang, "Bought after an offer"), "value": str(figures.bought)},
            {"label": gettext(lang, "Conversion of offers"), "value": f"{figures.conversion_percent} %"},
        ]
        self.loaded = True

    @rx.event
    async def choose(self, ticket_type_id: str) -> None:
        if await self._staff() is None:
            return
        self.chosen, self.message = clip(ticket_type_id, SHORT_MAX), ""
        await self._refresh()

    @rx.event
    async def offer(self, entry_id: str) -> None:
        actor = await self._staff()
        entry_id = clip(entry_id, SHORT_MAX)
        if actor is None or not entry_id.isdigit() or len(entry_id) > 9:
            return
        try:
            entry = await run_db(offers.offer_now, int(entry_id), actor_id=actor.id)
        except WaitlistError as refused:
            await self._say_refused(refused)
        else:
            await self._say(msgid("Seats offered to {email}; the offer was e-mailed."), email=entry.email)
        await self._refresh()

    @rx.event
    async def remove(self, entry_id: str) -> None:
        actor = await self._staff()
        entry_id = clip(entry_id, SHORT_MAX)
        if actor is None or not entry_id.isdigit() or len(entry_id) > 9:
            return
        try:
            entry = await run_db(offers.remove, int(entry_id), actor_id=actor.id)
        except WaitlistError as refused:
            await self._say_refused(refused)
        else:
            await self._say(msgid("{email} removed from the waiting list."), email=entry.email)
        await self._refresh()
