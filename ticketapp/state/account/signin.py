"""Sign-up, sign-in (password, second factor, OAuth buttons), password recovery and
e-mail verification. Messages are English ids; pages translate them live.
"""

from __future__ import annotations

import json
import time
from urllib.parse import quote

import reflex as rx
from reflex.event import EventSpec
from sqlmodel import Session

from ticketapp.db import run_db
from ticketapp.i18n import msgid
from ticketapp.services.accounts import accounts, oauth
from ticketapp.services.accounts import sessions as auth_sessions
from ticketapp.services.accounts.accounts import AccountError
from ticketapp.services.accounts.security_log import ClientInfo
from ticketapp.services.risk import bots
from ticketapp.state.account.auth import AuthState, client_info
from ticketapp.state.base import focus_control
from ticketapp.state.bounded import EMAIL_MAX, NAME_MAX, PASSWORD_MAX, SHORT_MAX, clip, form_values
from ticketapp.state.locale import current_lang
from ticketapp.state.shop.cart import CartState
from ticketapp.state.snapshot import SentWhenUsed

# Messages the OAuth callback may put in the URL; anything else shows the generic one.
OAUTH_MESSAGES = {
    oauth.OAUTH_FAILED,
    auth_sessions.ACCOUNT_BLOCKED,
    auth_sessions.COOKIE_LINK_INVALID,
    msgid("Your account at this provider has no verified e-mail address, so we cannot use it."),
}


def _query(state: rx.State, name: str) -> str:
    return state.router.url.query_parameters.get(name, "")


def _next_path(state: rx.State) -> str:
    return oauth.safe_return_path(_query(state, "next") or "/")


async def merge_cart_on_sign_in(state: rx.State) -> None:
    """Once fully signed in, the anonymous cart of this browser becomes the account's."""
    auth = await state.get_state(AuthState)
    user = await auth._current_user()
    if user is None or not user.fully_signed_in:
        return
    cart = await state.get_state(CartState)
    await cart._merge_into_account(user.id)


def set_cookie_and_go(ticket: str, next_path: str) -> EventSpec:
    """A document navigation through `/auth/session`, which sets the HttpOnly session cookie from
    the one-time `ticket` and then opens `next_path` (the websocket reconnects with the cookie).
    `replace`: the ticket's URL does not stay in the tab's history."""
    url = f"/auth/session?ticket={quote(ticket)}&next={quote(oauth.safe_return_path(next_path), safe='')}"
    return rx.call_script(f"window.location.replace({json.dumps(url)})")


def _sign_in(
    session: Session, email: str, password: str, remember: bool, client: ClientInfo
) -> tuple[auth_sessions.SignInResult, str]:
    """Check the password and open the session; the result and the one-time cookie ticket."""
    result = auth_sessions.sign_in(session, email, password, remember, client)
    return result, auth_sessions.cookie_ticket(session, result.token) if result.ok else ""


def _sign_up(session: Session, email: str, name: str, password: str, lang: str, client: ClientInfo) -> None:
    """Create the account (or, for a known address, mail its owner instead): the same answer either way."""
    accounts.sign_up(session, email, name, password, lang, client)


SIGN_UP_FIELDS = {
    bots.HONEYPOT_FIELD: NAME_MAX,
    "email": EMAIL_MAX,
    "display_name": NAME_MAX,
    "password": PASSWORD_MAX,
    "password_confirm": PASSWORD_MAX,
}


class SignInState(SentWhenUsed, rx.State):
    error: str = ""
    # The control the error is about: it is marked invalid, described by the error and focused.
    error_field: str = ""
    step: str = "password"
    next_path: str = "/"
    providers: list[dict[str, str]] = []

    @rx.event
    async def load(self) -> EventSpec | None:
        self.next_path = _next_path(self)
        oauth_error = _query(self, "oauth_error")
        self.error = (oauth_error if oauth_error in OAUTH_MESSAGES else oauth.OAUTH_FAILED) if oauth_error else ""
        self.providers = [
            {"name": p.name, "label": p.label, "href": f"/auth/oauth/{p.name}/start?next={quote(self.next_path)}"}
            for p in oauth.configured_providers()
        ]
        auth = await self.get_state(AuthState)
        user = await auth._current_user()
        self.step = "password"
        if user is None:
            return None
        if user.fully_signed_in:
            return rx.redirect(self.next_path)
        if not user.two_factor_enabled:
            return rx.redirect("/account/security")
        self.step = "code"
        return None

    @rx.event
    async def submit(self, form: dict[str, str]) -> EventSpec | None:
        remember = isinstance(form, dict) and form.get("remember") in ("on", "true", True)
        form = form_values(form, {"email": EMAIL_MAX, "password": PASSWORD_MAX})
        result, ticket = await run_db(_sign_in, form["email"], form["password"], remember, client_info(self))
        if not result.ok:
            # One answer for a wrong address or password (no account enumeration): both fields, the first focused.
            self.error, self.error_field = result.error, "field-email"
            return focus_control(self.error_field)
        self.error, self.error_field = "", ""
        # The cookie route merges the browser's cart once fully signed in; staff come back
        # here for their code (or go to set up two-factor) with the cookie set.
        if result.second_factor == "code":
            return set_cookie_and_go(ticket, f"/signin?next={quote(self.next_path, safe='')}")
        if result.second_factor == "enrol":
            return set_cookie_and_go(ticket, "/account/security")
        return set_cookie_and_go(ticket, self.next_path)

    @rx.event
    async def submit_code(self, form: dict[str, str]) -> EventSpec | None:
        auth = await self.get_state(AuthState)
        code = form_values(form, {"code": SHORT_MAX})["code"]
        refusal = await run_db(auth_sessions.second_factor_refusal, auth._token(), code, client_info(self))
        if refusal:
            self.error, self.error_field = refusal, "field-code"
            return focus_control(self.error_field)
        self.error, self.error_field = "", ""
        await merge_cart_on_sign_in(self)
        return rx.redirect(self.next_path)


# Which sign-up field a refusal is about (password rules are found from the password itself).
SIGN_UP_ERROR_FIELDS = {
    "Please enter a valid e-mail address.": "field-email",
    "Please enter your name.": "field-display_name",
    "The two passwords are not the same.": "field-password_confirm",
}


def sign_up_error_field(message: str, password: str, email: str) -> str:
    """The control id a sign-up refusal is about ("" for refusals about the whole form, such as rate limits)."""
    if message in accounts.password_problems(password, email):
        return "field-password"
    return SIGN_UP_ERROR_FIELDS.get(message, "")


class SignUpState(SentWhenUsed, rx.State):
    error: str = ""
    error_field: str = ""  # the control `error` is about (marked invalid, described by it, focused)
    # The form was accepted: "check your inbox", whether the address was new or already had an account.
    sent: bool = False
    # Rule problems of the typed password, shown live before submitting.
    password_problems: list[str] = []
    _email: str = ""
    _shown_at: float = 0.0  # when the page showed the form (the bot time check)

    @rx.event
    def shown(self) -> None:
        self._shown_at = time.time()
        # A new visit shows an empty form: no answer to an earlier attempt on it.
        self.error, self.error_field, self.sent, self.password_problems = "", "", False, []

    @rx.event
    def remember_email(self, value: str) -> None:
        self._email = clip(value, EMAIL_MAX)

    @rx.event
    def check_password(self, value: str) -> None:
        value = clip(value, PASSWORD_MAX)
        self.password_problems = accounts.password_problems(value, self._email) if value else []

    @rx.event
    async def submit(self, form: dict[str, str]) -> EventSpec | None:
        form = form_values(form, SIGN_UP_FIELDS)
        self.error_field = ""
        if form["password"] != form["password_confirm"]:
            return self._refuse(msgid("The two passwords are not the same."), form)
        lang = await current_lang(self)
        client = client_info(self)
        honeypot, shown_at = form[bots.HONEYPOT_FIELD], self._shown_at
        try:
            await run_db(bots.screen_sign_up, honeypot, shown_at, time.time(), client, form["email"])
        except bots.BotRefusedError as refused:
            return self._refuse(refused.message, form)
        try:
            await run_db(_sign_up, form["email"], form["display_name"], form["password"], lang, client)
        except AccountError as error:
            return self._refuse(error.message, form)
        # Not signed in, for a new address either: otherwise the answer would tell who has an account.
        self.error = ""
        self.sent = True
        return None

    def _refuse(self, message: str, form: dict[str, str]) -> EventSpec | None:
        self.error = message
        self.error_field = sign_up_error_field(message, form["password"], form["email"])
        return focus_control(self.error_field) if self.error_field else None


class ForgotPasswordState(SentWhenUsed, rx.State):
    error: str = ""
    sent: bool = False

    # No on_load reset: after a client-side navigation the page's on_load can arrive
    # after a quick first submit and would wipe its answer.

    @rx.event
    async def submit(self, form: dict[str, str]) -> None:
        self.sent = False
        email = accounts.normalize_email(form_values(form, {"email": EMAIL_MAX})["email"])
        if not accounts.is_valid_email(email):
            self.error = msgid("Please enter a valid e-mail address.")
            return
        await run_db(accounts.request_password_reset, email, client_info(self))
        self.error = ""
        self.sent = True


class ResetPasswordState(SentWhenUsed, rx.State):
    error: str = ""
    token_ok: bool = False
    done: bool = False
    checked: bool = False

    @rx.event
    async def load(self) -> None:
        self.done = False
        self.error = ""
        try:
            await run_db(accounts.check_reset_token, _query(self, "token"))
            self.token_ok = True
        except AccountError as error:
            self.token_ok = False
            self.error = error.message
        self.checked = True

    @rx.event
    async def submit(self, form: dict[str, str]) -> None:
        form = form_values(form, {"password": PASSWORD_MAX, "password_confirm": PASSWORD_MAX})
        if form["password"] != form["password_confirm"]:
            self.error = msgid("The two passwords are not the same.")
            return
        try:
            await run_db(accounts.reset_password, _query(self, "token"), form["password"], client_info(self))
        except AccountError as error:
            self.error = error.message
            return
        # Every session of the account ended, this browser's too: a signed-in tab drops its state
        # (this page's included) before the confirmation is set.
        auth = await self.get_state(AuthState)
        await auth._current_user()
        self.error = ""
        self.done = True
        self.token_ok = False


class VerifyEmailState(SentWhenUsed, rx.State):
    error: str = ""
    verified: bool = False
    checked: bool = False

    @rx.event
    async def load(self) -> None:
        try:
            await run_db(accounts.confirm_email_token, _query(self, "token"), client_info(self))
            verified, error_message = True, ""
        except AccountError as error:
            verified, error_message = False, error.message
        # Refresh the header first: should the confirmation have changed who is signed in, the
        # tab's state is dropped before this page's answer is set.
        auth = await self.get_state(AuthState)
        await auth._current_user()
        self.verified, self.error, self.checked = verified, error_message, True
