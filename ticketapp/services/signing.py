"""Short HMAC signatures for links that must not be guessable or reusable elsewhere."""

from __future__ import annotations

import hashlib
import hmac

from ticketapp.settings import get_settings


def sign(value: str, purpose: str) -> str:
    """A URL-safe signature of `value`, valid only for `purpose` (e.g. 'order-status')."""
    key = get_settings().secret_key.encode()
    return hmac.new(key, f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()[:32]


def verify(value: str, purpose: str, signature: str | None) -> bool:
    return bool(signature) and hmac.compare_digest(sign(value, purpose), signature or "")
