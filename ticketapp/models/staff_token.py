"""Per-staff API tokens for external scanner apps (`Authorization: Bearer …`)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, String
from sqlmodel import Field, SQLModel

from ticketapp.models.types import UTCDateTime, utcnow


class StaffApiToken(SQLModel, table=True):
    """Only a SHA-256 hash of the token is stored; the token itself is shown once at creation."""

    __tablename__ = "staff_api_token"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    label: str = Field(max_length=120)
    token_hash: str = Field(sa_column=Column(String(64), unique=True, index=True, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    last_used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
