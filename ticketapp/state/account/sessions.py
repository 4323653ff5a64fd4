"""The account's signed-in browsers: list them, sign one out, or sign out everywhere."""

from __future__ import annotations

import reflex as rx
from babel.dates import format_datetime
from reflex.event import EventSpec

from ticketapp.db import run_db
from ticketapp.i18n import msgid, translate
from ticketapp.services.accounts import sessions as auth_sessions
from ticketapp.services.accounts.sessions import SessionRow
from ticketapp.services.shared.money import BABEL_LOCALES
from ticketapp.state.account.auth import AuthState, client_info
from ticketapp.state.base import guard
from ticketapp.state.bounded import SHORT_MAX, clip
from ticketapp.state.locale import current_lang
from ticketapp.state.snapshot import SentWhenUsed

USER_AGENT_SHOWN = 80


def _row(row: SessionRow, lang: str) -> dict[str, str]:
    locale = BABEL_LOCALES.get(lang, lang)
    return {
        "id": str(row.id),
        "signed_in": format_datetime(row.created_at, format="medium", locale=locale),
        "ip": row.ip or "—",
        "device": (row.user_agent or "—")[:USER_AGENT_SHOWN],
        "current": "1" if row.current else "",
    }


class SessionsState(SentWhenUsed, rx.State):
    sessions: list[dict[str, str]] = []
    message: str = ""

    async def _reload(self, user_id: int, session_id: int) -> None:
        lang = await current_lang(self)
        rows = await run_db(auth_sessions.list_sessions, user_id, session_id)
        self.sessions = [_row(row, lang) for row in rows]

    @rx.event
    async def load(self) -> EventSpec | None:
        access = await guard(self, allow_pending_second_factor=True)
        if not access.ok or access.user is None:
            return access.redirect
        await self._reload(access.user.id, access.user.session_id)
        return None

    @rx.event
    async def sign_out_session(self, session_id: str) -> EventSpec | None:
        """Sign out another browser of this account (an id that is not one of theirs changes nothing)."""
        access = await guard(self, allow_pending_second_factor=True)
        if not access.ok or access.user is None:
            return access.redirect
        chosen = clip(session_id, SHORT_MAX)
        if not chosen.isdigit() or int(chosen) == access.user.session_id:
            return None
        if await run_db(auth_sessions.revoke_other_session, access.user.id, int(chosen), client_info(self)):
            self.message = translate(await current_lang(self), msgid("That browser was signed out."))
        await self._reload(access.user.id, access.user.session_id)
        return None

    @rx.event
    async def sign_out_everywhere(self) -> EventSpec | None:
        """Every session of the account ends, this one too: the tab forgets everything and goes to sign-in."""
        access = await guard(self, allow_pending_second_factor=True)
        if not access.ok or access.user is None:
            return access.redirect
        await run_db(auth_sessions.revoke_all_sessions, access.user.id, client_info(self))
        auth = await self.get_state(AuthState)
        await auth._forget()
        return rx.redirect("/signin")
