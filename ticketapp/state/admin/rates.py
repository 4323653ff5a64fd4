"""/admin/rates: the exchange rates approximate prices are shown with (edit, add, remove, import a file)."""

from __future__ import annotations

import reflex as rx

from ticketapp.db import run_db
from ticketapp.i18n import gettext, msgid, translate
from ticketapp.models import ExchangeRate, utcnow
from ticketapp.services.currency import rates
from ticketapp.services.errors import DomainError
from ticketapp.services.shared.dates import format_day
from ticketapp.settings import get_settings
from ticketapp.state.base import StaffPageState
from ticketapp.state.bounded import SHORT_MAX, clip, form_values
from ticketapp.state.locale import current_lang
from ticketapp.state.snapshot import SentWhenUsed

RATE_FILE_MAX = rates.MAX_FILE_BYTES


def rate_row(rate: ExchangeRate, lang: str, max_age_days: int) -> dict[str, str]:
    age = (utcnow().date() - rate.as_of).days
    return {
        "currency": rate.currency,
        "rate": rate.per_eur,
        "as_of": format_day(rate.as_of, lang),
        "as_of_iso": rate.as_of.isoformat(),
        "age": translate(lang, "{days} days", days=age) if age != 1 else gettext(lang, "1 day"),
        "stale": "yes" if age > max_age_days else "",
        "source": rate.source,
    }


class AdminRatesState(SentWhenUsed, StaffPageState, rx.State):
    rows: list[dict[str, str]] = []
    stale_count: int = 0
    max_age_days: int = 14

    async def _refresh(self) -> None:
        lang = await current_lang(self)
        self.max_age_days = get_settings().rates_max_age_days
        self.rows = [rate_row(r, lang, self.max_age_days) for r in await run_db(rates.list_rates)]
        self.stale_count = sum(1 for row in self.rows if row["stale"])
        self.loaded = True

    @rx.event
    async def save(self, form: dict[str, str] | None = None) -> None:
        actor = await self._staff()
        if actor is None:
            return
        values = form_values(form, {"currency": SHORT_MAX, "rate": SHORT_MAX, "as_of": SHORT_MAX})
        try:
            saved = await run_db(rates.set_rate, actor.id, values["currency"], values["rate"], values["as_of"])
        except DomainError as refused:
            await self._say_refused(refused)
            return
        await self._say(msgid("Rate for {code} saved."), code=saved.currency)
        await self._refresh()

    @rx.event
    async def remove(self, currency: str) -> None:
        actor = await self._staff()
        if actor is None:
            return
        try:
            await run_db(rates.remove_rate, actor.id, clip(currency, SHORT_MAX))
        except DomainError as refused:
            await self._say_refused(refused)
            return
        await self._say(msgid("Rate for {code} removed."), code=clip(currency, SHORT_MAX).upper())
        await self._refresh()

    @rx.event
    async def import_file(self, form: dict[str, str] | None = None) -> None:
        """A pasted rate file (CSV: currency,per_eur,as_of): all its lines or none."""
        actor = await self._staff()
        if actor is None:
            return
        text = form_values(form, {"rates": RATE_FILE_MAX + 1})["rates"]
        try:
            count = await run_db(rates.import_rates, text, "admin import", actor.id)
        except DomainError as refused:
            await self._say_refused(refused)
            return
        await self._say(msgid("{count} rates imported."), count=count)
        await self._refresh()
