"""Recording sales-funnel steps: one row per step, event, browser session and day, keyed by a hash
that counts visitors without identifying them."""

from __future__ import annotations

import hashlib

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.sql import Insert
from sqlmodel import Session, col, select

from ticketapp.models import PageEvent, PageEventKind, TicketType, utcnow
from ticketapp.services.analytics.queries import dialect
from ticketapp.settings import get_settings


def session_hash(client_token: str, secret: str) -> str:
    """A salted, truncated hash of the browser session: counts visitors without identifying them."""
    return hashlib.blake2b(client_token.encode(), key=secret.encode()[:64], digest_size=16).hexdigest()


def visitor_key(client_token: str | None) -> str:
    """The key a browser's visits are counted under: its Reflex client token, hashed with the app secret."""
    return session_hash(client_token or "anonymous", get_settings().secret_key)


def record_page_event(
    session: Session, kind: PageEventKind, session_key: str, event_ids: list[int] | None = None
) -> None:
    """Record a funnel step with a single INSERT (one row per event); a repeat visit the same day is ignored."""
    now = utcnow()
    day = now.date().isoformat()
    rows = [
        {"kind": kind.value, "event_id": i, "session_hash": session_key, "day": day, "at": now}
        for i in dict.fromkeys(event_ids or [0])
    ]
    if dialect(session) == "postgresql":
        statement: Insert = pg_insert(PageEvent).on_conflict_do_nothing()
    else:
        statement = sqlite_insert(PageEvent).on_conflict_do_nothing()
    session.execute(statement, rows)
    session.commit()


def record_event_view(session: Session, session_key: str, event_id: int) -> None:
    record_page_event(session, PageEventKind.VIEW, session_key, [event_id])


def record_checkout_started(session: Session, session_key: str, ticket_type_ids: list[int]) -> None:
    """A checkout step for the events of these ticket types (what the cart holds)."""
    if not ticket_type_ids:
        return
    event_ids = session.exec(
        select(TicketType.event_id).where(col(TicketType.id).in_(ticket_type_ids)).distinct()
    ).all()
    record_page_event(session, PageEventKind.CHECKOUT, session_key, [int(i) for i in event_ids])


def record_cart_add(session: Session, session_key: str, ticket_type_id: int) -> None:
    event_id = session.exec(select(TicketType.event_id).where(TicketType.id == ticket_type_id)).first()
    if event_id is not None:
        record_page_event(session, PageEventKind.CART, session_key, [int(event_id)])
