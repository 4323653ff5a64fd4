"""Work due after a commit (ARCHITECTURE.md "Durable side effects").

The service that causes follow-up work (an order paid, a refund, a mail) records a
`DueJob` in the same transaction as the cause, then emits the hook after the commit.
The job marks it done when it finishes. Anything a dead worker, a lost task or an
unwritable queue left undone is re-enqueued by the reconciler (`reconcile_due` in
ticketapp.tasks) once it is older than DUE_GRACE_S, with a growing delay between
attempts. Every job is idempotent, so a re-enqueued one that had in fact run is harmless.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, update
from sqlmodel import Session, col, select

from ticketapp.models import DueJob, utcnow
from ticketapp.settings import get_settings

log = logging.getLogger(__name__)
# Re-enqueue delays grow by doubling from the grace period up to this cap.
MAX_BACKOFF = timedelta(hours=1)
BATCH = 200  # due jobs re-enqueued per reconciler pass


def record(session: Session, kind: str, key: str | int, **payload: Any) -> None:
    """Note that `kind` must run with `payload` once the caller's transaction commits (the caller commits)."""
    now = utcnow()
    grace = timedelta(seconds=get_settings().due_grace_s)
    session.add(DueJob(kind=kind, key=str(key), payload=json.dumps(payload), created_at=now, next_at=now + grace))


def mark_done(session: Session, kind: str, key: str | int) -> None:
    """The job finished (commits); marking twice keeps the first time."""
    session.exec(
        update(DueJob)
        .where(col(DueJob.kind) == kind, col(DueJob.key) == str(key), col(DueJob.done_at).is_(None))
        .values(done_at=utcnow())
    )
    session.commit()


def claim(session: Session, kind: str, key: str | int, *, now: datetime | None = None) -> bool:
    """Take an undone job for DUE_GRACE_S before doing work that cannot be undone (a mail); commits.

    False when it is done, or another copy took it less than DUE_GRACE_S ago: the reconciler
    may have enqueued a second copy of a job that was only slow, and only one must send.
    If the taker dies, its claim lapses and the next re-enqueued copy takes it.
    """
    now = now or utcnow()
    lapsed = now - timedelta(seconds=get_settings().due_grace_s)
    taken = session.exec(
        update(DueJob)
        .where(col(DueJob.kind) == kind, col(DueJob.key) == str(key), col(DueJob.done_at).is_(None))
        .where(or_(col(DueJob.claimed_at).is_(None), col(DueJob.claimed_at) <= lapsed))
        .values(claimed_at=now)
    )
    session.commit()
    if taken.rowcount:
        return True
    recorded = session.exec(select(DueJob.id).where(DueJob.kind == kind, DueJob.key == str(key))).first()
    return recorded is None  # work nobody recorded as due (e.g. queued before this table existed) just runs


def release(session: Session, kind: str, key: str | int) -> None:
    """The claimed work failed (commits): the job's own retry may take it again at once."""
    session.rollback()
    session.exec(
        update(DueJob)
        .where(col(DueJob.kind) == kind, col(DueJob.key) == str(key), col(DueJob.done_at).is_(None))
        .values(claimed_at=None)
    )
    session.commit()


@contextmanager
def claimed(session: Session, kind: str, key: str | int) -> Iterator[bool]:
    """`with claimed(...) as mine:` do the work only when `mine`; done when the block ends, released if it raises."""
    mine = claim(session, kind, key)
    try:
        yield mine
    except BaseException:
        if mine:
            release(session, kind, key)
        raise
    if mine:
        mark_done(session, kind, key)


def backoff(attempts: int, grace: timedelta) -> timedelta:
    return min(grace * (2 ** min(attempts, 16)), MAX_BACKOFF)


def take_due(session: Session, *, now: datetime | None = None) -> list[tuple[int, str, dict[str, Any]]]:
    """The undone jobs whose time came, each pushed back by its backoff (commits); returns (id, kind, payload)."""
    now = now or utcnow()
    grace = timedelta(seconds=get_settings().due_grace_s)
    rows = session.exec(
        select(DueJob)
        .where(col(DueJob.done_at).is_(None), col(DueJob.next_at) <= now)
        .order_by(col(DueJob.next_at))
        .limit(BATCH)
        .with_for_update(skip_locked=True)
    ).all()
    taken = []
    for job in rows:
        job.attempts += 1
        job.next_at = now + backoff(job.attempts, grace)
        session.add(job)
        taken.append((job.id or 0, job.kind, json.loads(job.payload)))
    session.commit()
    return taken


def reconcile(session: Session, enqueue: Callable[..., None], *, now: datetime | None = None) -> int:
    """Re-enqueue every due job whose time came through `enqueue(kind, **payload)`; returns how many went."""
    sent = 0
    for job_id, kind, payload in take_due(session, now=now):
        try:
            enqueue(kind, **payload)
            sent += 1
        except Exception as exc:  # noqa: BLE001  (the queue may be down: keep the error, try again later)
            log.warning("could not re-enqueue %s %s: %s", kind, payload, exc)
            _note_error(session, job_id, str(exc))
    return sent


def _note_error(session: Session, job_id: int, error: str) -> None:
    job = session.get(DueJob, job_id)
    if job is not None:
        job.last_error = error[:500]
        session.add(job)
        session.commit()


def oldest_undone_age(session: Session, *, now: datetime | None = None) -> float | None:
    """Seconds since the oldest undone job was due (None when nothing waits): the fulfilment backlog."""
    oldest = session.exec(select(func.min(DueJob.created_at)).where(col(DueJob.done_at).is_(None))).one()
    if oldest is None:
        return None
    if oldest.tzinfo is None:  # SQLite gives MIN() back untagged
        oldest = oldest.replace(tzinfo=UTC)
    return ((now or utcnow()) - oldest).total_seconds()
