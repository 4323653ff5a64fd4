"""Promo codes and their redemptions (services/promotions)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, Column, String, true
from sqlmodel import Field, SQLModel

from ticketapp.models.types import UTCDateTime, utcnow


class DiscountKind(StrEnum):
    AMOUNT_OFF = "amount_off"  # `value` minor units off each ticket
    PERCENT_OFF = "percent_off"  # `value` % off each ticket (1–100)
    SET_PRICE = "set_price"  # each ticket costs `value` minor units (never more than its price)


class PromoCode(SQLModel, table=True):
    """A code a buyer types in the cart. One use is one order that gets the discount."""

    __tablename__ = "promo_code"

    id: int | None = Field(default=None, primary_key=True)
    # Stored upper-cased: buyers type codes in any case.
    code: str = Field(sa_column=Column(String(40), unique=True, index=True, nullable=False))
    event_id: int | None = Field(default=None, foreign_key="event.id", index=True, description="None: every event")
    kind: str = Field(max_length=16)
    value: int = Field(ge=0, description="minor units, or a percentage for percent_off")
    # Ticket type ids the code applies to; None for every ticket type (of its event).
    ticket_type_ids: list[int] | None = Field(default=None, sa_type=JSON)
    max_uses: int | None = Field(default=None, ge=1)
    max_uses_per_buyer: int | None = Field(default=None, ge=1)
    valid_from: datetime | None = Field(default=None, sa_type=UTCDateTime)
    valid_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    min_quantity: int = Field(default=1, ge=1)
    # Hidden ticket types of its event this code shows and sells to the carts that apply it (None: none).
    unlocks_ticket_type_ids: list[int] | None = Field(default=None, sa_type=JSON)
    # Mailed to one person by the bulk e-mail (services/promotions/mailing): a code is given to one address only.
    sent_to: str | None = Field(default=None, max_length=320)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    active: bool = Field(default=True, sa_column_kwargs={"server_default": true()})
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class PromoRedemption(SQLModel, table=True):
    """An order that used a code. It counts as a use while its order is paid, or pending and in its window:
    an order that expires or is cancelled gives its use back without a writer (like its seats)."""

    __tablename__ = "promo_redemption"

    id: int | None = Field(default=None, primary_key=True)
    promo_code_id: int = Field(foreign_key="promo_code.id", index=True)
    order_id: int = Field(foreign_key="ticket_order.id", index=True, unique=True)
    buyer_email: str = Field(max_length=320, index=True)
    uses: int = Field(default=1, ge=1)
    discount_minor: int = Field(default=0, ge=0, description="the order's discount, in its currency")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
