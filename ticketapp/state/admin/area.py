"""The admin area's gate, the staff home page (/admin) and the mail outbox page."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import reflex as rx
from babel.numbers import format_decimal
from reflex.event import EventSpec
from sqlmodel import Session

from ticketapp.db import run_db
from ticketapp.i18n import gettext, msgid
from ticketapp.models import Role
from ticketapp.services.analytics import overview
from ticketapp.services.shared.mail import list_outbox
from ticketapp.services.shared.money import BABEL_LOCALES, Money, format_money
from ticketapp.settings import get_settings
from ticketapp.state.base import guard
from ticketapp.state.locale import current_lang
from ticketapp.state.snapshot import SentWhenUsed


class AdminGateState(SentWhenUsed, rx.State):
    """First step of every admin page load: send visitors where the guard says.

    Anonymous → sign-in (with return-to), staff without 2FA → enrolment, others → 403.
    It only redirects; each handler still checks the admin itself (StaffPageState).
    """

    @rx.event
    async def check(self) -> EventSpec | None:
        access = await guard(self, Role.ADMIN)
        return None if access.ok else access.redirect


@dataclass(frozen=True)
class _Home:
    sales: list[overview.DaySales]
    attention: overview.Attention | None  # None for agents: only the support count is theirs


def _home(session: Session, is_admin: bool) -> _Home:
    if not is_admin:
        return _Home([], None)
    return _Home(overview.today_sales(session), overview.needing_attention(session))


def _open_support(session: Session) -> int:
    return overview.count_open_support(session)


class AdminHomeState(SentWhenUsed, rx.State):
    """/admin: the staff home page. Admins see today's sales and the orders waiting for them;
    agents (who may not see orders) the open support requests and their two pages."""

    ready: bool = False
    is_admin: bool = False
    sales: list[dict[str, str]] = []
    attention: list[dict[str, str]] = []

    @rx.event
    async def load(self) -> EventSpec | None:
        access = await guard(self, Role.AGENT)
        if not access.ok or access.user is None:
            self.ready = False
            return access.redirect
        lang = await current_lang(self)
        self.is_admin = access.user.role == Role.ADMIN
        home = await run_db(_home, self.is_admin)
        self.sales = [
            {
                "currency": line.currency,
                "orders": format_decimal(line.orders, locale=BABEL_LOCALES.get(lang, lang)),
                "amount": format_money(Money(line.revenue_minor, line.currency), lang),
            }
            for line in home.sales
        ]
        if home.attention is None:
            counts = [(msgid("Open support requests"), await run_db(_open_support), "/agent")]
        else:
            counts = [
                (msgid("Orders held for review"), home.attention.held_for_review, "/admin/review"),
                (
                    msgid("Bank transfers awaiting payment"),
                    home.attention.awaiting_transfer,
                    "/admin/orders?status=awaiting_payment",
                ),
                (msgid("Open support requests"), home.attention.open_support, "/agent"),
            ]
        self.attention = [
            {"label": gettext(lang, label), "count": str(count), "href": href} for label, count, href in counts
        ]
        self.ready = True
        return None


class OutboxState(SentWhenUsed, rx.State):
    mails: list[dict[str, str]] = []
    ready: bool = False

    @rx.event
    async def load(self) -> EventSpec | None:
        if not get_settings().dev_mode:
            access = await guard(self, Role.ADMIN)
            if not access.ok:
                self.ready = False
                self.mails = []
                return access.redirect
        self.mails = [
            {
                "name": mail.name,
                "to": mail.to,
                "subject": mail.subject,
                "sent_at": mail.sent_at.strftime("%Y-%m-%d %H:%M:%S UTC"),
                "text": mail.text,
            }
            for mail in await asyncio.to_thread(list_outbox)  # reads files
        ]
        self.ready = True
        return None
