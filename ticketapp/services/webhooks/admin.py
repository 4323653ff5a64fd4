"""Endpoints in the admin area: register, edit, enable/disable, rotate the secret, the delivery log, replay.

The only writer of `webhook_endpoint` rows, audited. The secret is returned once (creation, rotation) and
never shown again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from ticketapp.i18n import msgid
from ticketapp.models import WebhookDelivery, WebhookEndpoint, utcnow
from ticketapp.services.accounts.audit import audit
from ticketapp.services.errors import DomainError
from ticketapp.services.webhooks import events, signing
from ticketapp.services.webhooks.delivery import PENDING
from ticketapp.services.webhooks.urls import check_url

MAX_ENDPOINTS = 50
PAGE_SIZE = 20


class WebhookAdminError(DomainError):
    """A refused change to an endpoint: nothing was written."""


@dataclass(frozen=True)
class EndpointRow:
    id: int
    url: str
    description: str
    event_types: list[str]
    enabled: bool
    disabled_reason: str
    delivered: int
    pending: int
    failed: int


@dataclass(frozen=True)
class DeliveryRow:
    id: int
    event_id: str
    event_type: str
    status: str
    attempts: int
    created_at: datetime
    last_attempt_at: datetime | None
    next_at: datetime
    response_status: int | None
    response_excerpt: str
    payload: str


def _types(chosen: list[str]) -> str:
    unknown = [t for t in chosen if t not in events.EVENT_TYPES]
    if unknown:
        raise WebhookAdminError(msgid("Unknown event type: {name}."), name=unknown[0][:40])
    if not chosen:
        raise WebhookAdminError(msgid("Choose at least one event to send."))
    return " ".join(t for t in events.EVENT_TYPES if t in chosen)


def _get(session: Session, endpoint_id: int) -> WebhookEndpoint:
    endpoint = session.get(WebhookEndpoint, endpoint_id)
    if endpoint is None:
        raise WebhookAdminError(msgid("This endpoint no longer exists."))
    return endpoint


def create_endpoint(
    session: Session, url: str, event_types: list[str], description: str, *, actor_id: int
) -> tuple[WebhookEndpoint, str]:
    """Register an endpoint (commits); returns it and its secret, shown to the organiser this once."""
    clean = check_url(url)
    types = _types(event_types)
    count = session.exec(select(func.count()).select_from(WebhookEndpoint)).one()
    if count >= MAX_ENDPOINTS:
        raise WebhookAdminError(msgid("At most {limit} endpoints can be registered."), limit=MAX_ENDPOINTS)
    secret = signing.new_secret()
    endpoint = WebhookEndpoint(
        url=clean, event_types=types, description=description.strip()[:200], secret=secret, created_by_id=actor_id
    )
    session.add(endpoint)
    session.flush()
    audit(session, actor_id, "webhook.create", "webhook_endpoint", endpoint.id, url=clean, events=types)
    session.commit()
    return endpoint, secret


def update_endpoint(
    session: Session, endpoint_id: int, url: str, event_types: list[str], description: str, *, actor_id: int
) -> WebhookEndpoint:
    endpoint = _get(session, endpoint_id)
    endpoint.url = check_url(url)
    endpoint.event_types = _types(event_types)
    endpoint.description = description.strip()[:200]
    session.add(endpoint)
    audit(session, actor_id, "webhook.update", "webhook_endpoint", endpoint.id, url=endpoint.url)
    session.commit()
    return endpoint


def set_enabled(session: Session, endpoint_id: int, enabled: bool, *, actor_id: int) -> WebhookEndpoint:
    """Disable, or enable again (its waiting deliveries go out on the next pass, retries included)."""
    endpoint = _get(session, endpoint_id)
    endpoint.enabled = enabled
    endpoint.disabled_reason = "" if enabled else "disabled by an admin"
    session.add(endpoint)
    audit(session, actor_id, "webhook.enable" if enabled else "webhook.disable", "webhook_endpoint", endpoint.id)
    if enabled:
        events._kick_after_commit(session)
    session.commit()
    return endpoint


def rotate_secret(session: Session, endpoint_id: int, *, actor_id: int) -> str:
    """A new secret at once (commits); returned this once. Deliveries from now on are signed with it."""
    endpoint = _get(session, endpoint_id)
    endpoint.secret = signing.new_secret()
    session.add(endpoint)
    audit(session, actor_id, "webhook.rotate_secret", "webhook_endpoint", endpoint.id)
    session.commit()
    return endpoint.secret


def list_endpoints(session: Session) -> list[EndpointRow]:
    counts: dict[tuple[int, str], int] = {
        (endpoint_id, status): n
        for endpoint_id, status, n in session.exec(
            select(WebhookDelivery.endpoint_id, WebhookDelivery.status, func.count()).group_by(
                col(WebhookDelivery.endpoint_id), col(WebhookDelivery.status)
            )
        ).all()
    }
    rows = session.exec(select(WebhookEndpoint).order_by(col(WebhookEndpoint.id))).all()
    return [
        EndpointRow(
            id=e.id or 0,
            url=e.url,
            description=e.description,
            event_types=e.event_types.split(),
            enabled=e.enabled,
            disabled_reason=e.disabled_reason,
            delivered=counts.get((e.id or 0, "delivered"), 0),
            pending=counts.get((e.id or 0, "pending"), 0),
            failed=counts.get((e.id or 0, "failed"), 0),
        )
        for e in rows
    ]


def deliveries(session: Session, endpoint_id: int, page: int = 0) -> tuple[list[DeliveryRow], int]:
    """One page (from 0) of an endpoint's delivery log, newest first, and how many rows it has in all."""
    _get(session, endpoint_id)
    total = session.exec(
        select(func.count()).select_from(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint_id)
    ).one()
    page = min(max(0, page), max(0, (total - 1) // PAGE_SIZE))
    rows = session.exec(
        select(WebhookDelivery)
        .where(WebhookDelivery.endpoint_id == endpoint_id)
        .order_by(col(WebhookDelivery.id).desc())
        .offset(page * PAGE_SIZE)
        .limit(PAGE_SIZE)
    ).all()
    return [
        DeliveryRow(
            id=d.id or 0,
            event_id=d.event_id,
            event_type=d.event_type,
            status=d.status,
            attempts=d.attempts,
            created_at=d.created_at,
            last_attempt_at=d.last_attempt_at,
            next_at=d.next_at,
            response_status=d.response_status,
            response_excerpt=d.response_excerpt,
            payload=d.payload,
        )
        for d in rows
    ], total


def replay(session: Session, delivery_id: int, *, actor_id: int, now: datetime | None = None) -> WebhookDelivery:
    """Send a delivery's event again, as a new log row with the same Webhook-Id and body (commits)."""
    original = session.get(WebhookDelivery, delivery_id)
    if original is None:
        raise WebhookAdminError(msgid("This delivery no longer exists."))
    now = now or utcnow()
    copy = WebhookDelivery(
        endpoint_id=original.endpoint_id,
        event_id=original.event_id,
        event_type=original.event_type,
        payload=original.payload,
        status=PENDING,
        created_at=now,
        next_at=now,
    )
    session.add(copy)
    audit(session, actor_id, "webhook.replay", "webhook_endpoint", original.endpoint_id, event_id=original.event_id)
    events._kick_after_commit(session)
    session.commit()
    return copy
