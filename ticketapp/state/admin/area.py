"""The admin area's gate, the admin placeholder page (proves the guard) and the mail outbox page."""

from __future__ import annotations

import asyncio

import reflex as rx
from reflex.event import EventSpec
from sqlalchemy import func
from sqlmodel import Session, select

from ticketapp.db import run_db
from ticketapp.models import Role, User
from ticketapp.services.shared.mail import list_outbox
from ticketapp.settings import get_settings
from ticketapp.state.base import guard
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


def _user_count(session: Session) -> int:
    return int(session.exec(select(func.count()).select_from(User)).one())


class AdminHomeState(SentWhenUsed, rx.State):
    ready: bool = False
    user_count: int = 0

    @rx.event
    async def load(self) -> EventSpec | None:
        access = await guard(self, Role.ADMIN)
        if not access.ok:
            self.ready = False
            return access.redirect
        self.user_count = await run_db(_user_count)
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
