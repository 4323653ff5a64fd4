"""API tokens (`Authorization: Bearer …`): a staff member's, or a named integration's; scoped; stored hashed.

A token without scopes is a check-in token for scanner apps (the first kind, issue 4); a token with scopes
also opens the organiser REST API (`/api/v1/`, issue 19) for the areas and levels it lists.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from ticketapp.models.types import UTCDateTime, utcnow


class StaffApiToken(SQLModel, table=True):
    """Only a SHA-256 hash of the token is stored; the token itself is shown once at creation."""

    __tablename__ = "staff_api_token"

    id: int | None = Field(default=None, primary_key=True)
    # The staff member the token acts as; None for an integration's token (its name is the label).
    user_id: int | None = Field(default=None, foreign_key="user_account.id", index=True)
    label: str = Field(max_length=120)
    token_hash: str = Field(sa_column=Column(String(64), unique=True, index=True, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    last_used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # Space-separated "area:level" grants (orders:write implies orders:read); None: a check-in token.
    scopes: str | None = Field(default=None, max_length=400)
    created_by_id: int | None = Field(default=None, foreign_key="user_account.id")


class ApiIdempotencyKey(SQLModel, table=True):
    """The response a token's POST with an `Idempotency-Key` got: the same key and body get it again."""

    __tablename__ = "api_idempotency_key"
    __table_args__ = (UniqueConstraint("token_id", "key", name="uq_api_idempotency_token_key"),)

    id: int | None = Field(default=None, primary_key=True)
    token_id: int = Field(foreign_key="staff_api_token.id")
    key: str = Field(max_length=200)
    fingerprint: str = Field(max_length=64)  # SHA-256 of method, path and canonical body
    status_code: int = Field(default=0)  # 0 while the first request is still running
    response_body: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
