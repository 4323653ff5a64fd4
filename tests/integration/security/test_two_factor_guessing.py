"""2FA attacks: guessing codes locks the second factor and mails the owner; a code is accepted only once."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

import pyotp
from sqlmodel import Session, select

from ticketapp.models import SecurityEvent, SecurityEventKind
from ticketapp.services.accounts import accounts, two_factor
from ticketapp.services.accounts import sessions as auth_sessions
from ticketapp.services.accounts.security_log import ClientInfo
from ticketapp.services.accounts.throttling import ACCOUNT_FAILURE_LIMIT

CLIENT = ClientInfo(ip="203.0.113.9", user_agent="pytest")
PASSWORD = "admin secret pass"


def _unique_email() -> str:
    # The SMTP sink lives for the whole test session: an address of its own per test.
    return f"guarded-{secrets.token_hex(4)}@example.com"


def _enrolled_admin(session: Session, email: str) -> tuple[int, str]:
    admin = accounts.create_admin(session, email, PASSWORD)
    secret = two_factor.start_enrolment(session, admin.id)
    two_factor.confirm_enrolment(session, admin.id, pyotp.TOTP(secret).now(), CLIENT)
    return admin.id, secret


def _pending_session(session: Session, email: str) -> str:
    result = auth_sessions.sign_in(session, email, PASSWORD, False, CLIENT)
    assert result.ok and result.second_factor == "code"
    return result.token


def _step_code(secret: str, offset: int = 0) -> str:
    totp = pyotp.TOTP(secret)
    return totp.generate_otp(totp.timecode(datetime.now(UTC)) + offset)


def _wrong(secret: str) -> str:
    valid = {_step_code(secret, offset) for offset in (-1, 0, 1)}
    return next(code for code in ("000000", "111111", "222222", "333333") if code not in valid)


def _kinds(session: Session, user_id: int) -> list[str]:
    return list(session.exec(select(SecurityEvent.kind).where(SecurityEvent.user_id == user_id)))


def test_wrong_codes_lock_the_second_factor_and_mail_the_owner(session: Session, smtp, mail_sink) -> None:
    email = _unique_email()
    user_id, secret = _enrolled_admin(session, email)
    token = _pending_session(session, email)
    for _ in range(ACCOUNT_FAILURE_LIMIT):
        assert not auth_sessions.complete_second_factor(session, token, _wrong(secret), CLIENT)
    mail_sink.wait_for(email, "paused")
    # Locked now: even the right code (or a recovery code) is refused, in this session or a new one.
    assert not auth_sessions.complete_second_factor(session, token, _step_code(secret, 1), CLIENT)
    assert not auth_sessions.complete_second_factor(
        session, _pending_session(session, email), _step_code(secret, 1), CLIENT
    )
    assert not auth_sessions.resolve_session(session, token).fully_signed_in
    kinds = _kinds(session, user_id)
    assert kinds.count(SecurityEventKind.TWO_FACTOR_FAILED) == ACCOUNT_FAILURE_LIMIT
    assert kinds.count(SecurityEventKind.TWO_FACTOR_LOCKOUT) == 1
    assert len(mail_sink.mails_to(email)) == 1


def test_a_code_is_accepted_once_then_refused_in_another_session(session: Session) -> None:
    email = _unique_email()
    _, secret = _enrolled_admin(session, email)
    fresh = _step_code(secret, 1)  # the next step's code: later than the enrolment one
    first, second = _pending_session(session, email), _pending_session(session, email)
    assert auth_sessions.complete_second_factor(session, first, fresh, CLIENT)
    assert not auth_sessions.complete_second_factor(session, second, fresh, CLIENT)
    # Older codes are refused too once a later step was accepted.
    assert not auth_sessions.complete_second_factor(session, second, _step_code(secret), CLIENT)
    assert auth_sessions.resolve_session(session, first).fully_signed_in
    assert not auth_sessions.resolve_session(session, second).fully_signed_in


def test_locked_second_factor_says_so(session: Session, smtp, mail_sink) -> None:
    """A wrong code says "not correct"; once locked, the sign-in page says it is locked and for how long."""
    email = _unique_email()
    _, secret = _enrolled_admin(session, email)
    token = _pending_session(session, email)
    assert auth_sessions.second_factor_refusal(session, token, _wrong(secret), CLIENT) == auth_sessions.WRONG_CODE
    for _ in range(ACCOUNT_FAILURE_LIMIT - 2):
        auth_sessions.complete_second_factor(session, token, _wrong(secret), CLIENT)
    # The failure that locks, and every code after it (even the right one), answer with the lockout.
    assert auth_sessions.second_factor_refusal(session, token, _wrong(secret), CLIENT) == auth_sessions.CODE_LOCKED
    locked = auth_sessions.second_factor_refusal(session, token, _step_code(secret, 1), CLIENT)
    assert locked == auth_sessions.CODE_LOCKED and "15 minutes" in locked
    mail_sink.wait_for(email, "paused")
