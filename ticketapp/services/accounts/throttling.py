"""Sign-in throttling: too many failures lock an account (or an IP) for a while."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement
from sqlmodel import Session, col, select

from ticketapp.models import LoginAttempt, utcnow

ACCOUNT_FAILURE_LIMIT = 5
IP_FAILURE_LIMIT = 20
FAILURE_WINDOW = timedelta(minutes=15)
LOCK_DURATION = timedelta(minutes=15)


def lockout_ends_at(
    failures: Sequence[datetime],
    limit: int,
    window: timedelta = FAILURE_WINDOW,
    lock: timedelta = LOCK_DURATION,
) -> datetime | None:
    """When the latest lock ends: `limit` failures within `window` lock for `lock` after the last of them."""
    ordered = sorted(failures)
    ends: datetime | None = None
    for first in range(len(ordered) - limit + 1):
        last = ordered[first + limit - 1]
        if last - ordered[first] <= window:
            ends = last + lock
    return ends


def _recent_failures(session: Session, key: ColumnElement[bool], now: datetime) -> list[datetime]:
    """Failures since the last success, within the span that can still lock."""
    since = now - FAILURE_WINDOW - LOCK_DURATION
    last_success = session.exec(
        select(LoginAttempt.attempted_at)
        .where(key, col(LoginAttempt.succeeded).is_(True), LoginAttempt.attempted_at >= since)
        .order_by(col(LoginAttempt.attempted_at).desc())
        .limit(1)
    ).first()
    start = max(since, last_success) if last_success else since
    query = select(LoginAttempt.attempted_at).where(
        key, col(LoginAttempt.succeeded).is_(False), LoginAttempt.attempted_at > start
    )
    return list(session.exec(query))


def account_locked_until(session: Session, email: str, now: datetime | None = None) -> datetime | None:
    now = now or utcnow()
    ends = lockout_ends_at(_recent_failures(session, col(LoginAttempt.email) == email, now), ACCOUNT_FAILURE_LIMIT)
    return ends if ends and ends > now else None


def ip_locked_until(session: Session, ip: str, now: datetime | None = None) -> datetime | None:
    if not ip:
        return None
    now = now or utcnow()
    ends = lockout_ends_at(_recent_failures(session, col(LoginAttempt.ip) == ip, now), IP_FAILURE_LIMIT)
    return ends if ends and ends > now else None


def record_attempt(session: Session, email: str, ip: str, succeeded: bool, at: datetime | None = None) -> None:
    session.add(LoginAttempt(email=email[:320], ip=ip[:64], succeeded=succeeded, attempted_at=at or utcnow()))
