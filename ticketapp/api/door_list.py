"""GET /api/admin/door-list.csv and .pdf?event=N&q=…: an event's door list for admins (checked here too:
a route is reachable without the page), in the visitor's language."""

from __future__ import annotations

from collections.abc import Callable

from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from ticketapp.api.deps import request_session, require_signed_in
from ticketapp.api.page_language import scope_language
from ticketapp.models import Event, Role
from ticketapp.services.accounts.access import AccessRefusedError
from ticketapp.services.tickets import door_list


def _export(request: Request, kind: str) -> Response:
    query = request.query_params
    raw_event = query.get("event", "")[:12]
    text = query.get("q", "")[: door_list.SEARCH_MAX]
    lang = scope_language(request.scope)
    with request_session(request) as session:
        try:
            require_signed_in(session, request, Role.ADMIN)
        except AccessRefusedError:
            return PlainTextResponse("Forbidden", status_code=403)
        if not raw_event.isdigit() or len(raw_event) > 9 or session.get(Event, int(raw_event)) is None:
            return PlainTextResponse("Event not found", status_code=404)
        event_id = int(raw_event)
        build: Callable[[Session, int, str, str], str | bytes] = (
            door_list.door_csv if kind == "csv" else door_list.door_pdf
        )
        body = build(session, event_id, text, lang)
    media = "text/csv; charset=utf-8" if kind == "csv" else "application/pdf"
    return Response(
        body,
        media_type=media,
        headers={
            "Content-Disposition": f'attachment; filename="door-list-{event_id}.{kind}"',
            "Cache-Control": "no-store",
        },
    )


async def door_list_csv(request: Request) -> Response:
    return await run_in_threadpool(_export, request, "csv")


async def door_list_pdf(request: Request) -> Response:
    return await run_in_threadpool(_export, request, "pdf")
