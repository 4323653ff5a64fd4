"""The security view's read side: every security-log event, filtered, paged, and counted over time."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, or_, select

from ticketapp.i18n import msgid
from ticketapp.models import SecurityEvent, SecurityEventKind, User
from ticketapp.services.errors import DomainError

KINDS = tuple(kind.value for kind in SecurityEventKind)
MAX_POINTS = 20_000  # events read for the chart at most (the newest)


class FilterError(DomainError):
    """A filter that cannot be applied (nothing is shown differently)."""


@dataclass(frozen=True)
class EventFilter:
    kind: str = ""
    account: str = ""  # an e-mail (or part of it), or an account id
    ip: str = ""
    date_from: date | None = None
    date_to: date | None = None  # inclusive


def _day(raw: str) -> date | None:
    raw = raw.strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise FilterError(msgid("Dates look like 2026-12-31.")) from None


def parse_filter(kind: str, account: str, ip: str, date_from: str, date_to: str) -> EventFilter:
    kind = kind.strip()
    if kind and kind not in KINDS:
        raise FilterError(msgid("Unknown kind of event."))
    start, end = _day(date_from), _day(date_to)
    if start and end and end < start:
        raise FilterError(msgid("The end date is before the start date."))
    return EventFilter(kind, account.strip()[:320], ip.strip()[:64], start, end)


def _conditions(f: EventFilter) -> list[Any]:
    found: list[Any] = []
    if f.kind:
        found.append(SecurityEvent.kind == f.kind)
    if f.account:
        by_mail = col(SecurityEvent.email).contains(f.account.lower(), autoescape=True)
        user_ids = select(User.id).where(col(User.email).contains(f.account.lower(), autoescape=True))
        account = or_(by_mail, col(SecurityEvent.user_id).in_(user_ids))
        if f.account.isdigit():
            account = or_(account, SecurityEvent.user_id == int(f.account))
        found.append(account)
    if f.ip:
        found.append(col(SecurityEvent.ip).startswith(f.ip, autoescape=True))
    if f.date_from:
        found.append(col(SecurityEvent.occurred_at) >= datetime.combine(f.date_from, time(), UTC))
    if f.date_to:
        found.append(col(SecurityEvent.occurred_at) < datetime.combine(f.date_to + timedelta(days=1), time(), UTC))
    return found


def search_events(
    session: Session, f: EventFilter, *, offset: int = 0, limit: int = 50
) -> tuple[list[SecurityEvent], int]:
    where = _conditions(f)
    total = int(session.exec(select(func.count()).select_from(SecurityEvent).where(*where)).one())
    rows = session.exec(
        select(SecurityEvent)
        .where(*where)
        .order_by(col(SecurityEvent.occurred_at).desc(), col(SecurityEvent.id).desc())
        .offset(offset)
        .limit(limit)
    ).all()
    return list(rows), total


@dataclass(frozen=True)
class Series:
    """Events per time bucket and kind: `buckets` (ISO start times) × `counts[kind]`."""

    bucket: str  # "10min", "hour" or "day"

    @property
    def step(self) -> timedelta:
        return {"10min": timedelta(minutes=10), "hour": timedelta(hours=1)}.get(self.bucket, timedelta(days=1))

    buckets: list[datetime]
    counts: dict[str, list[int]]


STEPS = (  # (longest span, bucket name, bucket length)
    (timedelta(hours=6), "10min", timedelta(minutes=10)),
    (timedelta(days=2), "hour", timedelta(hours=1)),
)


def over_time(session: Session, f: EventFilter) -> Series:
    """Counts per 10 minutes (a span up to 6 h), per hour (up to two days) or per day, per kind."""
    rows = session.exec(
        select(SecurityEvent.occurred_at, SecurityEvent.kind)
        .where(*_conditions(f))
        .order_by(col(SecurityEvent.occurred_at).desc())
        .limit(MAX_POINTS)
    ).all()
    if not rows:
        return Series("day", [], {})
    first, last = min(r[0] for r in rows), max(r[0] for r in rows)
    name, step = next(((n, st) for span, n, st in STEPS if last - first <= span), ("day", timedelta(days=1)))
    size = int(step.total_seconds())

    def start(at: datetime) -> datetime:
        at = at.astimezone(UTC)
        if name == "day":
            return datetime.combine(at.date(), time(), UTC)
        return datetime.fromtimestamp(int(at.timestamp()) // size * size, UTC)

    buckets = []
    cursor = start(first)
    while cursor <= start(last):
        buckets.append(cursor)
        cursor += step
    tally = Counter((start(at), kind) for at, kind in rows)
    kinds = sorted({kind for _, kind in rows})
    return Series(name, buckets, {k: [tally[(b, k)] for b in buckets] for k in kinds})
