"""Outgoing webhooks: the organiser's endpoints and the durable outbox of deliveries to them (issue 19).

Also the origins allowed to embed the shop widget (framing and CORS of its JSON endpoint).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from ticketapp.models.types import UTCDateTime, utcnow


class WebhookEndpoint(SQLModel, table=True):
    """A URL that receives signed POSTs for the event types it chose."""

    __tablename__ = "webhook_endpoint"

    id: int | None = Field(default=None, primary_key=True)
    url: str = Field(max_length=2000)
    description: str = Field(default="", max_length=200)
    event_types: str = Field(default="", max_length=500)  # space-separated names from services.webhooks.EVENT_TYPES
    secret: str = Field(max_length=80)  # HMAC key; shown to the organiser once, on creation and rotation
    enabled: bool = Field(default=True)
    disabled_reason: str = Field(default="", max_length=300)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    created_by_id: int | None = Field(default=None, foreign_key="user_account.id")


class WebhookDelivery(SQLModel, table=True):
    """One event for one endpoint: written in the transaction of the fact, sent by a job, retried from here.

    `event_id` is the Webhook-Id header, the same on every attempt (and on a replay) so receivers can dedupe.
    """

    __tablename__ = "webhook_delivery"
    __table_args__ = (
        Index("ix_webhook_delivery_due", "status", "next_at"),
        Index("ix_webhook_delivery_endpoint", "endpoint_id", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    endpoint_id: int = Field(foreign_key="webhook_endpoint.id")
    event_id: str = Field(max_length=40, index=True)
    event_type: str = Field(max_length=40)
    payload: str  # the JSON body, exactly as signed and sent
    status: str = Field(default="pending", max_length=16)  # pending, delivered, failed
    attempts: int = Field(default=0)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    next_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)  # not tried before this
    claimed_until: datetime | None = Field(default=None, sa_type=UTCDateTime)  # a worker is sending it
    last_attempt_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    delivered_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    response_status: int | None = Field(default=None)
    response_excerpt: str = Field(default="", max_length=500)


class WidgetOrigin(SQLModel, table=True):
    """A site allowed to embed the shop widget (frame its page, read its JSON)."""

    __tablename__ = "widget_origin"

    id: int | None = Field(default=None, primary_key=True)
    origin: str = Field(max_length=300, unique=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
