"""The signed-in person's own account: profile details, password and e-mail changes, and deletion."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlmodel import Session, select

from ticketapp.i18n import msgid, normalize_locale
from ticketapp.models import SecurityEventKind, TokenPurpose, User, utcnow
from ticketapp.services.accounts import mail as account_mail
from ticketapp.services.accounts.accounts import (
    AccountError,
    check_password,
    get_user_by_email,
    is_valid_email,
    issue_token,
    normalize_email,
    revoke_user_sessions,
)
from ticketapp.services.accounts.passwords import hash_password, verify_password
from ticketapp.services.accounts.security_log import ClientInfo, record_event
from ticketapp.services.currency.rates import DISPLAY_CHOICES

# The currencies a profile may prefer: those approximate prices can be shown in.
SUPPORTED_CURRENCIES = DISPLAY_CHOICES
PHONE_PATTERN = re.compile(r"^\+?[0-9 ().-]{6,30}$")


def change_password(
    session: Session,
    user_id: int,
    current: str,
    new_password: str,
    client: ClientInfo,
    keep_session_id: int | None = None,
) -> None:
    user = _active_user(session, user_id)
    if not verify_password(current, user.password_hash):
        raise AccountError(msgid("Your current password is not correct."))
    check_password(new_password, user.email)
    user.password_hash = hash_password(new_password)
    user.updated_at = utcnow()
    session.add(user)
    revoke_user_sessions(session, user_id, keep_session_id)
    record_event(session, SecurityEventKind.PASSWORD_CHANGED, client, user_id=user.id, email=user.email)
    session.commit()
    account_mail.send_password_changed_notice(user.email, user.display_name, user.locale)


@dataclass(frozen=True)
class ProfileUpdate:
    display_name: str
    locale: str
    preferred_currency: str
    phone: str


def preferred_currency(session: Session, user_id: int) -> str:
    """The account's preferred display currency ("" when none)."""
    user = session.get(User, user_id)
    return (user.preferred_currency or "") if user is not None else ""


def update_profile(session: Session, user_id: int, update: ProfileUpdate, client: ClientInfo) -> User:
    user = _active_user(session, user_id)
    name = update.display_name.strip()
    if not name:
        raise AccountError(msgid("Please enter your name."))
    currency = update.preferred_currency.strip().upper()
    if currency and currency not in SUPPORTED_CURRENCIES:
        raise AccountError(msgid("Please choose a currency from the list."))
    phone = update.phone.strip()
    if phone and not PHONE_PATTERN.match(phone):
        raise AccountError(msgid("Please enter a valid phone number (digits, spaces and + only)."))
    user.display_name = name[:120]
    user.locale = normalize_locale(update.locale)
    user.preferred_currency = currency or None
    user.phone = phone or None
    user.updated_at = utcnow()
    session.add(user)
    record_event(session, SecurityEventKind.PROFILE_UPDATED, client, user_id=user.id, email=user.email)
    session.commit()
    return user


def request_email_change(session: Session, user_id: int, new_email: str, password: str, client: ClientInfo) -> None:
    """Send a confirmation link to the new address and a notice to the old one."""
    user = _active_user(session, user_id)
    new_email = normalize_email(new_email)
    if not is_valid_email(new_email):
        raise AccountError(msgid("Please enter a valid e-mail address."))
    if new_email == user.email:
        raise AccountError(msgid("This is already your e-mail address."))
    if user.password_hash and not verify_password(password, user.password_hash):
        raise AccountError(msgid("Your current password is not correct."))
    if get_user_by_email(session, new_email) is not None:
        raise AccountError(msgid("An account with this e-mail address already exists."))
    token = issue_token(session, user, TokenPurpose.CHANGE_EMAIL, new_email=new_email)
    record_event(
        session, SecurityEventKind.EMAIL_CHANGE_REQUESTED, client, user_id=user.id, email=user.email, detail=new_email
    )
    session.commit()
    account_mail.send_email_change_confirmation(new_email, user.display_name, user.locale, token)
    account_mail.send_email_change_notice(user.email, user.display_name, user.locale, new_email)


def delete_account(session: Session, user_id: int, password: str, client: ClientInfo) -> None:
    """Anonymise the account in place: orders stay (for accounting) but point to no person."""
    user = _active_user(session, user_id)
    if user.password_hash and not verify_password(password, user.password_hash):
        raise AccountError(msgid("Your current password is not correct."))
    from ticketapp.models import OAuthIdentity, Order  # local: only deletion touches these

    for order in session.exec(select(Order).where(Order.user_id == user_id)):
        order.buyer_name = "Deleted customer"
        order.buyer_email = f"deleted-{user_id}@invalid"
        session.add(order)
    for identity in session.exec(select(OAuthIdentity).where(OAuthIdentity.user_id == user_id)):
        session.delete(identity)
    revoke_user_sessions(session, user_id)
    user.email = f"deleted-{user_id}@invalid"
    user.display_name = "Deleted user"
    user.password_hash = None
    user.phone = None
    user.totp_secret = None
    user.totp_enabled_at = None
    user.recovery_codes_hash = None
    user.deleted_at = utcnow()
    user.updated_at = utcnow()
    session.add(user)
    record_event(session, SecurityEventKind.ACCOUNT_DELETED, client, user_id=user.id)
    session.commit()


def _active_user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None or user.deleted_at is not None or user.is_blocked:
        raise AccountError(msgid("Please sign in again."))
    return user
