"""Operational records: proof that background jobs run."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from ticketapp.models.types import UTCDateTime, utcnow


class JobHeartbeat(SQLModel, table=True):
    """The last time each periodic job ran; read by the health route."""

    name: str = Field(primary_key=True, max_length=64)
    last_run_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    runs: int = Field(default=0)
