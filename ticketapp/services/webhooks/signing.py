"""Signing a delivery: HMAC-SHA256 over "{id}.{timestamp}.{body}" with the endpoint's secret (docs/webhooks.md)."""

from __future__ import annotations

import hashlib
import hmac
import secrets

SECRET_PREFIX = "whsec_"  # noqa: S105  (a prefix, not a secret)
SCHEME = "v1"


def new_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def signature(secret: str, event_id: str, timestamp: int, body: str) -> str:
    """The Webhook-Signature header's value: "v1=<hex digest>"."""
    message = f"{event_id}.{timestamp}.{body}".encode()
    digest = hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()
    return f"{SCHEME}={digest}"


def headers(secret: str, event_id: str, timestamp: int, body: str) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        "User-Agent": "Ticketapp-Webhooks/1",
        "Webhook-Id": event_id,
        "Webhook-Timestamp": str(timestamp),
        "Webhook-Signature": signature(secret, event_id, timestamp, body),
    }


def verify(secret: str, event_id: str, timestamp: int, body: str, header: str) -> bool:
    """What a receiver does (tests use it; docs/webhooks.md shows the same in plain Python)."""
    expected = signature(secret, event_id, timestamp, body)
    return any(hmac.compare_digest(expected, part.strip()) for part in header.split(","))
