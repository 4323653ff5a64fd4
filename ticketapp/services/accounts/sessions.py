"""Signed-in sessions: password sign-in with throttling, the second factor for staff,
and resolving/revoking the opaque session token kept in the browser cookie.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from ticketapp.i18n import msgid
from ticketapp.models import SecurityEventKind, User, UserSession, utcnow
from ticketapp.services.accounts import mail as account_mail
from ticketapp.services.accounts import throttling
from ticketapp.services.accounts.accounts import get_user_by_email, normalize_email, revoke_user_sessions
from ticketapp.services.accounts.passwords import hash_password, verify_password
from ticketapp.services.accounts.security_log import ClientInfo, record_event
from ticketapp.services.accounts.two_factor import check_second_factor
from ticketapp.services.shared import bus, signing
from ticketapp.services.shared.secrets import hash_token, new_token

SESSION_COOKIE = "ta_session"
REMEMBER_COOKIE = "ta_remember"
REMEMBER_ME_LIFETIME = timedelta(days=30)
# A browser-session cookie ends when the browser closes; the server ends it after a day anyway.
BROWSER_SESSION_LIFETIME = timedelta(hours=24)
WRONG_CREDENTIALS = msgid("The e-mail or password is wrong.")
ACCOUNT_LOCKED = msgid("Too many failed sign-in attempts. Please wait 15 minutes and try again.")
IP_LOCKED = msgid("Too many failed sign-in attempts from your network. Please wait 15 minutes and try again.")
ACCOUNT_BLOCKED = msgid("This account is blocked. Please contact support.")
WRONG_CODE = msgid("That code is not correct. Check your authenticator app and try again.")
CODE_LOCKED = msgid(
    "Too many wrong codes. Sign-in with a code is locked for 15 minutes; we sent you an e-mail about it."
)
COOKIE_LINK_INVALID = msgid("This sign-in link is not valid any more. Please sign in again.")
# The one-time link that turns a session opened over the websocket into an HttpOnly cookie.
COOKIE_TICKET_PURPOSE = "session-cookie"
COOKIE_TICKET_LIFETIME = timedelta(minutes=2)
_DUMMY_HASH: list[str] = []


@dataclass(frozen=True)
class SignInResult:
    ok: bool
    error: str = ""
    token: str = ""
    remember: bool = False
    # For staff: "code" when a TOTP code is needed, "enrol" when 2FA must be set up first.
    second_factor: str = ""


@dataclass(frozen=True)
class CurrentUser:
    """What the UI may know about the signed-in person."""

    id: int
    session_id: int
    email: str
    display_name: str
    role: str
    locale: str
    email_verified: bool
    is_staff: bool
    two_factor_enabled: bool
    second_factor_ok: bool
    preferred_currency: str
    phone: str
    has_password: bool

    @property
    def fully_signed_in(self) -> bool:
        """Staff need the second factor for anything beyond setting it up."""
        return not self.is_staff or (self.two_factor_enabled and self.second_factor_ok)


def _burn_time_on_unknown_email(password: str) -> None:
    # Verify against a real hash so an unknown e-mail answers as slowly as a known one.
    if not _DUMMY_HASH:
        _DUMMY_HASH.append(hash_password(new_token()))
    verify_password(password, _DUMMY_HASH[0])


def create_session(session: Session, user: User, remember: bool, client: ClientInfo) -> tuple[str, UserSession]:
    """Open a session (not committed); returns the raw token for the cookie."""
    raw = new_token()
    lifetime = REMEMBER_ME_LIFETIME if remember else BROWSER_SESSION_LIFETIME
    user_session = UserSession(
        user_id=user.id or 0,
        token_hash=hash_token(raw),
        remember=remember,
        expires_at=utcnow() + lifetime,
        ip=client.ip[:64],
        user_agent=client.user_agent[:400],
    )
    session.add(user_session)
    return raw, user_session


def _second_factor_step(user: User) -> str:
    if not user.is_staff:
        return ""
    return "code" if user.two_factor_enabled else "enrol"


def _refuse(session: Session, user: User | None, email: str, client: ClientInfo, error: str) -> SignInResult:
    throttling.record_attempt(session, email, client.ip, succeeded=False)
    record_event(session, SecurityEventKind.SIGN_IN_FAILED, client, user_id=user.id if user else None, email=email)
    session.commit()
    if user is not None and throttling.account_locked_until(session, email):
        record_event(session, SecurityEventKind.LOCKOUT, client, user_id=user.id, email=email)
        session.commit()
        account_mail.send_lockout_notice(user.email, user.display_name, user.locale)
    return SignInResult(ok=False, error=error)


def sign_in(session: Session, email: str, password: str, remember: bool, client: ClientInfo) -> SignInResult:
    """Check the password, with throttling per account and per IP."""
    email = normalize_email(email)
    if throttling.ip_locked_until(session, client.ip):
        return SignInResult(ok=False, error=IP_LOCKED)
    if throttling.account_locked_until(session, email):
        return SignInResult(ok=False, error=ACCOUNT_LOCKED)
    user = get_user_by_email(session, email)
    if user is None or user.deleted_at is not None or not user.password_hash:
        _burn_time_on_unknown_email(password)
        return _refuse(session, None, email, client, WRONG_CREDENTIALS)
    if not verify_password(password, user.password_hash):
        return _refuse(session, user, email, client, WRONG_CREDENTIALS)
    if user.is_blocked:
        record_event(session, SecurityEventKind.SIGN_IN_BLOCKED, client, user_id=user.id, email=email)
        session.commit()
        return SignInResult(ok=False, error=ACCOUNT_BLOCKED)
    throttling.record_attempt(session, email, client.ip, succeeded=True)
    token, _ = create_session(session, user, remember, client)
    record_event(session, SecurityEventKind.SIGN_IN_OK, client, user_id=user.id, email=email)
    session.commit()
    return SignInResult(ok=True, token=token, remember=remember, second_factor=_second_factor_step(user))


def sign_in_user(session: Session, user: User, remember: bool, client: ClientInfo, detail: str = "") -> str:
    """Open a session for a user already authenticated elsewhere (OAuth); returns the token."""
    token, _ = create_session(session, user, remember, client)
    record_event(session, SecurityEventKind.SIGN_IN_OK, client, user_id=user.id, email=user.email, detail=detail)
    session.commit()
    return token


def _open_session(session: Session, token: str, now: datetime) -> UserSession | None:
    if not token:
        return None
    found = session.exec(select(UserSession).where(UserSession.token_hash == hash_token(token))).first()
    if found is None or found.revoked_at is not None or found.expires_at <= now:
        return None
    return found


def resolve_session(session: Session, token: str) -> CurrentUser | None:
    """The user behind a session token, or None (unknown, expired, revoked, blocked)."""
    now = utcnow()
    user_session = _open_session(session, token, now)
    if user_session is None:
        return None
    user = session.get(User, user_session.user_id)
    if user is None or user.deleted_at is not None or user.is_blocked:
        # Blocked accounts lose their sessions for good.
        user_session.revoked_at = now
        session.add(user_session)
        session.commit()
        return None
    return CurrentUser(
        id=user.id or 0,
        session_id=user_session.id or 0,
        email=user.email,
        display_name=user.display_name,
        role=user.role,
        locale=user.locale,
        email_verified=user.email_verified_at is not None,
        is_staff=user.is_staff,
        two_factor_enabled=user.two_factor_enabled,
        second_factor_ok=user_session.second_factor_ok,
        preferred_currency=user.preferred_currency or "",
        phone=user.phone or "",
        has_password=bool(user.password_hash),
    )


def revoke_session(session: Session, token: str, client: ClientInfo) -> None:
    user_session = _open_session(session, token, utcnow())
    if user_session is None:
        return
    user_session.revoked_at = utcnow()
    session.add(user_session)
    record_event(session, SecurityEventKind.SIGN_OUT, client, user_id=user_session.user_id)
    session.commit()
    # Not announced: the person signed out here themselves; "session ended" notices are for ends made elsewhere.


def second_factor_refusal(session: Session, token: str, code: str, client: ClientInfo) -> str:
    """`complete_second_factor`, answered as the message to show: "" when the code was accepted."""
    if complete_second_factor(session, token, code, client):
        return ""
    user_session = _open_session(session, token, utcnow())
    if user_session is not None and throttling.second_factor_locked_until(session, user_session.user_id):
        return CODE_LOCKED
    return WRONG_CODE


def complete_second_factor(session: Session, token: str, code: str, client: ClientInfo) -> bool:
    """Check a staff member's TOTP/recovery code and mark the session as fully signed in."""
    user_session = _open_session(session, token, utcnow())
    if user_session is None:
        return False
    user = session.get(User, user_session.user_id)
    if user is None or not user.two_factor_enabled or user.is_blocked:
        return False
    ok = check_second_factor(session, user, code, client)
    if ok:
        user_session.second_factor_ok = True
        session.add(user_session)
    session.commit()
    return ok


def mark_second_factor_ok(session: Session, session_id: int) -> None:
    """After enrolment the code just given counts for the current session."""
    user_session = session.get(UserSession, session_id)
    if user_session is not None:
        user_session.second_factor_ok = True
        session.add(user_session)
        session.commit()


# -- the session cookie: set by an HTTP route (HttpOnly), never through the websocket --------------------


@dataclass(frozen=True)
class CookieGrant:
    """What the cookie route sets: a fresh raw token for the session, and which cookie holds it."""

    token: str
    remember: bool
    user_id: int
    fully_signed_in: bool


def _ticket_body(session_id: int, issued: int, token_hash: str) -> str:
    return f"{session_id}.{issued}.{token_hash}"


def cookie_ticket(session: Session, token: str, now: datetime | None = None) -> str:
    """A one-time ticket for `/auth/session` that puts the session behind `token` in an HttpOnly cookie.

    The ticket names the session and is signed together with the session's current token
    hash; redeeming it rotates that hash, so the same ticket never works twice, and it
    expires after COOKIE_TICKET_LIFETIME. "" if the token opens no session.
    """
    now = now or utcnow()
    user_session = _open_session(session, token, now)
    if user_session is None or user_session.id is None:
        return ""
    issued = int(now.timestamp())
    signature = signing.sign(_ticket_body(user_session.id, issued, user_session.token_hash), COOKIE_TICKET_PURPOSE)
    return f"{user_session.id}.{issued}.{signature}"


def redeem_cookie_ticket(session: Session, ticket: str, now: datetime | None = None) -> CookieGrant | None:
    """The cookie to set for a valid, unused, unexpired ticket (the session's token is rotated), or None."""
    now = now or utcnow()
    parts = (ticket or "").split(".")
    if len(parts) != 3 or not parts[0].isdigit() or not parts[1].isdigit() or len(parts[0]) > 18:
        return None
    session_id, issued, signature = int(parts[0]), int(parts[1]), parts[2]
    age = now.timestamp() - issued
    if age < -5 or age > COOKIE_TICKET_LIFETIME.total_seconds():
        return None
    user_session = session.get(UserSession, session_id)
    if user_session is None or user_session.revoked_at is not None or user_session.expires_at <= now:
        return None
    if not signing.verify(_ticket_body(session_id, issued, user_session.token_hash), COOKIE_TICKET_PURPOSE, signature):
        return None
    user = session.get(User, user_session.user_id)
    if user is None or user.deleted_at is not None or user.is_blocked:
        return None
    raw = new_token()
    user_session.token_hash = hash_token(raw)
    session.add(user_session)
    session.commit()
    fully = not user.is_staff or (user.two_factor_enabled and user_session.second_factor_ok)
    return CookieGrant(token=raw, remember=user_session.remember, user_id=user.id or 0, fully_signed_in=fully)


# -- the account's list of signed-in browsers ------------------------------------------------------------


@dataclass(frozen=True)
class SessionRow:
    id: int
    created_at: datetime
    last_seen_at: datetime
    ip: str
    user_agent: str
    remember: bool
    current: bool


def list_sessions(session: Session, user_id: int, current_session_id: int) -> list[SessionRow]:
    """The account's open sessions, newest first; `current` marks the one asking."""
    now = utcnow()
    rows = session.exec(
        select(UserSession)
        .where(UserSession.user_id == user_id, col(UserSession.revoked_at).is_(None), UserSession.expires_at > now)
        .order_by(col(UserSession.created_at).desc(), col(UserSession.id).desc())
    ).all()
    return [
        SessionRow(
            id=row.id or 0,
            created_at=row.created_at,
            last_seen_at=row.last_seen_at,
            ip=row.ip,
            user_agent=row.user_agent,
            remember=row.remember,
            current=row.id == current_session_id,
        )
        for row in rows
    ]


def revoke_other_session(session: Session, user_id: int, session_id: int, client: ClientInfo) -> bool:
    """Sign out one session of the account (only its own sessions; False changes nothing)."""
    user_session = session.get(UserSession, session_id)
    if user_session is None or user_session.user_id != user_id or user_session.revoked_at is not None:
        return False
    user_session.revoked_at = utcnow()
    session.add(user_session)
    record_event(session, SecurityEventKind.SIGN_OUT, client, user_id=user_id, detail=f"session {session_id}")
    session.commit()
    announce_sessions_ended(user_id)
    return True


def revoke_all_sessions(session: Session, user_id: int, client: ClientInfo) -> int:
    """ "Sign out everywhere": every open session of the account, this browser's too."""
    count = revoke_user_sessions(session, user_id)
    record_event(session, SecurityEventKind.SIGN_OUT, client, user_id=user_id, detail=f"everywhere ({count})")
    session.commit()
    announce_sessions_ended(user_id)
    return count


def announce_sessions_ended(user_id: int) -> None:
    """After the commit that ended sessions of the account: its tabs still open sign out at once."""
    bus.publish(bus.account_topic(user_id))
