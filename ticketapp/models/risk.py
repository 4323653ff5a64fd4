"""Fraud and suspicious activity: block lists, each order's risk assessment, payment attempts, alerts."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from ticketapp.models.types import UTCDateTime, utcnow


class BlockKind(StrEnum):
    EMAIL = "email"
    DOMAIN = "domain"
    IP = "ip"  # an address or a network (ipaddress notation, e.g. 203.0.113.0/24)


class BlockEntry(SQLModel, table=True):
    """A blocked e-mail address, e-mail domain or IP range, with why, who, when and until when."""

    __tablename__ = "risk_block"
    __table_args__ = (UniqueConstraint("kind", "value", name="uq_risk_block_kind_value"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=16)
    value: str = Field(max_length=320)
    reason: str = Field(max_length=300)
    created_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class RiskDecision(StrEnum):
    ALLOW = "allow"
    REVIEW = "review"
    REFUSE = "refuse"


class RiskAssessment(SQLModel, table=True):
    """What the risk rules said about one checkout (or payment) and why: the velocity rules count these."""

    __tablename__ = "risk_assessment"
    __table_args__ = (
        Index("ix_risk_assessment_email_at", "email", "at"),
        Index("ix_risk_assessment_ip_at", "ip", "at"),
        Index("ix_risk_assessment_device_at", "device", "at"),
        Index("ix_risk_assessment_user_at", "user_id", "at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    stage: str = Field(default="checkout", max_length=16)
    # The order it judged (None for a refused checkout: no order was made).
    order_id: int | None = Field(default=None, foreign_key="ticket_order.id", index=True)
    email: str = Field(default="", max_length=320)
    user_id: int | None = Field(default=None, foreign_key="user_account.id")
    ip: str = Field(default="", max_length=64)
    device: str = Field(default="", max_length=64)
    score: int = Field(default=0)
    decision: str = Field(default=RiskDecision.ALLOW, max_length=16)
    # [{"rule": "velocity", "points": 40, "reason": "…"}]
    reasons: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))


class PaymentAttempt(SQLModel, table=True):
    """One payment try on an order (declined or paid), with where it came from and the card when known."""

    __tablename__ = "risk_payment_attempt"
    __table_args__ = (
        Index("ix_risk_payment_attempt_email_at", "email", "at"),
        Index("ix_risk_payment_attempt_ip_at", "ip", "at"),
        Index("ix_risk_payment_attempt_device_at", "device", "at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    order_id: int | None = Field(default=None, foreign_key="ticket_order.id")
    email: str = Field(default="", max_length=320)
    user_id: int | None = Field(default=None, foreign_key="user_account.id", index=True)
    ip: str = Field(default="", max_length=64)
    device: str = Field(default="", max_length=64)
    amount_minor: int = Field(default=0)
    currency: str = Field(default="", max_length=3)
    # The provider's card fingerprint (never the number); "" when unknown.
    card: str = Field(default="", max_length=64)
    declined: bool = Field(default=False)


class SecurityAlert(SQLModel, table=True):
    """One alert sent to the admins; (kind, window) is unique, so a burst alerts once per window."""

    __tablename__ = "security_alert"
    __table_args__ = (UniqueConstraint("kind", "window_key", name="uq_security_alert_kind_window"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=32)
    window_key: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    detail: str = Field(default="", max_length=1000)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
