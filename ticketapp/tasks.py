"""Background jobs (DESIGN.md "Jobs").

Huey keeps its queue in SQLite by default and in Redis when REFLEX_REDIS_URL
is set: the same task code runs on one laptop or many workers. With
JOBS_IMMEDIATE=1 (tests) tasks run inline in the caller.
"""

from __future__ import annotations

from huey import Huey, RedisHuey, SqliteHuey, crontab

from ticketapp.db import session_scope
from ticketapp.services.heartbeat import record_heartbeat
from ticketapp.settings import get_settings

HEARTBEAT_JOB = "heartbeat"


def _make_huey() -> Huey:
    settings = get_settings()
    if settings.redis_url:
        return RedisHuey("ticketapp", url=settings.redis_url, immediate=settings.jobs_immediate)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return SqliteHuey("ticketapp", filename=str(settings.huey_db_path), immediate=settings.jobs_immediate)


huey = _make_huey()


@huey.periodic_task(crontab(minute="*"), retries=3, retry_delay=10)
def heartbeat() -> None:
    """Runs every minute; the health route reports its age to monitoring."""
    with session_scope() as session:
        record_heartbeat(session, HEARTBEAT_JOB)


HOLD_SWEEP_JOB = "hold_sweep"


@huey.periodic_task(crontab(minute="*"), retries=3, retry_delay=10)
def sweep_holds() -> None:
    """Every minute: delete long-expired holds and expire lapsed pending orders.

    Availability never depends on this job (expired holds stop counting at
    once); it keeps the tables small and order statuses truthful.
    """
    from ticketapp.services.orders import sweep_expired

    with session_scope() as session:
        sweep_expired(session)
        record_heartbeat(session, HOLD_SWEEP_JOB)
