"""`/api/health`: database reachability, the age of the job heartbeat and the fulfilment backlog.

Not ready (503) when the database does not answer or when work due after a commit
(tickets, mails) has waited longer than DUE_BACKLOG_ALERT_S: the worker or the queue is down.
`backup_age_s`/`backup_stale` report the last verified backup (stale past BACKUP_MAX_AGE_H, 26 h).
"""

from __future__ import annotations

from sqlalchemy import text
from starlette.requests import Request
from starlette.responses import JSONResponse

from ticketapp.db import session_scope
from ticketapp.models import utcnow
from ticketapp.services.ops.backup import last_backup_age_s
from ticketapp.services.shared.due import oldest_undone_age
from ticketapp.services.shared.heartbeat import HEARTBEAT_JOB, last_heartbeat
from ticketapp.settings import get_settings


async def health(_: Request) -> JSONResponse:
    try:
        with session_scope() as session:
            session.exec(text("SELECT 1"))  # type: ignore[call-overload]
            beat = last_heartbeat(session, HEARTBEAT_JOB)
            backlog = oldest_undone_age(session)
            backup_age = last_backup_age_s(session)
    except Exception as exc:  # noqa: BLE001  (any failure is reported, the probe never crashes)
        return JSONResponse({"status": "error", "database": str(exc)}, status_code=503)
    age = (utcnow() - beat).total_seconds() if beat else None
    max_backup_age = get_settings().backup_max_age_h * 3600
    body = {
        "status": "ok",
        "database": "ok",
        "jobs_heartbeat_age_s": age,
        "fulfilment_backlog_age_s": backlog,
        # Not a readiness condition (a stale backup is no reason to stop serving): an alert reads it.
        "backup_age_s": backup_age,
        "backup_stale": backup_age is None or backup_age > max_backup_age,
    }
    if backlog is not None and backlog > get_settings().due_backlog_alert_s:
        return JSONResponse(body | {"status": "error", "fulfilment": "backlog"}, status_code=503)
    return JSONResponse(body)
