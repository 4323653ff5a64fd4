"""Accounts: sign-up, e-mail verification, password rules and reset, blocking and
admin creation (a customer's own changes are in `profile`). Errors are `AccountError`
carrying an English message id that the caller translates.
"""

from __future__ import annotations

import re
from datetime import timedelta

from sqlmodel import Session, col, select

from ticketapp.i18n import msgid, normalize_locale
from ticketapp.models import OneTimeToken, Role, SecurityEventKind, TokenPurpose, User, UserSession, utcnow
from ticketapp.services.accounts import mail as account_mail
from ticketapp.services.accounts.mail_limits import MAIL_THROTTLED, account_mail_allowed
from ticketapp.services.accounts.passwords import hash_password
from ticketapp.services.accounts.security_log import ClientInfo, record_event
from ticketapp.services.errors import DomainError
from ticketapp.services.shared.secrets import hash_token, new_token
from ticketapp.services.webhooks import events as webhook_events

MIN_PASSWORD_LENGTH = 10
TOKEN_LIFETIMES = {
    TokenPurpose.VERIFY_EMAIL: timedelta(days=3),
    TokenPurpose.RESET_PASSWORD: timedelta(hours=1),
    TokenPurpose.CHANGE_EMAIL: timedelta(days=1),
}
INVITATION_LIFETIME = timedelta(days=3)
# A short list of the most used passwords of at least 10 characters (public breach statistics).
COMMON_PASSWORDS = frozenset(
    {
        "1234567890",
        "12345678910",
        "0987654321",
        "1111111111",
        "0000000000",
        "1q2w3e4r5t",
        "qwertyuiop",
        "1qaz2wsx3edc",
        "password12",
        "password123",
        "password1234",
        "iloveyou123",
        "qwerty1234",
        "qwerty12345",
        "qwerty123456",
        "abcdefghij",
        "abc1234567",
        "letmein123",
        "welcome123",
        "monkey1234",
        "football123",
        "baseball123",
        "sunshine123",
        "princess123",
        "motdepasse",
        "motdepasse1",
        "azertyuiop",
        "azerty1234",
        "administrator",
        "changeme123",
        "passw0rd123",
        "trustno1234",
    }
)
EMAIL_PATTERN = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s.]{2,}$")


class AccountError(DomainError):
    """A refusal with a user-facing message id (translate it before showing)."""


def normalize_email(email: str) -> str:
    return email.strip().lower()


def is_valid_email(email: str) -> bool:
    return bool(EMAIL_PATTERN.match(email)) and len(email) <= 320


def password_problems(password: str, email: str) -> list[str]:
    """Message ids of the rules `password` breaks (empty when it is acceptable)."""
    problems = []
    if len(password) < MIN_PASSWORD_LENGTH:
        problems.append(msgid("Use at least 10 characters."))
    lowered = password.strip().lower()
    email = normalize_email(email)
    if email and (lowered == email or lowered == email.split("@")[0]):
        problems.append(msgid("Don't use your e-mail address as password."))
    if lowered in COMMON_PASSWORDS:
        problems.append(msgid("This password is too common; choose another one."))
    return problems


def check_password(password: str, email: str) -> None:
    problems = password_problems(password, email)
    if problems:
        raise AccountError(problems[0])


def get_user_by_email(session: Session, email: str) -> User | None:
    return session.exec(select(User).where(User.email == normalize_email(email))).first()


def issue_token(
    session: Session,
    user: User,
    purpose: TokenPurpose,
    new_email: str | None = None,
    lifetime: timedelta | None = None,
) -> str:
    """Create a single-use token; only its hash is stored. Returns the raw token."""
    raw = new_token()
    session.add(
        OneTimeToken(
            user_id=user.id or 0,
            purpose=purpose,
            token_hash=hash_token(raw),
            new_email=new_email,
            expires_at=utcnow() + (lifetime or TOKEN_LIFETIMES[purpose]),
        )
    )
    return raw


def consume_token(session: Session, raw: str, purpose: TokenPurpose) -> OneTimeToken:
    """Mark a valid token used (not committed); refuse unknown, used or expired ones."""
    token = session.exec(
        select(OneTimeToken).where(OneTimeToken.token_hash == hash_token(raw or ""), OneTimeToken.purpose == purpose)
    ).first()
    if token is None:
        raise AccountError(msgid("This link is not valid. Please ask for a new one."))
    if token.used_at is not None:
        raise AccountError(msgid("This link was already used. Please ask for a new one."))
    if token.expires_at <= utcnow():
        raise AccountError(msgid("This link has expired. Please ask for a new one."))
    token.used_at = utcnow()
    session.add(token)
    return token


EXISTING_ADDRESS = "existing address"


def sign_up(
    session: Session, email: str, display_name: str, password: str, lang: str, client: ClientInfo
) -> User | None:
    """Create a customer account and send the verification mail.

    An address that already has an account gets the same answer as a new one (no account
    enumeration): nothing is created, the owner is mailed that someone tried to sign up with
    it, and None is returned. Both mails count against the same per-address/IP limits.
    """
    email = normalize_email(email)
    display_name = display_name.strip()
    if not is_valid_email(email):
        raise AccountError(msgid("Please enter a valid e-mail address."))
    if not display_name:
        raise AccountError(msgid("Please enter your name."))
    check_password(password, email)
    existing = get_user_by_email(session, email)
    if existing is not None:
        hash_password(password)  # as slow as creating the account
        _tell_owner_of_sign_up_attempt(session, existing, client)
        return None
    user = User(
        email=email,
        display_name=display_name[:120],
        password_hash=hash_password(password),
        role=Role.CUSTOMER,
        locale=normalize_locale(lang),
    )
    session.add(user)
    session.flush()
    token = issue_token(session, user, TokenPurpose.VERIFY_EMAIL)
    send = account_mail_allowed(session, email, client.ip)
    detail = "" if send else MAIL_THROTTLED
    record_event(session, SecurityEventKind.SIGN_UP, client, user_id=user.id, email=email, detail=detail)
    webhook_events.record(session, "customer.created", webhook_events.customer_data(user))
    session.commit()
    if send:
        account_mail.send_verification_mail(email, user.display_name, user.locale, token)
    return user


def _tell_owner_of_sign_up_attempt(session: Session, owner: User, client: ClientInfo) -> None:
    send = account_mail_allowed(session, owner.email, client.ip)
    detail = EXISTING_ADDRESS if send else f"{EXISTING_ADDRESS}; {MAIL_THROTTLED}"
    record_event(session, SecurityEventKind.SIGN_UP, client, user_id=owner.id, email=owner.email, detail=detail)
    session.commit()
    if send and owner.deleted_at is None:
        account_mail.send_sign_up_attempt_notice(owner.email, owner.display_name, owner.locale)


def resend_verification(session: Session, user_id: int) -> None:
    user = session.get(User, user_id)
    if user is None or user.email_verified_at is not None:
        return
    token = issue_token(session, user, TokenPurpose.VERIFY_EMAIL)
    session.commit()
    account_mail.send_verification_mail(user.email, user.display_name, user.locale, token)


def confirm_email_token(session: Session, raw: str, client: ClientInfo) -> User:
    """Use a link from a verification or e-mail-change mail (both go to /verify-email)."""
    token_hash = hash_token(raw or "")
    token = session.exec(select(OneTimeToken).where(OneTimeToken.token_hash == token_hash)).first()
    purpose = TokenPurpose(token.purpose) if token else TokenPurpose.VERIFY_EMAIL
    if purpose == TokenPurpose.RESET_PASSWORD:
        raise AccountError(msgid("This link is not valid. Please ask for a new one."))
    token = consume_token(session, raw, purpose)
    user = session.get(User, token.user_id)
    if user is None or user.deleted_at is not None:
        raise AccountError(msgid("This link is not valid. Please ask for a new one."))
    if purpose == TokenPurpose.CHANGE_EMAIL:
        _apply_email_change(session, user, token.new_email or "", client)
    else:
        record_event(session, SecurityEventKind.EMAIL_VERIFIED, client, user_id=user.id, email=user.email)
    user.email_verified_at = user.email_verified_at or utcnow()
    user.updated_at = utcnow()
    session.add(user)
    session.commit()
    return user


def _apply_email_change(session: Session, user: User, new_email: str, client: ClientInfo) -> None:
    if get_user_by_email(session, new_email) is not None:
        raise AccountError(msgid("An account with this e-mail address already exists."))
    old = user.email
    user.email = new_email
    user.email_verified_at = utcnow()
    record_event(
        session, SecurityEventKind.EMAIL_CHANGED, client, user_id=user.id, email=new_email, detail=f"from {old}"
    )


def request_password_reset(session: Session, email: str, client: ClientInfo) -> None:
    """Send a reset link when the account exists; silent otherwise (no account probing)."""
    user = get_user_by_email(session, email)
    if user is None or user.deleted_at is not None or user.is_blocked:
        return
    send = account_mail_allowed(session, user.email, client.ip)
    detail = "" if send else MAIL_THROTTLED
    record_event(session, SecurityEventKind.RESET_REQUESTED, client, user_id=user.id, email=user.email, detail=detail)
    token = issue_token(session, user, TokenPurpose.RESET_PASSWORD) if send else ""
    session.commit()
    if send:
        account_mail.send_reset_mail(user.email, user.display_name, user.locale, token)


def send_staff_invitation(session: Session, user: User, role_label: str) -> None:
    """E-mail a new staff member a single-use link to choose their password (valid three days).

    The link is a password-reset token, so it lands on the same /reset-password page; 2FA
    enrolment then follows at the first sign-in, as for every staff account.
    """
    token = issue_token(session, user, TokenPurpose.RESET_PASSWORD, lifetime=INVITATION_LIFETIME)
    session.commit()
    account_mail.send_staff_invitation(user.email, user.display_name, user.locale, token, role_label)


def check_reset_token(session: Session, raw: str) -> None:
    """Tell early (on page load) whether a reset link is still usable."""
    token = session.exec(
        select(OneTimeToken).where(
            OneTimeToken.token_hash == hash_token(raw or ""), OneTimeToken.purpose == TokenPurpose.RESET_PASSWORD
        )
    ).first()
    if token is None:
        raise AccountError(msgid("This link is not valid. Please ask for a new one."))
    if token.used_at is not None:
        raise AccountError(msgid("This link was already used. Please ask for a new one."))
    if token.expires_at <= utcnow():
        raise AccountError(msgid("This link has expired. Please ask for a new one."))


def reset_password(session: Session, raw: str, new_password: str, client: ClientInfo) -> User:
    """Set a new password from a reset link; ends every session and sends a notice."""
    check_reset_token(session, raw)
    user = session.get(User, _token_user_id(session, raw))
    if user is None:
        raise AccountError(msgid("This link is not valid. Please ask for a new one."))
    check_password(new_password, user.email)
    consume_token(session, raw, TokenPurpose.RESET_PASSWORD)
    user.password_hash = hash_password(new_password)
    # The link proved the mailbox, so the address counts as verified.
    user.email_verified_at = user.email_verified_at or utcnow()
    user.updated_at = utcnow()
    session.add(user)
    revoke_user_sessions(session, user.id or 0)
    record_event(session, SecurityEventKind.RESET_USED, client, user_id=user.id, email=user.email)
    session.commit()
    account_mail.send_password_changed_notice(user.email, user.display_name, user.locale)
    return user


def _token_user_id(session: Session, raw: str) -> int:
    token = session.exec(select(OneTimeToken).where(OneTimeToken.token_hash == hash_token(raw))).one()
    return token.user_id


def revoke_user_sessions(session: Session, user_id: int, keep_session_id: int | None = None) -> int:
    """End every open session of a user (but `keep_session_id`); not committed."""
    now = utcnow()
    query = select(UserSession).where(UserSession.user_id == user_id, col(UserSession.revoked_at).is_(None))
    count = 0
    for open_session in session.exec(query):
        if open_session.id == keep_session_id:
            continue
        open_session.revoked_at = now
        session.add(open_session)
        count += 1
    return count


def set_blocked(session: Session, user_id: int, blocked: bool, client: ClientInfo) -> None:
    """Block (or unblock) an account; blocking ends its sessions at once."""
    user = session.get(User, user_id)
    if user is None:
        raise AccountError(msgid("Account not found."))
    user.is_blocked = blocked
    user.updated_at = utcnow()
    session.add(user)
    if blocked:
        revoke_user_sessions(session, user_id)
        record_event(session, SecurityEventKind.ACCOUNT_BLOCKED, client, user_id=user.id, email=user.email)
    session.commit()


def create_admin(session: Session, email: str, password: str, display_name: str = "Administrator") -> User:
    """Create an admin (or promote an existing account); used by `python -m ticketapp create-admin`."""
    email = normalize_email(email)
    if not is_valid_email(email):
        raise AccountError(msgid("Please enter a valid e-mail address."))
    check_password(password, email)
    user = get_user_by_email(session, email)
    if user is None:
        user = User(email=email, display_name=display_name)
    user.role = Role.ADMIN
    user.password_hash = hash_password(password)
    user.email_verified_at = user.email_verified_at or utcnow()
    user.updated_at = utcnow()
    session.add(user)
    session.commit()
    return user
