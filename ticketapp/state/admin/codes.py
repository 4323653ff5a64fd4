"""/admin/codes: promo codes with their uses and discounts; create, edit, deactivate (audited by the service)."""

from __future__ import annotations

from urllib.parse import urlencode

import reflex as rx
from reflex.event import EventSpec
from sqlmodel import Session

from ticketapp.db import run_db
from ticketapp.i18n import gettext, msgid, translate
from ticketapp.i18n.languages import LANGUAGES
from ticketapp.models import DiscountKind, PromoCode
from ticketapp.services.errors import DomainError
from ticketapp.services.promotions import admin as promo_admin
from ticketapp.services.promotions import mailing
from ticketapp.services.shared.money import Money
from ticketapp.state.base import StaffPageState
from ticketapp.state.bounded import SHORT_MAX, clip, form_values
from ticketapp.state.locale import current_lang
from ticketapp.state.snapshot import SentWhenUsed

MAIL_LIST_MAX = mailing.LIST_MAX * (mailing.ADDRESS_MAX + 2)  # a full list of the longest addresses
FORM_FIELDS = {name: 200 for name in promo_admin.FIELDS} | {"count": SHORT_MAX}
KIND_LABELS = {
    DiscountKind.PERCENT_OFF: msgid("Percentage off"),
    DiscountKind.AMOUNT_OFF: msgid("Amount off each ticket"),
    DiscountKind.SET_PRICE: msgid("Set price per ticket"),
}


def discount_text(promo: PromoCode, currency: str | None, lang: str) -> str:
    """'−20%', '€5.00 off each ticket', 'Each ticket at €15.00'."""
    if promo.kind == DiscountKind.PERCENT_OFF or currency is None:
        return translate(lang, "−{value}%", value=promo.value)
    amount = Money(promo.value, currency).format(lang)
    if promo.kind == DiscountKind.AMOUNT_OFF:
        return translate(lang, "{amount} off each ticket", amount=amount)
    return translate(lang, "Each ticket at {amount}", amount=amount)


def code_row(row: promo_admin.CodeRow, currency: str | None, lang: str) -> dict[str, str]:
    promo = row.promo
    return {
        "id": str(promo.id),
        "code": promo.code,
        "event": row.event_title or gettext(lang, "All events"),
        "kind": discount_text(promo, currency, lang),
        "uses": f"{row.uses} / {promo.max_uses}" if promo.max_uses else f"{row.uses} / ∞",
        "discount": ", ".join(m.format(lang) for m in row.discounts) or "—",
        "revenue": ", ".join(m.format(lang) for m in row.revenue) or "—",
        "sent_to": translate(lang, "Sent to {address}", address=promo.sent_to) if promo.sent_to else "",
        # Its orders on the sales dashboard (the last 12 months, in the currency of its sales if any).
        "analytics": "/admin/analytics?"
        + urlencode(
            {"preset": "365d", "code": promo.code}
            | ({"currency": row.revenue[0].currency} if row.revenue else {})
            | ({"event": str(promo.event_id)} if promo.event_id else {})
        ),
        "active": "yes" if promo.active else "",
        "status": gettext(lang, "Active") if promo.active else gettext(lang, "Inactive"),
    }


def _list(session: Session) -> list[tuple[promo_admin.CodeRow, str | None]]:
    return [(row, promo_admin.event_currency(session, row.promo)) for row in promo_admin.list_codes(session)]


def _edit_data(session: Session, promo_id: int) -> tuple[dict[str, str], list[tuple[int, str]]] | None:
    promo = promo_admin.get_code(session, promo_id)
    if promo is None:
        return None
    return promo_admin.form_values(session, promo), promo_admin.event_choices(session, also=promo.event_id)


def _save(session: Session, actor_id: int, promo_id: int | None, form: dict[str, str]) -> tuple[str, int]:
    """Save the form: one code, or (a count above 1, new codes only) that many random codes; (code, how many)."""
    spec = promo_admin.parse_spec(session, form)
    raw = form.get("count", "").strip() or "1"
    count = int(raw) if raw.isdigit() else 0
    if promo_id is not None:
        return promo_admin.update_code(session, actor_id, promo_id, spec).code, 1
    if count == 1:
        return promo_admin.create_code(session, actor_id, spec).code, 1
    return spec.code, len(promo_admin.create_many(session, actor_id, spec, count))


def _csv(session: Session) -> str:
    return promo_admin.codes_csv(promo_admin.list_codes(session))


class AdminCodesState(SentWhenUsed, StaffPageState, rx.State):
    rows: list[dict[str, str]] = []
    events: list[dict[str, str]] = []
    kinds: list[dict[str, str]] = []
    editing: str = ""  # the id of the code in the form, "" for a new one
    draft: dict[str, str] = {}  # the form's starting values
    mail_draft: dict[str, str] = {}  # the mailing form's values after a refusal
    languages: list[dict[str, str]] = [{"code": lang.code, "name": lang.native_name} for lang in LANGUAGES]

    async def _refresh(self) -> None:
        lang = await current_lang(self)
        self.rows = [code_row(row, currency, lang) for row, currency in await run_db(_list)]
        if not self.events:
            self.events = [{"id": str(i), "title": t} for i, t in await run_db(promo_admin.event_choices)]
        self.kinds = [{"value": k.value, "label": gettext(lang, label)} for k, label in KIND_LABELS.items()]
        self.loaded = True

    @rx.event
    async def save(self, form: dict[str, str] | None = None) -> None:
        actor = await self._staff()
        if actor is None:
            return
        values = form_values(form, FORM_FIELDS)
        promo_id = int(self.editing) if self.editing.isdigit() else None
        try:
            code, count = await run_db(_save, actor.id, promo_id, values)
        except DomainError as refused:
            self.draft = values  # the form keeps what the admin typed
            await self._say_refused(refused)
            return
        self.editing, self.draft = "", {}
        if count == 1:
            await self._say(msgid("Promo code {code} saved."), code=code)
        else:
            await self._say(msgid("{count} codes starting with {code}- created."), count=count, code=code)
        await self._refresh()

    @rx.event
    async def mail_codes(self, form: dict[str, str] | None = None) -> None:
        """E-mail one free code of a batch to each pasted address (the service checks everything first)."""
        actor = await self._staff()
        if actor is None:
            return
        values = form_values(form, {"prefix": 40, "addresses": MAIL_LIST_MAX, "lang": SHORT_MAX})
        try:
            sent = await run_db(
                mailing.send_codes, actor.id, values["prefix"], values["addresses"], values["lang"] or "en"
            )
        except DomainError as refused:
            self.mail_draft = values
            await self._say_refused(refused)
            return
        self.mail_draft = {}
        await self._say(
            msgid("{count} codes starting with {prefix}- sent by e-mail."), count=sent.count, prefix=sent.prefix
        )
        await self._refresh()

    @rx.event
    async def export_csv(self) -> EventSpec | None:
        if await self._staff() is None:
            return None
        return rx.download(data=await run_db(_csv), filename="promo-codes.csv")

    @rx.event
    async def edit(self, promo_id: str) -> None:
        if await self._staff() is None:
            return
        promo_id = clip(promo_id, SHORT_MAX)
        data = await run_db(_edit_data, int(promo_id)) if promo_id.isdigit() else None
        if data is None:
            return
        self.draft, choices = data
        self.events = [{"id": str(i), "title": t} for i, t in choices]
        self.editing = promo_id
        self.message = ""

    @rx.event
    async def cancel_edit(self) -> None:
        if await self._staff() is None:
            return
        self.editing, self.draft, self.message = "", {}, ""

    @rx.event
    async def set_active(self, promo_id: str, active: bool) -> None:
        actor = await self._staff()
        if actor is None:
            return
        promo_id = clip(promo_id, SHORT_MAX)
        if not promo_id.isdigit():
            return
        try:
            promo = await run_db(promo_admin.set_active, actor.id, int(promo_id), bool(active))
        except DomainError as refused:
            await self._say_refused(refused)
            return
        done = msgid("Promo code {code} activated.") if active else msgid("Promo code {code} deactivated.")
        await self._say(done, code=promo.code)
        await self._refresh()
