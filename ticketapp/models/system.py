"""Operational records: proof that background jobs run, and the work due after a commit."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from ticketapp.models.types import UTCDateTime, utcnow


class JobHeartbeat(SQLModel, table=True):
    """The last time each periodic job ran; read by the health route."""

    name: str = Field(primary_key=True, max_length=64)
    last_run_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    runs: int = Field(default=0)


class DueJob(SQLModel, table=True):
    """Work that must follow a commit (tickets, a mail), written in the same transaction as its cause.

    The job marks it done; the reconciler re-enqueues what stays undone (ARCHITECTURE.md "Durable side effects").
    """

    __tablename__ = "due_job"
    __table_args__ = (
        UniqueConstraint("kind", "key", name="uq_due_job_kind_key"),
        Index("ix_due_job_undone", "done_at", "next_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=40)  # the hooks event that does the work
    key: str = Field(max_length=64)  # what it is about: an order id, a refund id, a mail's own id
    payload: str  # the event's keyword arguments, as JSON
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    next_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)  # not re-enqueued before this
    claimed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)  # a job is doing it (due.claim)
    done_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    attempts: int = Field(default=0)  # re-enqueues by the reconciler
    last_error: str = Field(default="", max_length=500)
