"""`/api/health`: ready (200) or not (503), with what was checked.

Not ready when the database does not answer, when Redis (if configured) does not answer, when
the job scheduler's heartbeat is older than HEARTBEAT_ALERT_S (the worker is down: no heartbeat
yet is reported but tolerated, as right after a first start), or when work due after a commit
(tickets, mails) has waited longer than DUE_BACKLOG_ALERT_S (the worker or the queue is stuck).
`problems` lists each failed check.
`backup_age_s`/`backup_stale` report the last verified backup (stale past BACKUP_MAX_AGE_H, 26 h):
not a readiness condition (a stale backup is no reason to stop serving), an alert reads it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse

from ticketapp.db import session_scope
from ticketapp.models import utcnow
from ticketapp.services.ops.backup import last_backup_age_s
from ticketapp.services.shared.due import oldest_undone_age
from ticketapp.services.shared.heartbeat import HEARTBEAT_JOB, last_heartbeat
from ticketapp.settings import get_settings


def _redis_status(url: str) -> str:
    import redis

    client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
    try:
        client.ping()
        return "ok"
    except redis.RedisError as exc:
        return f"error: {exc}"
    finally:
        client.close()


def check() -> tuple[bool, dict[str, Any]]:
    settings = get_settings()
    problems: list[str] = []
    body: dict[str, Any] = {}
    try:
        with session_scope() as session:
            session.exec(text("SELECT 1"))  # type: ignore[call-overload]
            beat = last_heartbeat(session, HEARTBEAT_JOB)
            backlog = oldest_undone_age(session)
            backup_age = last_backup_age_s(session)
        body["database"] = "ok"
    except Exception as exc:  # noqa: BLE001  (any failure is reported, the probe never crashes)
        body["database"] = str(exc)
        problems.append("database")
        beat, backlog, backup_age = None, None, None
    if settings.redis_url:
        body["redis"] = _redis_status(settings.redis_url)
        if body["redis"] != "ok":
            problems.append("redis")
    age = (utcnow() - beat).total_seconds() if beat else None
    body["jobs_heartbeat_age_s"] = age
    if age is not None and age > settings.heartbeat_alert_s:
        problems.append("worker")
        body["worker"] = "no heartbeat for more than HEARTBEAT_ALERT_S"
    body["fulfilment_backlog_age_s"] = backlog
    if backlog is not None and backlog > settings.due_backlog_alert_s:
        problems.append("fulfilment")
        body["fulfilment"] = "backlog"
    body["backup_age_s"] = backup_age
    body["backup_stale"] = backup_age is None or backup_age > settings.backup_max_age_h * 3600
    body["problems"] = problems
    body["status"] = "error" if problems else "ok"
    return not problems, body


async def health(_: Request) -> JSONResponse:
    ready, body = await run_in_threadpool(check)
    return JSONResponse(body, status_code=200 if ready else 503)
