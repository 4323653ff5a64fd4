"""HMAC signatures (SECRET_KEY) for links that must not be guessable or reusable elsewhere.

One primitive for every signed link: the order status page, the demo payment page and
ticket-PDF downloads. `purpose` keeps a signature made for one kind of link from being
accepted by another.
"""

from __future__ import annotations

import hashlib
import hmac

from ticketapp.settings import get_settings


def sign(value: str, purpose: str, secret_key: str | None = None) -> str:
    """A URL-safe signature of `value`, valid only for `purpose` (e.g. 'order-status')."""
    key = (secret_key if secret_key is not None else get_settings().secret_key).encode()
    return hmac.new(key, f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()[:32]


def verify(value: str, purpose: str, signature: str | None, secret_key: str | None = None) -> bool:
    return bool(signature) and hmac.compare_digest(sign(value, purpose, secret_key), signature or "")
