"""People who use the shop: customers, support agents and admins."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import BigInteger, Column, String
from sqlmodel import Field, SQLModel

from ticketapp.models.types import UTCDateTime, utcnow


class Role(StrEnum):
    CUSTOMER = "customer"
    AGENT = "agent"
    ADMIN = "admin"


STAFF_ROLES = (Role.AGENT, Role.ADMIN)


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
    # TOTP second factor (staff): the base32 secret, set at enrolment start,
    # confirmed once a first code was given.
    totp_secret: str | None = Field(default=None, max_length=64)
    totp_enabled_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # The last TOTP time-step accepted: a code (and any older one) is never accepted twice.
    totp_last_step: int | None = Field(default=None, sa_type=BigInteger)
    # JSON list of SHA-256 hashes of the unused recovery codes.
    recovery_codes_hash: str | None = Field(default=None)
    # Deleted accounts are anonymised in place so their orders stay for accounting.
    deleted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def two_factor_enabled(self) -> bool:
        return self.totp_enabled_at is not None and bool(self.totp_secret)
