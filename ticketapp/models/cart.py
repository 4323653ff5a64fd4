"""Carts and the timed holds they place on ticket inventory (DESIGN.md "Scarce inventory")."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Index, String, UniqueConstraint, false
from sqlmodel import Field, SQLModel

from ticketapp.models.types import UTCDateTime, utcnow


class Cart(SQLModel, table=True):
    """A visitor's basket: anonymous visitors are known by an opaque cookie token."""

    id: int | None = Field(default=None, primary_key=True)
    token: str = Field(sa_column=Column(String(64), unique=True, index=True, nullable=False))
    user_id: int | None = Field(default=None, foreign_key="user_account.id", index=True)
    # The promo code the visitor applied (services/promotions); checked again when the order is placed.
    promo_code: str | None = Field(default=None, max_length=40)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Hold(SQLModel, table=True):
    """Seats of one ticket type reserved for a cart until `expires_at`.

    A hold counts against availability only while `expires_at > now`; expired
    rows are harmless leftovers until the sweep job deletes them. `counted` says
    whether its seats are in `TicketType.held_count` (ticketapp.services.booking.seats).
    """

    __table_args__ = (
        UniqueConstraint("cart_id", "ticket_type_id", name="uq_hold_cart_ticket_type"),
        Index("ix_hold_ticket_type_expires", "ticket_type_id", "expires_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    cart_id: int = Field(foreign_key="cart.id", index=True)
    ticket_type_id: int = Field(foreign_key="tickettype.id")
    user_id: int | None = Field(default=None, foreign_key="user_account.id", index=True)
    quantity: int = Field(ge=1)
    expires_at: datetime = Field(sa_type=UTCDateTime, index=True)
    counted: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
