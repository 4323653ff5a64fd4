"""Sending due deliveries: claim, POST, record the answer, schedule the retry (or give up and disable).

A delivery is tried at once, then again 1 min, 5 min, 30 min, 2 h, 5 h, 12 h, 1 day, 2 days and 3 days after
it was created (`RETRY_OFFSETS`); the schedule lives in the row's `next_at`, so a killed worker or a lost
job loses nothing: the periodic job (`ticketapp.tasks.send_webhooks`) sends whatever is due. Before the
POST a worker claims the row for the request's timeout; if it dies the claim lapses and the next pass
sends it again with the same Webhook-Id (receivers dedupe on it; docs/webhooks.md). A 2xx answer marks it
delivered, once. A 410 Gone, or a delivery still failing after its last try, disables the endpoint and
e-mails the admins.
"""

from __future__ import annotations

import html
import logging
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, update
from sqlmodel import Session, col, select

from ticketapp.models import Role, User, WebhookDelivery, WebhookEndpoint, utcnow
from ticketapp.services import hooks
from ticketapp.services.shared.mail import MAIL_JOB, record_mail
from ticketapp.services.webhooks import signing
from ticketapp.services.webhooks.urls import WebhookUrlError, check_url
from ticketapp.settings import get_settings

log = logging.getLogger(__name__)
RETRY_OFFSETS: tuple[timedelta, ...] = tuple(
    timedelta(seconds=s) for s in (0, 60, 300, 1800, 7200, 18000, 43200, 86400, 172800, 259200)
)
BATCH = 50
EXCERPT = 500
PENDING, DELIVERED, FAILED = "pending", "delivered", "failed"


@dataclass(frozen=True)
class Answer:
    status: int | None  # None: no HTTP answer (refused, timed out, bad URL)
    excerpt: str


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer (3xx, a failure), never followed: it could lead to a refused address."""

    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def post(url: str, body: str, headers: dict[str, str], timeout: float) -> Answer:
    request = urllib.request.Request(url, data=body.encode(), headers=headers, method="POST")  # noqa: S310
    try:
        with _opener.open(request, timeout=timeout) as response:
            return Answer(response.status, response.read(EXCERPT).decode(errors="replace"))
    except urllib.error.HTTPError as exc:
        return Answer(exc.code, exc.read(EXCERPT).decode(errors="replace"))
    except (OSError, ValueError) as exc:
        return Answer(None, f"no answer: {exc}"[:EXCERPT])


Poster = Callable[[str, str, dict[str, str], float], Answer]


def due_ids(session: Session, now: datetime, limit: int = BATCH) -> list[int]:
    rows = session.exec(
        select(WebhookDelivery.id)
        .join(WebhookEndpoint, col(WebhookEndpoint.id) == col(WebhookDelivery.endpoint_id))
        .where(col(WebhookDelivery.status) == PENDING, col(WebhookDelivery.next_at) <= now)
        .where(or_(col(WebhookDelivery.claimed_until).is_(None), col(WebhookDelivery.claimed_until) <= now))
        .where(col(WebhookEndpoint.enabled).is_(True))
        .order_by(col(WebhookDelivery.next_at), col(WebhookDelivery.id))
        .limit(limit)
    ).all()
    session.rollback()
    return [i for i in rows if i is not None]


def _claim(session: Session, delivery_id: int, now: datetime, hold: timedelta) -> bool:
    taken = session.exec(
        update(WebhookDelivery)
        .where(col(WebhookDelivery.id) == delivery_id, col(WebhookDelivery.status) == PENDING)
        .where(col(WebhookDelivery.next_at) <= now)
        .where(or_(col(WebhookDelivery.claimed_until).is_(None), col(WebhookDelivery.claimed_until) <= now))
        .values(claimed_until=now + hold, attempts=col(WebhookDelivery.attempts) + 1)  # a try, even if it dies
    )
    session.commit()
    return bool(taken.rowcount)


def send_one(session: Session, delivery_id: int, *, now: datetime | None = None, poster: Poster = post) -> str | None:
    """Try one due delivery if nobody else is; returns its status after the try (None when not taken)."""
    now = now or utcnow()
    timeout = get_settings().webhook_timeout_s
    if not _claim(session, delivery_id, now, timedelta(seconds=timeout + 5)):
        return None
    delivery = session.get(WebhookDelivery, delivery_id, populate_existing=True)
    endpoint = session.get(WebhookEndpoint, delivery.endpoint_id) if delivery else None
    if delivery is None or endpoint is None:
        return None
    stamp = int(now.timestamp())
    try:
        check_url(endpoint.url)
    except WebhookUrlError as exc:
        answer = Answer(None, exc.translated("en")[:EXCERPT])
    else:
        answer = poster(
            endpoint.url,
            delivery.payload,
            signing.headers(endpoint.secret, delivery.event_id, stamp, delivery.payload),
            timeout,
        )
    return _record(session, delivery, endpoint, answer, now)


def _record(
    session: Session, delivery: WebhookDelivery, endpoint: WebhookEndpoint, answer: Answer, now: datetime
) -> str:
    delivery.last_attempt_at = now
    delivery.response_status = answer.status
    delivery.response_excerpt = answer.excerpt[:EXCERPT]
    delivery.claimed_until = None
    disable_reason = ""
    if answer.status is not None and 200 <= answer.status < 300:
        delivery.status = DELIVERED
        delivery.delivered_at = now
    elif answer.status == 410:
        delivery.status = FAILED
        disable_reason = "the receiver answered 410 Gone"
    elif delivery.attempts >= len(RETRY_OFFSETS):
        delivery.status = FAILED
        disable_reason = f"a delivery still failed after {delivery.attempts} attempts over 3 days"
    else:
        delivery.next_at = delivery.created_at + RETRY_OFFSETS[delivery.attempts]
    session.add(delivery)
    mails = []
    if disable_reason and endpoint.enabled:
        endpoint.enabled = False
        endpoint.disabled_reason = disable_reason
        session.add(endpoint)
        mails = _tell_admins(session, endpoint, disable_reason)
    session.commit()
    for payload in mails:
        hooks.emit_due(MAIL_JOB, payload=payload)
    return delivery.status


def _tell_admins(session: Session, endpoint: WebhookEndpoint, reason: str) -> list[dict]:  # type: ignore[type-arg]
    admins = session.exec(
        select(User).where(User.role == Role.ADMIN, col(User.is_blocked).is_(False), col(User.deleted_at).is_(None))
    ).all()
    base = get_settings().base_url
    subject = "Webhook endpoint disabled"
    text = (
        f"The webhook endpoint {endpoint.url} was disabled: {reason}.\n\n"
        f"Its deliveries wait until you enable it again at {base}/admin/webhooks "
        "(failed ones can be replayed from its delivery log)."
    )
    html_body = "<p>" + html.escape(text).replace("\n\n", "</p><p>") + "</p>"
    return [record_mail(session, admin.email, subject, text, html_body) for admin in admins]


def send_due(session: Session, *, now: datetime | None = None, poster: Poster = post, limit: int = BATCH) -> int:
    """Try every delivery whose time came (in schedule order); returns how many were tried."""
    now = now or utcnow()
    tried = 0
    for delivery_id in due_ids(session, now, limit):
        if send_one(session, delivery_id, now=now, poster=poster) is not None:
            tried += 1
    return tried
