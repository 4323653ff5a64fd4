"""Verifying Stripe webhooks and remembering which events were handled."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select
from stripe import SignatureVerificationError, WebhookSignature

from ticketapp.db import begin_write_locked
from ticketapp.models.payment_event import WebhookEvent

SIGNATURE_TOLERANCE_S = 300


class WebhookRejectedError(Exception):
    """The request is not a genuine, well-formed Stripe event (answer 400)."""


def verify_stripe_event(payload: bytes, signature_header: str | None, secret: str) -> dict[str, Any]:
    """Check the signature on the raw body, then parse it. Stale timestamps fail too."""
    if not signature_header:
        raise WebhookRejectedError("missing Stripe-Signature header")
    try:
        WebhookSignature.verify_header(payload.decode("utf-8"), signature_header, secret, SIGNATURE_TOLERANCE_S)
    except (SignatureVerificationError, UnicodeDecodeError) as exc:
        raise WebhookRejectedError(f"signature check failed: {exc}") from exc
    try:
        event = json.loads(payload)
    except json.JSONDecodeError as exc:
        raise WebhookRejectedError("body is not JSON") from exc
    if not isinstance(event, dict) or not isinstance(event.get("id"), str) or "data" not in event:
        raise WebhookRejectedError("body is not a Stripe event")
    return event


def claim_event(session: Session, provider: str, event_id: str, event_type: str) -> WebhookEvent | None:
    """Record the event inside the caller's transaction; None when it was handled before.

    The unique constraint decides between two deliveries racing each other: the
    second insert waits for the first transaction and then fails. On SQLite the
    transaction starts as a writer, so the read-then-insert cannot deadlock.
    """
    begin_write_locked(session)
    if session.exec(
        select(WebhookEvent.id).where(WebhookEvent.provider == provider, WebhookEvent.event_id == event_id)
    ).first():
        return None
    record = WebhookEvent(provider=provider, event_id=event_id, event_type=event_type)
    try:
        with session.begin_nested():
            session.add(record)
            session.flush()
    except IntegrityError:
        return None
    return record
