"""Waiting lists: people who want a sold-out ticket type, and the seats offered to them (services/waitlist)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from ticketapp.models.types import UTCDateTime, utcnow


class WaitlistStatus(StrEnum):
    UNCONFIRMED = "unconfirmed"  # a guest who has not opened the confirmation link yet: not in line
    WAITING = "waiting"
    OFFERED = "offered"  # seats held for them (an offer cart's hold) until `expires_at`
    BOUGHT = "bought"  # the order placed from the offer was paid (set when read: services/waitlist)
    EXPIRED = "expired"  # the offer lapsed unused; the seats went to the next person
    REMOVED = "removed"


class WaitlistEntry(SQLModel, table=True):
    __tablename__ = "waitlist_entry"
    __table_args__ = (Index("ix_waitlist_entry_line", "ticket_type_id", "status", "queued_at"),)

    id: int | None = Field(default=None, primary_key=True)
    ticket_type_id: int = Field(foreign_key="tickettype.id")
    email: str = Field(max_length=320)
    user_id: int | None = Field(default=None, foreign_key="user_account.id")
    quantity: int = Field(ge=1)
    lang: str = Field(default="en", max_length=8)
    status: str = Field(default=WaitlistStatus.UNCONFIRMED, max_length=16)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    # When they took their place in line (joined signed in, or confirmed by mail): the line's order.
    queued_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    offered_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    expires_at: datetime | None = Field(default=None, sa_type=UTCDateTime)  # end of the offer
    # The cart holding the offered seats: the offer's own cart, then the buyer's once they open the link.
    cart_id: int | None = Field(default=None, foreign_key="cart.id", index=True)
    claimed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)  # the single-use link was opened
    order_id: int | None = Field(default=None, foreign_key="ticket_order.id")
