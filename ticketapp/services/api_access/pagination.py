"""Cursor pages: rows in ascending id order; the opaque cursor says where the next page starts."""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlmodel import Session, col
from sqlmodel.sql.expression import SelectOfScalar

from ticketapp.i18n import msgid
from ticketapp.services.errors import DomainError

T = TypeVar("T")
LIMIT_DEFAULT = 50
LIMIT_MAX = 200


class BadCursorError(DomainError):
    """A cursor this API did not hand out."""


@dataclass(frozen=True)
class Page(Generic[T]):
    items: Sequence[T]
    next_cursor: str | None


def encode_cursor(after_id: int) -> str:
    return base64.urlsafe_b64encode(f"v1:{after_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> int:
    if not cursor:
        return 0
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (ValueError, UnicodeDecodeError):
        raise BadCursorError(msgid("This cursor is not valid.")) from None
    version, _, number = text.partition(":")
    if version != "v1" or not number.isdigit() or len(number) > 18:
        raise BadCursorError(msgid("This cursor is not valid."))
    return int(number)


def page(session: Session, statement: SelectOfScalar[T], id_column: Any, cursor: str | None, limit: int) -> Page[T]:
    """One page of `statement` ordered by `id_column`, after the cursor's id."""
    after = decode_cursor(cursor)
    rows = list(session.exec(statement.where(col(id_column) > after).order_by(col(id_column)).limit(limit + 1)).all())
    more = len(rows) > limit
    rows = rows[:limit]
    last = getattr(rows[-1], "id", None) if rows else None
    return Page(rows, encode_cursor(int(last)) if more and last is not None else None)
