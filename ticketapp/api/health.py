"""`/api/health`: database reachability and the age of the job heartbeat."""

from __future__ import annotations

from sqlalchemy import text
from starlette.requests import Request
from starlette.responses import JSONResponse

from ticketapp.db import session_scope
from ticketapp.models import utcnow
from ticketapp.services.shared.heartbeat import HEARTBEAT_JOB, last_heartbeat


async def health(_: Request) -> JSONResponse:
    try:
        with session_scope() as session:
            session.exec(text("SELECT 1"))  # type: ignore[call-overload]
            beat = last_heartbeat(session, HEARTBEAT_JOB)
    except Exception as exc:  # noqa: BLE001  (any failure is reported, the probe never crashes)
        return JSONResponse({"status": "error", "database": str(exc)}, status_code=503)
    age = (utcnow() - beat).total_seconds() if beat else None
    return JSONResponse({"status": "ok", "database": "ok", "jobs_heartbeat_age_s": age})
