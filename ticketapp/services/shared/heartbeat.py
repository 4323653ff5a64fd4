"""Proof of life for periodic jobs, read by the health route."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from ticketapp.models import JobHeartbeat, utcnow

# The periodic jobs that beat (see ticketapp.tasks); the health route reads the first.
HEARTBEAT_JOB = "heartbeat"
HOLD_SWEEP_JOB = "hold_sweep"
RECONCILE_JOB = "reconcile_due"


def record_heartbeat(session: Session, name: str, *, now: datetime | None = None) -> JobHeartbeat:
    beat = session.get(JobHeartbeat, name) or JobHeartbeat(name=name, runs=0)
    beat.last_run_at = now or utcnow()
    beat.runs += 1
    session.add(beat)
    session.commit()
    return beat


def last_heartbeat(session: Session, name: str) -> datetime | None:
    beat = session.get(JobHeartbeat, name)
    return beat.last_run_at if beat else None
