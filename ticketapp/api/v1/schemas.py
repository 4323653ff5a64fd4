"""What `/api/v1/` sends and accepts (pydantic models: they are the OpenAPI document's schemas too)."""

from __future__ import annotations

from datetime import datetime
from typing import Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

T = TypeVar("T")


class Problem(BaseModel):
    """An error, as application/problem+json (RFC 9457)."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str = ""
    errors: list[dict[str, str]] | None = None


class ListOf(BaseModel, Generic[T]):
    data: list[T]
    next_cursor: str | None = Field(None, description="pass as `cursor` for the next page; null on the last")


class TicketTypeOut(BaseModel):
    id: int
    event_id: int
    name: str
    description: str
    price_minor: int
    capacity: int
    sold: int
    held: int
    available: int
    max_per_order: int
    sales_start: datetime | None
    sales_end: datetime | None


class EventOut(BaseModel):
    id: int
    title: str
    slug: str
    description: str
    category: str
    venue_id: int
    starts_at: datetime
    ends_at: datetime
    currency: str
    status: str
    series_id: int | None = Field(None, description="the series this event is one date of (filter /events by it)")
    created_at: datetime
    updated_at: datetime
    ticket_types: list[TicketTypeOut]


class TicketOut(BaseModel):
    id: int
    code: str
    order_code: str
    ticket_type_id: int
    attendee_name: str | None
    status: str
    checked_in_at: datetime | None
    created_at: datetime


class OrderItemOut(BaseModel):
    ticket_type_id: int
    quantity: int
    unit_price_minor: int
    discount_minor: int


class OrderOut(BaseModel):
    code: str
    status: str
    buyer_name: str
    buyer_email: str
    customer_id: int | None
    currency: str
    total_minor: int
    refunded_minor: int
    promo_code: str | None
    created_at: datetime
    updated_at: datetime
    paid_at: datetime | None
    expires_at: datetime | None
    items: list[OrderItemOut]
    tickets: list[TicketOut]


class CustomerOut(BaseModel):
    id: int
    email: str
    name: str
    locale: str
    created_at: datetime
    updated_at: datetime


class CheckinOut(BaseModel):
    ticket_id: int
    ticket_code: str
    order_code: str
    ticket_type_id: int
    checked_in_at: datetime
    checked_in_by: int | None


class PromoCodeOut(BaseModel):
    id: int
    code: str
    event_id: int | None
    kind: str
    value: int
    ticket_type_ids: list[int] | None
    max_uses: int | None
    max_uses_per_buyer: int | None
    valid_from: datetime | None
    valid_until: datetime | None
    min_quantity: int
    active: bool
    updated_at: datetime


class WaitlistEntryOut(BaseModel):
    id: int
    ticket_type_id: int
    email: str
    quantity: int
    status: str
    created_at: datetime
    offered_at: datetime | None
    expires_at: datetime | None
    order_code: str | None


class QuestionOut(BaseModel):
    id: int
    event_id: int
    label: str
    help_text: str
    kind: str
    scope: str
    required: bool
    options: list[str] | None
    ticket_type_ids: list[int] | None
    active: bool
    updated_at: datetime


class AnswerOut(BaseModel):
    id: int
    order_code: str
    question_id: int
    ticket_type_id: int
    attendee: int
    value: str
    updated_at: datetime


class InvoiceLineOut(BaseModel):
    description: str
    quantity: int
    rate_bp: int
    net_minor: int
    tax_minor: int
    gross_minor: int


class InvoiceOut(BaseModel):
    id: int
    code: str
    kind: str
    order_code: str
    currency: str
    net_minor: int
    tax_minor: int
    gross_minor: int
    issued_at: datetime
    lines: list[InvoiceLineOut]


class OrderLineIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ticket_type_id: int = Field(ge=1, le=2**31 - 1)
    quantity: int = Field(ge=1, le=100)
    attendee_names: list[str] = Field(default_factory=list, max_length=100)


class OrderIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    buyer_name: str = Field(min_length=1, max_length=200)
    buyer_email: str = Field(min_length=3, max_length=320)
    items: list[OrderLineIn] = Field(min_length=1, max_length=20)
    locale: str = Field("en", max_length=8)
    answers: dict[str, str] = Field(default_factory=dict, description="question slot key → answer")
    mark_paid: bool = Field(False, description="record the payment at once (paid outside the shop)")


class RefundIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ticket_ids: list[int] = Field(default_factory=list, max_length=500, description="empty: the whole order")
    reason: str = Field("", max_length=200)


class CheckinIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    event_id: int = Field(ge=1, le=2**31 - 1)
    scan: str = Field(min_length=1, max_length=2000, description="the ticket's QR token or its code")


class ScanOut(BaseModel):
    outcome: str
    ticket_code: str | None
    attendee_name: str | None
    ticket_type: str | None
    checked_in_at: datetime | None


class RefundOut(BaseModel):
    id: int
    order_code: str
    amount_minor: int
    currency: str
    reason: str
    created_at: datetime
