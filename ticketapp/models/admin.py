"""Admin-side records: the audit trail of admin changes and the anonymous funnel events."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from ticketapp.models.order import Order, OrderItem
from ticketapp.models.types import UTCDateTime, utcnow


class PageEventKind(StrEnum):
    VIEW = "view"
    CART = "cart"
    CHECKOUT = "checkout"


class PageEvent(SQLModel, table=True):
    """One step of the sales funnel: no personal data, only a salted hash of the browser session.

    A visit is one (step, event, browser session, UTC day): repeats are ignored at
    insert time, so the dashboard counts rows instead of DISTINCT over raw hits.
    """

    __tablename__ = "page_event"
    __table_args__ = (
        UniqueConstraint("kind", "day", "event_id", "session_hash", name="uq_page_event_visit"),
        Index("ix_page_event_kind_at_event", "kind", "at", "event_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=12)
    event_id: int = Field(default=0, description="0 when the step concerns no single event")
    session_hash: str = Field(max_length=32)
    day: str = Field(max_length=10, description="UTC date YYYY-MM-DD of `at`")
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class AdminAudit(SQLModel, table=True):
    """Who changed what and when, for every admin change outside orders (orders use `OrderLog`)."""

    __tablename__ = "admin_audit"
    __table_args__ = (Index("ix_admin_audit_target", "target_type", "target_id"),)

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    actor_user_id: int = Field(foreign_key="user_account.id", index=True)
    action: str = Field(max_length=60)
    target_type: str = Field(max_length=30)
    target_id: int | None = Field(default=None)
    details: dict[str, object] | None = Field(default=None, sa_type=JSON)


# The dashboard reads sales of one currency in a payment-time range, then their
# items: covering indexes keep those reads inside the index (see bench/analytics.py).
_orders = Order.__table__.c  # type: ignore[attr-defined]
_items = OrderItem.__table__.c  # type: ignore[attr-defined]
Index(
    "ix_ticket_order_sales",
    _orders.currency,
    _orders.paid_at,
    _orders.status,
    _orders.total_minor,
    _orders.payment_method,
)
Index("ix_orderitem_sales_cover", _items.order_id, _items.ticket_type_id, _items.quantity, _items.unit_price_minor)
