"""Custom questions an organiser asks buyers, and their answers (services/questions)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, Column, Text, UniqueConstraint, false, true
from sqlmodel import Field, SQLModel

from ticketapp.models.types import UTCDateTime, utcnow


class QuestionKind(StrEnum):
    TEXT = "text"
    LONG_TEXT = "long_text"
    NUMBER = "number"
    DATE = "date"
    CHOICE = "choice"
    MULTIPLE_CHOICE = "multiple_choice"
    YES_NO = "yes_no"
    COUNTRY = "country"
    PHONE = "phone"


class QuestionScope(StrEnum):
    ORDER = "order"  # asked once per order (of the event's lines)
    TICKET = "ticket"  # asked once per ticket (each attendee)


class Question(SQLModel, table=True):
    """One question of an event's checkout. A removed question is archived: orders keep its answers."""

    __tablename__ = "event_question"

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", index=True)
    label: str = Field(max_length=200)
    help_text: str = Field(default="", max_length=500)
    kind: str = Field(max_length=20)
    scope: str = Field(default=QuestionScope.ORDER, max_length=10)
    required: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    # The choices of a (multiple) choice question, in the order shown.
    options: list[str] | None = Field(default=None, sa_type=JSON)
    # Ticket type ids the question is asked for; None for every ticket type of the event.
    ticket_type_ids: list[int] | None = Field(default=None, sa_type=JSON)
    position: int = Field(default=0)
    show_at_checkin: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    active: bool = Field(default=True, sa_column_kwargs={"server_default": true()})
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Answer(SQLModel, table=True):
    """A buyer's answer. Per order: ticket_type_id 0 and attendee 0; per ticket: the type and the
    attendee's position among that type's tickets of the order (0-based, like the tickets' order)."""

    __tablename__ = "question_answer"
    __table_args__ = (UniqueConstraint("order_id", "question_id", "ticket_type_id", "attendee", name="uq_answer_slot"),)

    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="ticket_order.id", index=True)
    question_id: int = Field(foreign_key="event_question.id", index=True)
    ticket_type_id: int = Field(default=0)
    attendee: int = Field(default=0)
    # Normalised text: a number as typed (dot decimal), a date ISO, choices one per line, yes/no "yes"/"no".
    value: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
