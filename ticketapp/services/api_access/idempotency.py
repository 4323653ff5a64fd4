"""`Idempotency-Key` on POST: the same key and body get the first response again; another body is refused.

The key is reserved (a row with status 0) before the work runs, in its own commit, so two racing requests
with one key never both run: the second one is told the first is still in progress (409).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from ticketapp.db import begin_write_locked
from ticketapp.models import ApiIdempotencyKey, utcnow

KEY_MAX = 200
KEEP_FOR = timedelta(hours=24)


@dataclass(frozen=True)
class Replay:
    status_code: int
    body: str


class KeyReusedError(Exception):
    """The key was used with another request (method, path or body)."""


class KeyInProgressError(Exception):
    """The first request with this key is still running."""


def fingerprint(method: str, path: str, body: Any) -> str:
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(f"{method} {path}\n{canonical}".encode()).hexdigest()


def reserve(session: Session, token_id: int, key: str, print_: str) -> Replay | None:
    """None: the key is ours, run the request. A Replay: send it again. Raises KeyReusedError/KeyInProgressError."""
    row = ApiIdempotencyKey(token_id=token_id, key=key, fingerprint=print_)
    begin_write_locked(session)  # SQLite: queue with the other writers instead of spinning on the busy timeout
    session.add(row)
    try:
        session.commit()
        return None
    except IntegrityError:
        session.rollback()
    found = session.exec(
        select(ApiIdempotencyKey).where(ApiIdempotencyKey.token_id == token_id, ApiIdempotencyKey.key == key)
    ).first()
    if found is None:  # released meanwhile by a failed first request: try once more
        return reserve(session, token_id, key, print_)
    if found.fingerprint != print_:
        raise KeyReusedError
    if found.status_code == 0:
        raise KeyInProgressError
    return Replay(found.status_code, found.response_body)


def record(session: Session, token_id: int, key: str, status_code: int, body: str) -> None:
    begin_write_locked(session)
    row = session.exec(
        select(ApiIdempotencyKey).where(ApiIdempotencyKey.token_id == token_id, ApiIdempotencyKey.key == key)
    ).first()
    if row is not None:
        row.status_code, row.response_body = status_code, body
        session.add(row)
        session.commit()


def release(session: Session, token_id: int, key: str) -> None:
    """The request failed unexpectedly: the key may be used again."""
    session.rollback()
    begin_write_locked(session)
    session.exec(
        delete(ApiIdempotencyKey).where(col(ApiIdempotencyKey.token_id) == token_id, col(ApiIdempotencyKey.key) == key)
    )
    session.commit()


def forget_old(session: Session) -> int:
    """Drop keys older than a day (a periodic job may call it)."""
    begin_write_locked(session)
    result = session.exec(delete(ApiIdempotencyKey).where(col(ApiIdempotencyKey.created_at) < utcnow() - KEEP_FOR))
    session.commit()
    return int(result.rowcount or 0)
