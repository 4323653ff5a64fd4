"""What keeps people signed in and proves who they are: sessions, one-time tokens,
sign-in attempts (for throttling), linked OAuth identities and the security audit log.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, Index, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from ticketapp.models.types import UTCDateTime, utcnow


class UserSession(SQLModel, table=True):
    """A signed-in browser. Only the SHA-256 of the random token is stored."""

    __tablename__ = "user_session"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    token_hash: str = Field(sa_column=Column(String(64), unique=True, index=True, nullable=False))
    remember: bool = Field(default=False)
    # Staff sessions are only fully open once the second factor was given.
    second_factor_ok: bool = Field(default=False)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    last_seen_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime, index=True)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    ip: str = Field(default="", max_length=64)
    user_agent: str = Field(default="", max_length=400)


class TokenPurpose(StrEnum):
    VERIFY_EMAIL = "verify_email"
    RESET_PASSWORD = "reset_password"  # noqa: S105  (a label, not a secret)
    CHANGE_EMAIL = "change_email"


class OneTimeToken(SQLModel, table=True):
    """A single-use link token (verification, reset, e-mail change); stored hashed."""

    __tablename__ = "one_time_token"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    purpose: str = Field(max_length=24)
    token_hash: str = Field(sa_column=Column(String(64), unique=True, index=True, nullable=False))
    # For an e-mail change: the address to switch to once confirmed.
    new_email: str | None = Field(default=None, max_length=320)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class LoginAttempt(SQLModel, table=True):
    """One sign-in attempt; recent failures per e-mail and per IP drive throttling."""

    __tablename__ = "login_attempt"
    __table_args__ = (
        Index("ix_login_attempt_email_at", "email", "attempted_at"),
        Index("ix_login_attempt_ip_at", "ip", "attempted_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=320)
    ip: str = Field(default="", max_length=64)
    succeeded: bool = Field(default=False)
    attempted_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class OAuthIdentity(SQLModel, table=True):
    """A provider account (`provider`, `subject`) linked to one of our users."""

    __tablename__ = "oauth_identity"
    __table_args__ = (UniqueConstraint("provider", "subject", name="uq_oauth_identity_provider_subject"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    provider: str = Field(max_length=40)
    subject: str = Field(max_length=255)
    email: str = Field(default="", max_length=320)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class SecurityEventKind(StrEnum):
    SIGN_UP = "sign_up"
    SIGN_IN_OK = "sign_in_ok"
    SIGN_IN_FAILED = "sign_in_failed"
    SIGN_IN_BLOCKED = "sign_in_blocked"
    LOCKOUT = "lockout"
    SIGN_OUT = "sign_out"
    EMAIL_VERIFIED = "email_verified"
    RESET_REQUESTED = "reset_requested"
    RESET_USED = "reset_used"
    PASSWORD_CHANGED = "password_changed"  # noqa: S105  (a label, not a secret)
    EMAIL_CHANGE_REQUESTED = "email_change_requested"
    EMAIL_CHANGED = "email_changed"
    PROFILE_UPDATED = "profile_updated"
    TWO_FACTOR_ENROLLED = "two_factor_enrolled"
    TWO_FACTOR_FAILED = "two_factor_failed"
    TWO_FACTOR_OK = "two_factor_ok"
    TWO_FACTOR_LOCKOUT = "two_factor_lockout"
    RECOVERY_CODE_USED = "recovery_code_used"
    ACCOUNT_BLOCKED = "account_blocked"
    ACCOUNT_DELETED = "account_deleted"
    OAUTH_LINKED = "oauth_linked"
    ACCESS_DENIED = "access_denied"
    ROLE_CHANGED = "role_changed"
    STAFF_NEW_DEVICE = "staff_new_device"
    WEBHOOK_FORGED = "webhook_forged"
    THROTTLED = "throttled"
    ORDER_REFUSED = "order_refused"
    ORDER_HELD = "order_held"
    BOT_REFUSED = "bot_refused"


class SecurityEvent(SQLModel, table=True):
    """The audit trail read by the admin security view."""

    __tablename__ = "security_event"

    id: int | None = Field(default=None, primary_key=True)
    occurred_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    user_id: int | None = Field(default=None, foreign_key="user_account.id", index=True)
    email: str = Field(default="", max_length=320)
    kind: str = Field(max_length=32, index=True)
    ip: str = Field(default="", max_length=64)
    user_agent: str = Field(default="", max_length=400)
    detail: str = Field(default="", max_length=1000)
