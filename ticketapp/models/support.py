"""Customer support: tickets, their messages, live chats, canned replies, FAQ,
agent presence and phone call logs."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, String, Text
from sqlmodel import Field, SQLModel

from ticketapp.models.types import UTCDateTime, utcnow

MESSAGE_MAX_CHARS = 4000


class Channel(StrEnum):
    CHAT = "chat"
    EMAIL = "email"
    PHONE = "phone"
    FORM = "form"


class SupportStatus(StrEnum):
    NEW = "new"
    OPEN = "open"
    PENDING_CUSTOMER = "pending_customer"
    RESOLVED = "resolved"
    CLOSED = "closed"


class Priority(StrEnum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"


class AuthorKind(StrEnum):
    CUSTOMER = "customer"
    AGENT = "agent"
    SYSTEM = "system"


class ChatStatus(StrEnum):
    WAITING = "waiting"
    ACTIVE = "active"
    CLOSED = "closed"


class Presence(StrEnum):
    ONLINE = "online"
    AWAY = "away"
    OFFLINE = "offline"


class CallOutcome(StrEnum):
    RESOLVED = "resolved"
    FOLLOW_UP = "follow_up"
    CALLBACK = "callback"
    NO_ANSWER = "no_answer"


class SupportTicket(SQLModel, table=True):
    __tablename__ = "support_ticket"

    id: int | None = Field(default=None, primary_key=True)
    reference: str = Field(sa_column=Column(String(12), unique=True, index=True, nullable=False))
    channel: str = Field(default=Channel.FORM, max_length=8, index=True)
    status: str = Field(default=SupportStatus.NEW, max_length=20, index=True)
    priority: str = Field(default=Priority.NORMAL, max_length=8, index=True)
    subject: str = Field(default="", max_length=200)
    topic: str = Field(default="other", max_length=32)
    assignee_id: int | None = Field(default=None, foreign_key="user_account.id", index=True)
    customer_id: int | None = Field(default=None, foreign_key="user_account.id", index=True)
    guest_name: str = Field(default="", max_length=120)
    guest_email: str = Field(default="", max_length=320, index=True)
    order_id: int | None = Field(default=None, foreign_key="ticket_order.id")
    locale: str = Field(default="en", max_length=8)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    first_response_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    resolved_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    first_response_due_at: datetime = Field(sa_type=UTCDateTime, index=True)
    resolution_due_at: datetime = Field(sa_type=UTCDateTime, index=True)


class SupportChat(SQLModel, table=True):
    __tablename__ = "support_chat"

    id: int | None = Field(default=None, primary_key=True)
    # An unguessable token lets a guest's browser (no account) find its chat again.
    access_token: str = Field(sa_column=Column(String(64), unique=True, index=True, nullable=False))
    status: str = Field(default=ChatStatus.WAITING, max_length=8, index=True)
    agent_id: int | None = Field(default=None, foreign_key="user_account.id", index=True)
    ticket_id: int | None = Field(default=None, foreign_key="support_ticket.id", index=True)
    customer_id: int | None = Field(default=None, foreign_key="user_account.id", index=True)
    guest_name: str = Field(default="", max_length=120)
    guest_email: str = Field(default="", max_length=320)
    topic: str = Field(default="other", max_length=32)
    order_id: int | None = Field(default=None, foreign_key="ticket_order.id")
    locale: str = Field(default="en", max_length=8)
    customer_typing_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    agent_typing_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class SupportMessage(SQLModel, table=True):
    __tablename__ = "support_message"

    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int | None = Field(default=None, foreign_key="support_ticket.id", index=True)
    chat_id: int | None = Field(default=None, foreign_key="support_chat.id", index=True)
    author_kind: str = Field(max_length=8)
    author_id: int | None = Field(default=None, foreign_key="user_account.id")
    author_name: str = Field(default="", max_length=120)
    channel: str = Field(default=Channel.CHAT, max_length=8)
    is_internal: bool = Field(default=False)
    body: str = Field(sa_column=Column(Text, nullable=False))
    attachment_path: str | None = Field(default=None, max_length=255)
    attachment_name: str | None = Field(default=None, max_length=255)
    attachment_type: str | None = Field(default=None, max_length=64)
    email_message_id: str | None = Field(default=None, max_length=255, index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    read_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class CannedReply(SQLModel, table=True):
    __tablename__ = "support_canned_reply"

    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=120)
    locale: str = Field(default="en", max_length=8, index=True)
    body: str = Field(sa_column=Column(Text, nullable=False))


class FaqEntry(SQLModel, table=True):
    __tablename__ = "support_faq"

    id: int | None = Field(default=None, primary_key=True)
    locale: str = Field(default="en", max_length=8, index=True)
    question: str = Field(max_length=300)
    answer: str = Field(sa_column=Column(Text, nullable=False))
    position: int = Field(default=0)
    is_published: bool = Field(default=True)


class AgentPresence(SQLModel, table=True):
    __tablename__ = "support_agent_presence"

    user_id: int = Field(foreign_key="user_account.id", primary_key=True)
    status: str = Field(default=Presence.OFFLINE, max_length=8)
    last_seen_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class PhoneCall(SQLModel, table=True):
    __tablename__ = "support_phone_call"

    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int = Field(foreign_key="support_ticket.id", index=True)
    agent_id: int | None = Field(default=None, foreign_key="user_account.id")
    caller_name: str = Field(max_length=120)
    caller_phone: str = Field(default="", max_length=40)
    summary: str = Field(sa_column=Column(Text, nullable=False))
    duration_seconds: int = Field(default=0, ge=0)
    outcome: str = Field(default=CallOutcome.RESOLVED, max_length=12)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
