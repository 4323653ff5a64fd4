"""The security audit trail: who did what, when, from where."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from ticketapp.models import SecurityEvent, SecurityEventKind


@dataclass(frozen=True)
class ClientInfo:
    """Where a request came from, recorded with every security event."""

    ip: str = ""
    user_agent: str = ""


def record_event(
    session: Session,
    kind: SecurityEventKind,
    client: ClientInfo,
    *,
    user_id: int | None = None,
    email: str = "",
    detail: str = "",
) -> SecurityEvent:
    """Add an audit row to `session` (the caller commits with its own change)."""
    event = SecurityEvent(
        kind=kind,
        user_id=user_id,
        email=email[:320],
        ip=client.ip[:64],
        user_agent=client.user_agent[:400],
        detail=detail[:1000],
    )
    session.add(event)
    return event


def events_for_user(session: Session, user_id: int, limit: int = 50) -> list[SecurityEvent]:
    query = (
        select(SecurityEvent)
        .where(SecurityEvent.user_id == user_id)
        .order_by(col(SecurityEvent.occurred_at).desc(), col(SecurityEvent.id).desc())
        .limit(limit)
    )
    return list(session.exec(query))


def recent_events(session: Session, kind: SecurityEventKind | None = None, limit: int = 100) -> list[SecurityEvent]:
    """The newest audit rows (optionally of one kind), for the admin security view."""
    query = select(SecurityEvent).order_by(col(SecurityEvent.occurred_at).desc(), col(SecurityEvent.id).desc())
    if kind is not None:
        query = query.where(SecurityEvent.kind == kind)
    return list(session.exec(query.limit(limit)))
