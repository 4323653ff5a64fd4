"""The admin placeholder page (proves the guard) and the mail outbox page."""

from __future__ import annotations

import reflex as rx
from reflex.event import EventSpec
from sqlalchemy import func
from sqlmodel import select

from ticketapp.db import session_scope
from ticketapp.models import Role, User
from ticketapp.services.shared.mail import list_outbox
from ticketapp.settings import get_settings
from ticketapp.state.account.auth import require_role


class AdminHomeState(rx.State):
    ready: bool = False
    user_count: int = 0

    @rx.event
    async def load(self) -> EventSpec | None:
        access = await require_role(self, Role.ADMIN)
        if not access.ok:
            self.ready = False
            return access.redirect
        with session_scope() as session:
            self.user_count = int(session.exec(select(func.count()).select_from(User)).one())
        self.ready = True
        return None


class OutboxState(rx.State):
    mails: list[dict[str, str]] = []
    ready: bool = False

    @rx.event
    async def load(self) -> EventSpec | None:
        if not get_settings().dev_mode:
            access = await require_role(self, Role.ADMIN)
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
            for mail in list_outbox()
        ]
        self.ready = True
        return None
