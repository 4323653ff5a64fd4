"""Who is signed in on this browser: the session cookies and the header's account vars.

The browser keeps an opaque session token in an HttpOnly cookie: `ta_session` ends
with the browser session, `ta_remember` lasts 30 days ("Remember me"). Only HTTP
routes set and clear it (api/session_cookie.py); a state reads it from the Cookie
header of the tab's websocket handshake and never holds it in a var. Every guarded
handler resolves the token against the database again (`current_user`), so a
revoked session or a blocked account loses access at once — hiding a link is not
access control. The guard that decides "may they?" is in `state/base.py`.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import reflex as rx
from reflex.event import EventSpec
from reflex.middleware import Middleware
from reflex.state import BaseState
from reflex_base.event import Event

from ticketapp.db import run_db
from ticketapp.models import Role
from ticketapp.services.accounts import accounts
from ticketapp.services.accounts.security_log import ClientInfo
from ticketapp.services.accounts.sessions import REMEMBER_COOKIE, SESSION_COOKIE, CurrentUser, resolve_session
from ticketapp.services.shared.bus import account_topic
from ticketapp.services.shared.origin import serve_origin
from ticketapp.state import live
from ticketapp.state.account.tab import drop_tab_state
from ticketapp.state.snapshot import SentWhenUsed

# The event a (re)connecting tab sends first; its answer is the full snapshot.
HYDRATE_EVENT = f"{rx.State.get_full_name()}.hydrate_and_load"


def client_info(state: rx.State) -> ClientInfo:
    return ClientInfo(ip=state.router.session.client_ip or "", user_agent=state.router.headers.user_agent or "")


def current_path(state: rx.State) -> str:
    url = state.router.url
    query = f"?{url.query}" if getattr(url, "query", "") else ""
    return f"{url.path or '/'}{query}"


def sign_in_redirect(state: rx.State) -> EventSpec:
    return rx.redirect(f"/signin?next={quote(current_path(state), safe='')}")


def cookie_value(header: str, name: str) -> str:
    """One cookie's value from a Cookie header ("" if absent)."""
    for part in (header or "").split(";"):
        key, _, value = part.strip().partition("=")
        if key == name:
            return value.strip().strip('"')
    return ""


class AuthState(SentWhenUsed, rx.State):
    signed_in: bool = False
    user_name: str = ""
    user_email: str = ""
    user_role: str = ""
    email_verified: bool = True
    # Staff: the second factor was given in this session (until then no staff link shows).
    second_factor_given: bool = False
    verification_resent: bool = False
    # The session ended while this tab was open (blocked, signed out elsewhere): say so, then go to sign-in.
    session_ended: bool = False
    # True once this browser tab talked to the server; unlike `is_hydrated` it does not
    # flip back to False during client-side navigation (forms use it to enable submit).
    connected: bool = False
    # The session this tab last saw (0: none). Backend-only: the token itself is never in state.
    _session_id: int = 0

    @rx.var
    def is_admin(self) -> bool:
        """An admin who gave the second factor (the header shows the admin menu only then)."""
        return self.signed_in and self.second_factor_given and self.user_role == Role.ADMIN

    @rx.var
    def is_agent(self) -> bool:
        return self.signed_in and self.second_factor_given and self.user_role == Role.AGENT

    @rx.var
    def is_staff(self) -> bool:
        return self.signed_in and self.user_role in (Role.ADMIN, Role.AGENT)

    @rx.var
    def show_verify_banner(self) -> bool:
        return self.signed_in and not self.email_verified

    def _token(self) -> str:
        """The session token of this tab's websocket: the HttpOnly cookie sent with its handshake."""
        header = self.router.headers.cookie
        return cookie_value(header, REMEMBER_COOKIE) or cookie_value(header, SESSION_COOKIE)

    def _show(self, user: CurrentUser | None) -> None:
        self.signed_in = user is not None
        self.user_name = user.display_name if user else ""
        self.user_email = user.email if user else ""
        self.user_role = user.role if user else ""
        self.email_verified = user.email_verified if user else True
        self.second_factor_given = user.fully_signed_in if user else False

    async def _current_user(self) -> CurrentUser | None:
        """Resolve the session now (fresh from the database) and refresh the header vars.

        When the session differs from the one this tab last saw (signed out, revoked
        elsewhere, someone else signed in), the tab's whole server-side state is dropped first.
        """
        token = self._token()
        user = await run_db(resolve_session, token) if token else None
        seen = user.session_id if user else 0
        if self._session_id and self._session_id != seen:
            await drop_tab_state(self)
        self._session_id = seen
        self._show(user)
        return user

    async def _forget(self) -> None:
        """This tab's session ended (sign-out, account deleted): drop everything the tab holds."""
        await drop_tab_state(self)
        self._session_id = 0
        self._show(None)

    @rx.event
    async def refresh(self) -> None:
        """On page load/mount: show who is signed in, and follow the account so its end shows at once."""
        self.connected = True
        user = await self._current_user()
        if user is not None:
            self.session_ended = False
        live.follow(self, *([account_topic(user.id)] if user else []))

    async def _on_fact(self, topic: str, payload: dict[str, Any]) -> None:
        """The account's sessions changed elsewhere: if this tab's ended, it is signed out now."""
        was_signed_in = self.signed_in
        if was_signed_in and await self._current_user() is None:
            self.session_ended = True
            live.follow(self)

    @rx.event
    def leave_ended_session(self) -> EventSpec | None:
        """The notice is up: take the person to sign-in (once), back to this page afterwards."""
        if (self.router.url.path or "").startswith("/signin"):
            return None
        return sign_in_redirect(self)

    @rx.event
    async def resend_verification(self) -> None:
        user = await self._current_user()
        if user is None or user.email_verified:
            return
        await run_db(accounts.resend_verification, user.id)
        self.verification_resent = True


class TabIdentityMiddleware(Middleware):
    """Also notes the visitor's origin for the event (see preprocess).

    Before a (re)connecting tab gets its snapshot: if it had a session and the connection's
    cookie now opens another one or none (signed out by `POST /auth/signout`, revoked elsewhere,
    someone else signed in), the tab's state is dropped, so the snapshot carries none of it."""

    async def preprocess(self, app: Any, state: BaseState, event: Event) -> None:
        # Links built while this event is handled (payment returns, e-mails) keep the visitor's host when it
        # is one of ours (services/shared/origin.py); the handler runs in this same task and context.
        serve_origin(state.router.headers.origin)
        if event.name != HYDRATE_EVENT:
            return None
        auth = await state.get_state(AuthState)
        if auth._session_id:
            await auth._current_user()
        return None


async def current_user(state: rx.State) -> CurrentUser | None:
    """The person signed in on the browser behind `state`, fresh from the database."""
    auth = await state.get_state(AuthState)
    return await auth._current_user()
