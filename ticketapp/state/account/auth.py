"""Who is signed in on this browser: the session cookies and the header's account vars.

The browser keeps an opaque session token in a cookie: `ta_session` ends with
the browser session, `ta_remember` lasts 30 days ("Remember me"). Every guarded
handler resolves the token against the database again (`current_user`), so a
revoked session or a blocked account loses access at once — hiding a link is not
access control. The guard that decides "may they?" is in `state/base.py`.
"""

from __future__ import annotations

from urllib.parse import quote

import reflex as rx
from reflex.event import EventSpec

from ticketapp.db import run_db
from ticketapp.models import Role
from ticketapp.services.accounts import accounts
from ticketapp.services.accounts.security_log import ClientInfo
from ticketapp.services.accounts.sessions import (
    REMEMBER_COOKIE,
    REMEMBER_ME_LIFETIME,
    SESSION_COOKIE,
    CurrentUser,
    resolve_session,
    revoke_session,
)
from ticketapp.state.snapshot import SentWhenUsed

REMEMBER_MAX_AGE_S = int(REMEMBER_ME_LIFETIME.total_seconds())


def client_info(state: rx.State) -> ClientInfo:
    return ClientInfo(ip=state.router.session.client_ip or "", user_agent=state.router.headers.user_agent or "")


def current_path(state: rx.State) -> str:
    url = state.router.url
    query = f"?{url.query}" if getattr(url, "query", "") else ""
    return f"{url.path or '/'}{query}"


def sign_in_redirect(state: rx.State) -> EventSpec:
    return rx.redirect(f"/signin?next={quote(current_path(state), safe='')}")


class AuthState(SentWhenUsed, rx.State):
    # max_age unset: the cookie ends with the browser session.
    browser_token: str = rx.Cookie("", name=SESSION_COOKIE, same_site="lax")
    remembered_token: str = rx.Cookie("", name=REMEMBER_COOKIE, max_age=REMEMBER_MAX_AGE_S, same_site="lax")
    signed_in: bool = False
    user_name: str = ""
    user_email: str = ""
    user_role: str = ""
    email_verified: bool = True
    verification_resent: bool = False
    # True once this browser tab talked to the server; unlike `is_hydrated` it does not
    # flip back to False during client-side navigation (forms use it to enable submit).
    connected: bool = False

    @rx.var
    def is_admin(self) -> bool:
        return self.signed_in and self.user_role == Role.ADMIN

    @rx.var
    def is_agent(self) -> bool:
        return self.signed_in and self.user_role == Role.AGENT

    @rx.var
    def is_staff(self) -> bool:
        return self.signed_in and self.user_role in (Role.ADMIN, Role.AGENT)

    @rx.var
    def show_verify_banner(self) -> bool:
        return self.signed_in and not self.email_verified

    def _token(self) -> str:
        return self.remembered_token or self.browser_token

    def _show(self, user: CurrentUser | None) -> None:
        self.signed_in = user is not None
        self.user_name = user.display_name if user else ""
        self.user_email = user.email if user else ""
        self.user_role = user.role if user else ""
        self.email_verified = user.email_verified if user else True

    def _forget_tokens(self) -> list[EventSpec]:
        self.browser_token = ""
        self.remembered_token = ""
        self._show(None)
        return [rx.remove_cookie(SESSION_COOKIE), rx.remove_cookie(REMEMBER_COOKIE)]

    def _remember_token(self, token: str, remember: bool) -> None:
        self.remembered_token = token if remember else ""
        self.browser_token = "" if remember else token

    async def _current_user(self) -> CurrentUser | None:
        """Resolve the session now (fresh from the database) and refresh the header vars."""
        token = self._token()
        user = await run_db(resolve_session, token) if token else None
        self._show(user)
        return user

    @rx.event
    async def refresh(self) -> list[EventSpec] | None:
        """On page load/mount: show who is signed in; drop a dead token."""
        self.connected = True
        user = await self._current_user()
        if user is None and self._token():
            return self._forget_tokens()
        return None

    @rx.event
    async def sign_out(self) -> list[EventSpec]:
        token = self._token()
        if token:
            await run_db(revoke_session, token, client_info(self))
        return [*self._forget_tokens(), rx.redirect("/")]

    @rx.event
    async def resend_verification(self) -> None:
        user = await self._current_user()
        if user is None or user.email_verified:
            return
        await run_db(accounts.resend_verification, user.id)
        self.verification_resent = True


async def current_user(state: rx.State) -> CurrentUser | None:
    """The person signed in on the browser behind `state`, fresh from the database."""
    auth = await state.get_state(AuthState)
    return await auth._current_user()
