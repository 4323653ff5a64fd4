"""/admin/api-tokens: create scoped API tokens (the secret shown once), see their last use, revoke them."""

from __future__ import annotations

from datetime import datetime

import reflex as rx

from ticketapp.db import run_db
from ticketapp.i18n import gettext, msgid
from ticketapp.services.api_access import tokens
from ticketapp.services.errors import DomainError
from ticketapp.services.shared.dates import format_event_datetime
from ticketapp.state.base import StaffPageState
from ticketapp.state.bounded import SHORT_MAX, clip, form_values
from ticketapp.state.locale import current_lang
from ticketapp.state.snapshot import SentWhenUsed

# The permission areas and how they are named on the page (English msgids; the page translates them).
AREA_LABELS = {
    "events": msgid("Events and ticket types"),
    "orders": msgid("Orders and tickets"),
    "customers": msgid("Customers"),
    "checkins": msgid("Check-ins"),
    "promotions": msgid("Promo codes"),
    "waitlist": msgid("Waiting lists"),
    "questions": msgid("Questions and answers"),
    "invoices": msgid("Invoices"),
}


def _when(moment: datetime | None, lang: str) -> str:
    return format_event_datetime(moment, "UTC", lang) + " UTC" if isinstance(moment, datetime) else ""


def token_row(row: tokens.TokenRow, lang: str) -> dict[str, str]:
    return {
        "id": str(row.id),
        "name": row.name,
        "holder": row.holder or gettext(lang, "Integration"),
        "scopes": ", ".join(row.scopes),
        "created": _when(row.created_at, lang),
        "last_used": _when(row.last_used_at, lang) or gettext(lang, "Never"),
        "status": gettext(lang, "Revoked") if row.revoked_at else gettext(lang, "Active"),
        "revoked": "yes" if row.revoked_at else "",
    }


class AdminApiTokensState(SentWhenUsed, StaffPageState, rx.State):
    rows: list[dict[str, str]] = []
    staff: list[dict[str, str]] = []
    # The plain token just created: shown once, in this tab only, until dismissed or the page reloads.
    new_token: str = ""
    new_token_name: str = ""

    async def _refresh(self) -> None:
        lang = await current_lang(self)
        self.rows = [token_row(r, lang) for r in await run_db(tokens.list_api_tokens)]
        self.staff = [{"id": str(i), "label": label} for i, label in await run_db(tokens.staff_choices)]
        self.loaded = True

    @rx.event
    async def load(self) -> None:
        self.new_token, self.new_token_name = "", ""
        if await self._allowed():
            await self._refresh()

    @rx.event
    async def create(self, form: dict[str, str] | None = None) -> None:
        actor = await self._staff()
        if actor is None:
            return
        fields = {"name": tokens.NAME_MAX + 1, "holder": SHORT_MAX, **{f"scope_{a}": SHORT_MAX for a in tokens.AREAS}}
        values = form_values(form, fields)
        scopes = [f"{area}:{values[f'scope_{area}']}" for area in tokens.AREAS if values[f"scope_{area}"]]
        holder = values["holder"]
        if holder and not holder.isdigit():
            await self._say(msgid("Choose who holds the token."), error=True)
            return
        try:
            row, plain = await run_db(
                tokens.create_api_token, actor.id, values["name"], scopes, staff_user_id=int(holder) if holder else None
            )
        except DomainError as refused:
            await self._say_refused(refused)
            return
        self.new_token, self.new_token_name = plain, row.label
        await self._say(msgid("Token “{name}” created. Copy it now: it is shown only once."), name=row.label)
        await self._refresh()

    @rx.event
    async def dismiss(self) -> None:
        self.new_token, self.new_token_name = "", ""

    @rx.event
    async def revoke(self, token_id: str) -> None:
        actor = await self._staff()
        if actor is None:
            return
        raw = clip(token_id, SHORT_MAX)
        if not raw.isdigit():
            await self._say(msgid("This token does not exist."), error=True)
            return
        try:
            row = await run_db(tokens.revoke_api_token, actor.id, int(raw))
        except DomainError as refused:
            await self._say_refused(refused)
            return
        await self._say(msgid("Token “{name}” revoked: it no longer works."), name=row.label)
        await self._refresh()
