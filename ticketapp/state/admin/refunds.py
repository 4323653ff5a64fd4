"""/admin/refunds: buyers' refund requests waiting for a decision (events whose policy needs approval)."""

from __future__ import annotations

import reflex as rx

from ticketapp.db import run_db
from ticketapp.i18n import msgid
from ticketapp.services.errors import DomainError
from ticketapp.services.orders import self_service
from ticketapp.services.shared.dates import format_event_datetime
from ticketapp.services.shared.money import Money, format_money
from ticketapp.state.base import StaffPageState
from ticketapp.state.bounded import SHORT_MAX, TEXT_MAX, form_values
from ticketapp.state.locale import current_lang
from ticketapp.state.snapshot import SentWhenUsed


def request_view(queued: self_service.QueuedRequest, lang: str) -> dict[str, str]:
    request = queued.request
    return {
        "id": str(request.id),
        "code": queued.order_code,
        "buyer": queued.buyer,
        "amount": format_money(Money(request.amount_minor, request.currency), lang),
        "fee": format_money(Money(request.fee_minor, request.currency), lang),
        "asked": format_event_datetime(request.created_at, "UTC", lang),
        "reason": request.reason or "–",
    }


class AdminRefundsState(SentWhenUsed, StaffPageState, rx.State):
    rows: list[dict[str, str]] = []

    async def _refresh(self) -> None:
        lang = await current_lang(self)
        self.rows = [request_view(q, lang) for q in await run_db(self_service.waiting_requests)]
        self.loaded = True

    @staticmethod
    def _request_id(raw: str) -> int:
        return int(raw) if raw.isdigit() and len(raw) < 12 else 0

    @rx.event
    async def approve(self, form: dict[str, str] | None = None) -> None:
        actor = await self._staff()
        if actor is None:
            return
        values = form_values(form, {"id": SHORT_MAX, "code": SHORT_MAX})
        try:
            await run_db(self_service.approve, self._request_id(values["id"]), actor_id=actor.id)
        except DomainError as refused:
            await self._say_refused(refused)
            return
        await self._say(msgid("Order {code} refunded; the buyer is told by e-mail."), code=values["code"])
        await self._refresh()

    @rx.event
    async def deny(self, form: dict[str, str] | None = None) -> None:
        actor = await self._staff()
        if actor is None:
            return
        values = form_values(form, {"id": SHORT_MAX, "code": SHORT_MAX, "reason": TEXT_MAX})
        try:
            await run_db(self_service.deny, self._request_id(values["id"]), values["reason"], actor_id=actor.id)
        except DomainError as refused:
            await self._say_refused(refused)
            return
        await self._say(msgid("Refund of order {code} declined; the buyer is told by e-mail."), code=values["code"])
        await self._refresh()
