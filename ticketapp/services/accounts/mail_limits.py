"""Quiet limits on account mails a visitor can trigger (password reset, sign-up verification).

The security log already has one row per such request (SIGN_UP, RESET_REQUESTED) with the address and
the requesting IP; past a limit per address or per IP within the hour the mail is skipped and the row
says so (detail "mail throttled"). The visitor sees the same answer either way, so the limit reveals
nothing about the address.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func
from sqlmodel import Session, col, select

from ticketapp.models import SecurityEvent, SecurityEventKind, utcnow
from ticketapp.settings import get_settings

MAIL_WINDOW = timedelta(hours=1)
MAIL_THROTTLED = "mail throttled"
MAIL_SENDING_KINDS = (SecurityEventKind.SIGN_UP, SecurityEventKind.RESET_REQUESTED)


def _mails_sent(session: Session, column: object, value: str) -> int:
    query = select(func.count()).where(
        col(SecurityEvent.kind).in_(MAIL_SENDING_KINDS),
        SecurityEvent.detail != MAIL_THROTTLED,
        column == value,
        col(SecurityEvent.occurred_at) >= utcnow() - MAIL_WINDOW,
    )
    return session.exec(query).one()


def account_mail_allowed(session: Session, email: str, ip: str) -> bool:
    """Whether one more account mail to `email`, asked for from `ip`, stays within the hourly limits."""
    settings = get_settings()
    if _mails_sent(session, SecurityEvent.email, email[:320]) >= settings.account_mails_per_address:
        return False
    return not ip or _mails_sent(session, SecurityEvent.ip, ip[:64]) < settings.account_mails_per_ip
