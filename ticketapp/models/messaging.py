"""Attendee messaging (services/messaging): editable mail templates, scheduled and one-off messages,
who each message went to, the addresses that asked for no more non-essential mail; and the door's gates."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, Column, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from ticketapp.models.types import UTCDateTime, utcnow


class TemplateKind(StrEnum):
    CONFIRMATION = "confirmation"
    REMINDER = "reminder"
    REFUND = "refund"
    WAITLIST_OFFER = "waitlist_offer"
    TRANSFER = "transfer"


class MailTemplate(SQLModel, table=True):
    """An organiser's own subject and text for one kind of mail of one event in one language."""

    __tablename__ = "mail_template"
    __table_args__ = (UniqueConstraint("event_id", "kind", "lang", name="uq_mail_template_event_kind_lang"),)

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", index=True)
    kind: str = Field(max_length=24)
    lang: str = Field(max_length=8)
    subject: str = Field(max_length=200)
    body: str = Field(sa_column=Column(Text, nullable=False))
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_by: int | None = Field(default=None, foreign_key="user_account.id")


class Audience(StrEnum):
    BUYERS = "buyers"  # one mail per order's buyer
    ATTENDEES = "attendees"  # one mail per ticket holder's address


class MessageStatus(StrEnum):
    SCHEDULED = "scheduled"  # waits for its moment relative to the event
    SENDING = "sending"  # recipients chosen, batches going out
    SENT = "sent"
    CANCELLED = "cancelled"


class Message(SQLModel, table=True):
    """A message to an event's buyers or attendees: scheduled relative to the event, or sent now."""

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", index=True)
    subject: str = Field(max_length=200)
    body: str = Field(sa_column=Column(Text, nullable=False))
    audience: str = Field(default=Audience.BUYERS, max_length=16)
    ticket_type_id: int | None = Field(default=None, foreign_key="tickettype.id")  # None: every type
    checkin_filter: str = Field(default="any", max_length=16)  # any / checked_in / not_checked_in
    order_status: str = Field(default="paid", max_length=24)  # paid (incl. partly refunded) / refunded / any
    # Schedule: "start" or "end" of the event plus offset_minutes (negative: before); None = one-off.
    anchor: str | None = Field(default=None, max_length=8)
    offset_minutes: int = Field(default=0)
    status: str = Field(default=MessageStatus.SCHEDULED, max_length=16, index=True)
    total: int = Field(default=0)
    sent: int = Field(default=0)
    skipped: int = Field(default=0)  # unsubscribed addresses
    created_by: int | None = Field(default=None, foreign_key="user_account.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    started_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    finished_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class MessageRecipient(SQLModel, table=True):
    """One address a message goes to: at most once (the unique key), whatever retries or races."""

    __tablename__ = "message_recipient"
    __table_args__ = (UniqueConstraint("message_id", "email", name="uq_message_recipient"),)

    id: int | None = Field(default=None, primary_key=True)
    message_id: int = Field(foreign_key="message.id", index=True)
    email: str = Field(max_length=320)
    name: str = Field(default="", max_length=200)
    order_id: int = Field(foreign_key="ticket_order.id", index=True)
    lang: str = Field(default="en", max_length=8)
    status: str = Field(default="pending", max_length=12)  # pending / sent / skipped
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class MailOptOut(SQLModel, table=True):
    """An address that unsubscribed from non-essential mail (reminders, messages); essential mail still goes."""

    __tablename__ = "mail_opt_out"

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(sa_column=Column(String(320), unique=True, index=True, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class CheckinGate(SQLModel, table=True):
    """A door of an event and the ticket types that enter there (none listed: every type)."""

    __tablename__ = "checkin_gate"

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", index=True)
    name: str = Field(max_length=80)
    ticket_type_ids: list[int] | None = Field(default=None, sa_type=JSON)
