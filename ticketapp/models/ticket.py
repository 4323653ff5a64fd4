"""Admissions: one ticket per person let in."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, String
from sqlmodel import Field, SQLModel

from ticketapp.models.types import UTCDateTime, utcnow


class TicketStatus(StrEnum):
    VALID = "valid"
    VOID = "void"


class Ticket(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="ticket_order.id", index=True)
    order_item_id: int = Field(foreign_key="orderitem.id", index=True)
    ticket_type_id: int = Field(foreign_key="tickettype.id", index=True)
    secret: str = Field(sa_column=Column(String(64), unique=True, nullable=False))
    code: str = Field(sa_column=Column(String(16), unique=True, index=True, nullable=False))
    attendee_name: str | None = Field(default=None, max_length=200)
    status: str = Field(default=TicketStatus.VALID, max_length=16)
    checked_in_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    checked_in_by: int | None = Field(default=None, foreign_key="user_account.id")
    # Scanned out at the door (re-entry): set by an exit scan, cleared when the ticket comes in again.
    exited_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    # After a transfer (services/orders/transfers.py) the ticket belongs to its new holder, not the
    # order's buyer: their e-mail, and their account when one has that e-mail.
    holder_email: str | None = Field(default=None, max_length=320, index=True)
    holder_user_id: int | None = Field(default=None, foreign_key="user_account.id", index=True)
    transfer_count: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
