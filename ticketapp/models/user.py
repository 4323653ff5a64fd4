"""People who use the shop: customers, support agents and admins."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, String
from sqlmodel import Field, SQLModel

from ticketapp.models.types import UTCDateTime, utcnow


class Role(StrEnum):
    CUSTOMER = "customer"
    AGENT = "agent"
    ADMIN = "admin"


class User(SQLModel, table=True):
    __tablename__ = "user_account"

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(sa_column=Column(String(320), unique=True, index=True, nullable=False))
    password_hash: str | None = Field(default=None, max_length=255)
    display_name: str = Field(max_length=120)
    role: str = Field(default=Role.CUSTOMER, max_length=16, index=True)
    locale: str = Field(default="en", max_length=8)
    preferred_currency: str | None = Field(default=None, max_length=3)
    phone: str | None = Field(default=None, max_length=40)
    is_blocked: bool = Field(default=False)
    email_verified_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
