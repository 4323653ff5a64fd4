"""Buyer self-service: refund requests waiting for (or past) a decision, and ticket transfers."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlmodel import Field, SQLModel

from ticketapp.models.types import UTCDateTime, utcnow


class RefundRequestStatus(StrEnum):
    PENDING = "pending"  # waiting for an admin (an "approval" policy)
    REFUNDED = "refunded"  # approved (or automatic) and refunded through services/orders/refunds
    DENIED = "denied"


class RefundRequest(SQLModel, table=True):
    __tablename__ = "refund_request"

    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="ticket_order.id", index=True)
    status: str = Field(default=RefundRequestStatus.PENDING, max_length=16, index=True)
    # What the policy gave when the buyer asked: the amount back and the fee kept (minor units).
    amount_minor: int = Field(ge=0)
    fee_minor: int = Field(default=0, ge=0)
    currency: str = Field(max_length=3)
    reason: str = Field(default="", max_length=500)  # the buyer's words
    decision_reason: str = Field(default="", max_length=500)  # the admin's words to the buyer
    requested_by: int | None = Field(default=None, foreign_key="user_account.id")
    decided_by: int | None = Field(default=None, foreign_key="user_account.id")
    refund_id: int | None = Field(default=None, foreign_key="refund.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class TransferStatus(StrEnum):
    OFFERED = "offered"
    ACCEPTED = "accepted"
    CANCELLED = "cancelled"


class TicketTransfer(SQLModel, table=True):
    __tablename__ = "ticket_transfer"

    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int = Field(foreign_key="ticket.id", index=True)
    order_id: int = Field(foreign_key="ticket_order.id", index=True)
    to_name: str = Field(max_length=200)
    to_email: str = Field(max_length=320)
    status: str = Field(default=TransferStatus.OFFERED, max_length=16)
    offered_by: int | None = Field(default=None, foreign_key="user_account.id")
    accepted_user_id: int | None = Field(default=None, foreign_key="user_account.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    accepted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
