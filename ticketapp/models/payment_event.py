"""Webhook events already handled, so a retried or duplicated delivery is processed once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from ticketapp.models.types import UTCDateTime, utcnow


class WebhookEvent(SQLModel, table=True):
    __tablename__ = "webhook_event"
    __table_args__ = (UniqueConstraint("provider", "event_id", name="uq_webhook_event_provider_event"),)

    id: int | None = Field(default=None, primary_key=True)
    provider: str = Field(max_length=32)
    event_id: str = Field(max_length=255)
    event_type: str = Field(max_length=80)
    outcome: str = Field(default="", max_length=200)
    received_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class OrderLog(SQLModel, table=True):
    """Audit trail of an order: every status change, flag and refund, with who and when."""

    __tablename__ = "order_log"

    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="ticket_order.id", index=True)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    actor_user_id: int | None = Field(default=None, foreign_key="user_account.id")
    from_status: str = Field(default="", max_length=24)
    to_status: str = Field(default="", max_length=24)
    note: str = Field(default="", max_length=500)


class Refund(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="ticket_order.id", index=True)
    payment_id: int | None = Field(default=None, foreign_key="payment.id")
    amount_minor: int = Field(ge=0)
    currency: str = Field(max_length=3)
    provider_reference: str | None = Field(default=None, max_length=255)
    reason: str = Field(default="", max_length=200)
    actor_user_id: int | None = Field(default=None, foreign_key="user_account.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
