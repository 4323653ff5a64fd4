"""/admin/invoicing: the organiser's invoice details, the tax report per period, and corrected invoices."""

from __future__ import annotations

from datetime import date

import reflex as rx
from sqlmodel import Session

from ticketapp.db import run_db
from ticketapp.i18n import msgid
from ticketapp.services.errors import DomainError
from ticketapp.services.invoicing import admin as invoice_admin
from ticketapp.services.invoicing import report
from ticketapp.services.invoicing import settings as invoice_settings
from ticketapp.services.invoicing.buyer import Company
from ticketapp.services.invoicing.tax import format_rate
from ticketapp.services.shared.money import Money
from ticketapp.state.base import StaffPageState
from ticketapp.state.bounded import NAME_MAX, SHORT_MAX, TEXT_MAX, form_values
from ticketapp.state.locale import current_lang
from ticketapp.state.snapshot import SentWhenUsed

SETTINGS_FIELDS = {
    "legal_name": NAME_MAX,
    "address": TEXT_MAX,
    "vat_id": SHORT_MAX,
    "footer": TEXT_MAX,
    "prefix": SHORT_MAX,
}
PERIOD_FIELDS = {"start": SHORT_MAX, "end": SHORT_MAX}
CORRECTION_FIELDS = {"order": SHORT_MAX, "company": NAME_MAX, "address": TEXT_MAX, "vat_id": SHORT_MAX}


def _settings_form(session: Session) -> dict[str, str]:
    row = invoice_settings.current(session)
    return {
        "legal_name": row.legal_name,
        "address": row.address,
        "vat_id": row.vat_id,
        "footer": row.footer,
        "prefix": row.prefix,
    }


def _report_rows(session: Session, start: str, end: str, lang: str) -> list[dict[str, str]]:
    first, last = report.parse_period(start, end)
    return [
        {
            "currency": row.currency,
            "rate": f"{format_rate(row.rate_bp, lang)} %",
            "reverse": "✓" if row.reverse_charge else "",
            "documents": str(row.documents),
            "net": Money(row.net_minor, row.currency).format(lang),
            "tax": Money(row.tax_minor, row.currency).format(lang),
            "gross": Money(row.gross_minor, row.currency).format(lang),
        }
        for row in report.tax_report(session, first, last)
    ]


def _this_quarter() -> tuple[str, str]:
    today = date.today()
    first_month = 3 * ((today.month - 1) // 3) + 1
    return date(today.year, first_month, 1).isoformat(), today.isoformat()


class AdminInvoicingState(SentWhenUsed, StaffPageState, rx.State):
    form: dict[str, str] = {}
    start: str = ""
    end: str = ""
    report_rows: list[dict[str, str]] = []
    report_shown: bool = False

    async def _refresh(self) -> None:
        self.form = await run_db(_settings_form)
        if not self.start:
            self.start, self.end = _this_quarter()
        await self._run_report()
        self.loaded = True

    async def _run_report(self) -> bool:
        lang = await current_lang(self)
        try:
            self.report_rows = await run_db(_report_rows, self.start, self.end, lang)
        except DomainError as refused:
            self.report_rows, self.report_shown = [], False
            await self._say_refused(refused)
            return False
        self.report_shown = True
        return True

    @rx.event
    async def save_settings(self, form: dict[str, str] | None = None) -> None:
        actor = await self._staff()
        if actor is None:
            return
        values = form_values(form, SETTINGS_FIELDS)
        self.form = values  # what the admin typed stays in the fields after a refusal
        entry = invoice_settings.SettingsForm(**values)
        try:
            await run_db(invoice_settings.save, entry, actor_id=actor.id)
        except DomainError as refused:
            await self._say_refused(refused)
            return
        await self._say(msgid("Invoice details saved. New invoices use them; issued ones keep theirs."))
        self.form = await run_db(_settings_form)

    @rx.event
    async def show_report(self, form: dict[str, str] | None = None) -> None:
        if await self._staff() is None:
            return
        values = form_values(form, PERIOD_FIELDS)
        self.start, self.end = values["start"], values["end"]
        if await self._run_report():
            self.message = ""

    @rx.event
    async def regenerate(self, form: dict[str, str] | None = None) -> None:
        actor = await self._staff()
        if actor is None:
            return
        values = form_values(form, CORRECTION_FIELDS)
        company = Company(values["company"], values["address"], values["vat_id"])
        code = values["order"].strip().upper()
        try:
            invoice = await run_db(invoice_admin.regenerate, code, company, actor_id=actor.id)
        except DomainError as refused:
            await self._say_refused(refused)
            return
        if self.report_shown:  # the report on screen counts the new documents (a refused period stays as it was)
            await self._run_report()
        await self._say(msgid("Invoice {code} issued; the earlier one is credited."), code=invoice.code)

    @rx.var
    def csv_href(self) -> str:
        return f"/api/admin/tax-report.csv?start={self.start}&end={self.end}"
