"""The event types organisers may subscribe to, and recording one in the transaction of its fact."""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import event as sa_event
from sqlmodel import Session, col, select

from ticketapp.i18n import msgid
from ticketapp.models import WebhookDelivery, WebhookEndpoint, utcnow
from ticketapp.services import hooks

# Each type and what it means to the organiser (shown in the admin, documented in docs/webhooks.md).
EVENT_TYPES: dict[str, str] = {
    "order.placed": msgid("An order was placed (not paid yet)"),
    "order.paid": msgid("An order was paid"),
    "order.refunded": msgid("An order was refunded (in part or in full)"),
    "order.cancelled": msgid("An order was cancelled"),
    "ticket.checked_in": msgid("A ticket was scanned at the door"),
    "ticket.transferred": msgid("A ticket was transferred to someone else"),
    "waitlist.offered": msgid("Seats were offered to someone on a waiting list"),
    "customer.created": msgid("A customer account was created"),
}
DUE_HOOK = "webhooks.due"


def new_event_id() -> str:
    return "evt_" + uuid.uuid4().hex


def body(event_id: str, event_type: str, data: dict[str, Any], at: datetime) -> str:
    """The JSON every endpoint receives for one event (the exact bytes that are signed)."""
    document = {"id": event_id, "type": event_type, "created_at": at.isoformat(), "data": data}
    return json.dumps(document, separators=(",", ":"), sort_keys=True, default=str)


def order_data(order: Any) -> dict[str, Any]:
    """What an order event tells the receiver (no payment details)."""
    return {
        "order_id": order.id,
        "code": order.code,
        "status": str(order.status),
        "buyer_name": order.buyer_name,
        "buyer_email": order.buyer_email,
        "currency": order.currency,
        "total_minor": order.total_minor,
        "refunded_minor": order.refunded_minor,
    }


def customer_data(user: Any) -> dict[str, Any]:
    return {"customer_id": user.id, "email": user.email, "name": user.display_name, "locale": user.locale}


def record(session: Session, event_type: str, data: dict[str, Any], *, now: datetime | None = None) -> int:
    """In the caller's transaction: one delivery per enabled endpoint that wants `event_type` (caller commits).

    Returns how many. After the commit the sending job is started (`webhooks.due`); until then nothing is sent,
    and a rolled-back fact sends nothing.
    """
    if event_type not in EVENT_TYPES:
        raise ValueError(f"unknown webhook event type {event_type!r}")
    endpoints = session.exec(select(WebhookEndpoint).where(col(WebhookEndpoint.enabled).is_(True))).all()
    wanted = [e for e in endpoints if event_type in e.event_types.split()]
    if not wanted:
        return 0
    now = now or utcnow()
    event_id = new_event_id()
    text = body(event_id, event_type, data, now)
    for endpoint in wanted:
        session.add(
            WebhookDelivery(
                endpoint_id=endpoint.id or 0,
                event_id=event_id,
                event_type=event_type,
                payload=text,
                created_at=now,
                next_at=now,
            )
        )
    _kick_after_commit(session)
    return len(wanted)


def _kick_after_commit(session: Session) -> None:
    session.info["webhooks_pending"] = True
    if session.info.get("webhooks_listening"):
        return
    session.info["webhooks_listening"] = True
    sa_event.listen(session, "after_commit", _after_commit)
    sa_event.listen(session, "after_rollback", _after_rollback)


def _after_commit(session: Session) -> None:
    if session.info.pop("webhooks_pending", False):
        hooks.emit_due(DUE_HOOK)


def _after_rollback(session: Session) -> None:
    session.info.pop("webhooks_pending", None)
