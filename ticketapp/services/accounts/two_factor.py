"""TOTP second factor for staff (pyotp), with one-time recovery codes."""

from __future__ import annotations

import base64
import hmac
import io
import json
import secrets
from datetime import UTC, datetime

import pyotp
import qrcode
from sqlmodel import Session

from ticketapp.i18n import msgid
from ticketapp.models import SecurityEventKind, User, utcnow
from ticketapp.services.accounts import mail as account_mail
from ticketapp.services.accounts import throttling
from ticketapp.services.accounts.accounts import AccountError
from ticketapp.services.accounts.security_log import ClientInfo, record_event
from ticketapp.services.shared.secrets import hash_token

ISSUER = "Ticketapp"
RECOVERY_CODE_COUNT = 10


def provisioning_uri(secret: str, email: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def qr_data_uri(text: str) -> str:
    """A PNG QR code as a data: URI (nothing written to the public upload folder)."""
    image = qrcode.make(text, box_size=6, border=2)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def start_enrolment(session: Session, user_id: int) -> str:
    """Give the user a fresh (unconfirmed) TOTP secret unless 2FA is already on."""
    user = session.get(User, user_id)
    if user is None:
        raise AccountError(msgid("Please sign in again."))
    if user.two_factor_enabled:
        raise AccountError(msgid("Two-factor authentication is already on."))
    if not user.totp_secret:
        user.totp_secret = pyotp.random_base32()
        session.add(user)
        session.commit()
    return user.totp_secret or ""


def matching_totp_step(secret: str, code: str, at: datetime | None = None) -> int | None:
    """The time-step (now, or one either side for clock drift) whose code is `code`, else None."""
    code = code.replace(" ", "").strip()
    if not secret or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    moment = at or datetime.now(UTC)
    current = totp.timecode(moment)
    for offset in (0, -1, 1):
        if hmac.compare_digest(totp.generate_otp(current + offset), code):
            return current + offset
    return None


def verify_totp(secret: str, code: str) -> bool:
    return matching_totp_step(secret, code) is not None


def _accept_totp(user: User, code: str) -> bool:
    """A valid code from a time-step later than the last one accepted (RFC 6238 §5.2); remembers the step."""
    step = matching_totp_step(user.totp_secret or "", code)
    if step is None or (user.totp_last_step is not None and step <= user.totp_last_step):
        return False
    user.totp_last_step = step
    return True


def _new_recovery_codes() -> list[str]:
    return [f"{secrets.token_hex(3)}-{secrets.token_hex(3)}" for _ in range(RECOVERY_CODE_COUNT)]


def confirm_enrolment(session: Session, user_id: int, code: str, client: ClientInfo) -> list[str]:
    """Turn 2FA on once a valid code is given; returns recovery codes (shown only now)."""
    user = session.get(User, user_id)
    if user is None or not user.totp_secret:
        raise AccountError(msgid("Please start the set-up again."))
    if user.two_factor_enabled:
        raise AccountError(msgid("Two-factor authentication is already on."))
    if not _accept_totp(user, code):
        raise AccountError(msgid("That code is not correct. Check your authenticator app and try again."))
    codes = _new_recovery_codes()
    user.recovery_codes_hash = json.dumps([hash_token(c) for c in codes])
    user.totp_enabled_at = utcnow()
    session.add(user)
    record_event(session, SecurityEventKind.TWO_FACTOR_ENROLLED, client, user_id=user.id, email=user.email)
    session.commit()
    return codes


def _spend_recovery_code(session: Session, user: User, code: str, client: ClientInfo) -> bool:
    hashes = json.loads(user.recovery_codes_hash or "[]")
    candidate = hash_token(code.strip().lower())
    if candidate not in hashes:
        return False
    hashes.remove(candidate)
    user.recovery_codes_hash = json.dumps(hashes)
    record_event(session, SecurityEventKind.RECOVERY_CODE_USED, client, user_id=user.id, email=user.email)
    return True


def check_second_factor(session: Session, user: User, code: str, client: ClientInfo) -> bool:
    """A fresh TOTP code, or an unused recovery code (which is then spent). Not committed.

    While the account's second factor is locked (too many wrong codes) every code is refused;
    the failure that locks it records a lockout and mails the owner.
    """
    user_id = user.id or 0
    if throttling.second_factor_locked_until(session, user_id):
        return False
    if _accept_totp(user, code) or _spend_recovery_code(session, user, code, client):
        session.add(user)
        record_event(session, SecurityEventKind.TWO_FACTOR_OK, client, user_id=user_id, email=user.email)
        return True
    record_event(session, SecurityEventKind.TWO_FACTOR_FAILED, client, user_id=user_id, email=user.email)
    session.flush()
    if throttling.second_factor_locked_until(session, user_id):
        record_event(session, SecurityEventKind.TWO_FACTOR_LOCKOUT, client, user_id=user_id, email=user.email)
        account_mail.send_lockout_notice(user.email, user.display_name, user.locale)
    return False
