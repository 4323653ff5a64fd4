"""Orders: their status groups, lines, payments, refunds and audit trail."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, Column, Index, String, false
from sqlmodel import Field, SQLModel

from ticketapp.models.types import UTCDateTime, utcnow


class OrderStatus(StrEnum):
    PENDING = "pending"
    AWAITING_PAYMENT = "awaiting_payment"
    PAID = "paid"
    PARTIALLY_REFUNDED = "partially_refunded"
    REFUNDED = "refunded"
    CANCELLED = "cancelled"
    EXPIRED = "expired"
    FAILED = "failed"


# The status groups, defined once; every rule and query about orders uses these.
# Paid: the money is kept and the tickets admit (issued, counted as sold, refundable).
PAID_STATUSES: tuple[OrderStatus, ...] = (OrderStatus.PAID, OrderStatus.PARTIALLY_REFUNDED)
# Pending: waiting for the money; the seats count as sold while `Order.expires_at` is ahead.
PENDING_STATUSES: tuple[OrderStatus, ...] = (OrderStatus.PENDING, OrderStatus.AWAITING_PAYMENT)
# Void: the order's tickets no longer admit anyone.
VOID_STATUSES: tuple[OrderStatus, ...] = (OrderStatus.REFUNDED, OrderStatus.CANCELLED)


class Order(SQLModel, table=True):
    __tablename__ = "ticket_order"
    # Lapsed pending orders, found without reading the paid ones (ticketapp.services.booking.seats).
    __table_args__ = (Index("ix_ticket_order_status_expires", "status", "expires_at"),)

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(sa_column=Column(String(16), unique=True, index=True, nullable=False))
    user_id: int | None = Field(default=None, foreign_key="user_account.id", index=True)
    buyer_name: str = Field(max_length=200)
    buyer_email: str = Field(max_length=320, index=True)
    status: str = Field(default=OrderStatus.PENDING, max_length=24, index=True)
    currency: str = Field(max_length=3)
    total_minor: int = Field(default=0, ge=0)
    locale: str = Field(default="en", max_length=8)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    paid_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # A pending order keeps its seats counted as sold until this moment (see
    # ticketapp.services.booking.inventory.counts_as_sold); None for orders that never lapse.
    expires_at: datetime | None = Field(default=None, sa_type=UTCDateTime, index=True)
    payment_method: str | None = Field(default=None, max_length=32)
    refunded_minor: int = Field(default=0, ge=0, sa_column_kwargs={"server_default": "0"})
    # Set when something needs a human look (amount mismatch, dispute, late payment).
    flagged_reason: str | None = Field(default=None, max_length=200)
    # Risk review (services/risk): "held" = paid but its tickets wait for an admin's decision,
    # then "approved" or "rejected". None for orders the rules let through. Written by lifecycle only.
    review_state: str | None = Field(default=None, max_length=16, index=True)
    # The promo code the order was placed with (services/promotions), as the buyer typed it.
    promo_code: str | None = Field(default=None, max_length=40)
    # The app's own address the buyer placed the order on (services/shared/origin.py), so mails sent later by
    # the job worker link to the host whose cookies are theirs; None: BASE_URL.
    origin: str | None = Field(default=None, max_length=200)


class ReviewState(StrEnum):
    HELD = "held"
    APPROVED = "approved"
    REJECTED = "rejected"


class OrderItem(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="ticket_order.id", index=True)
    ticket_type_id: int = Field(foreign_key="tickettype.id", index=True)
    quantity: int = Field(ge=1)
    # What each ticket costs the buyer, any discount taken off (payments, refunds and analytics read this).
    unit_price_minor: int = Field(ge=0)
    # The promo discount per ticket: the list price was unit_price_minor + discount_minor.
    discount_minor: int = Field(default=0, ge=0, sa_column_kwargs={"server_default": "0"})
    # Optional attendee name per ticket (events with collect_attendee_names).
    attendee_names: list[str] | None = Field(default=None, sa_type=JSON)
    # Whether these seats are in `TicketType.sold_count` (ticketapp.services.booking.seats).
    seats_counted: bool = Field(default=False, sa_column_kwargs={"server_default": false()})


class Payment(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="ticket_order.id", index=True)
    provider: str = Field(max_length=32)
    provider_reference: str | None = Field(default=None, max_length=255, index=True)
    # Stripe: the PaymentIntent that captured the money (refunds go through it).
    intent_reference: str | None = Field(default=None, max_length=255, index=True)
    amount_minor: int = Field(ge=0)
    currency: str = Field(max_length=3)
    status: str = Field(default="pending", max_length=24)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class OrderLog(SQLModel, table=True):
    """Audit trail of an order: every status change (from → to), flag and note, with who and when.

    Written only by `ticketapp.services.orders.lifecycle`. A note (an e-mail sent, a name
    changed) leaves both statuses empty; a flag repeats the current status on both sides.
    """

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
