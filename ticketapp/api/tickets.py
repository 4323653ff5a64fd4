"""Ticket downloads: `/api/tickets/{code}.pdf` (signed link) and `/api/events/{id}.ics`."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Route

from ticketapp.api.deps import request_session, request_viewer
from ticketapp.api.page_language import scope_language
from ticketapp.i18n import normalize_locale
from ticketapp.models import Event, EventStatus, Order, Venue
from ticketapp.services.catalog.translations import event_description, event_title
from ticketapp.services.shared.calendar import event_ics
from ticketapp.services.tickets.links import downloadable_ticket, link_is_valid
from ticketapp.services.tickets.pdf import ticket_pdf
from ticketapp.services.tickets.tokens import get_signing_key
from ticketapp.settings import get_settings

MAX_ID = 2**63 - 1  # the largest BIGINT / SQLite integer


def _download(request: Request, code: str, user_id: int | None) -> Response:
    settings = get_settings()
    query = request.query_params
    if user_id is None and not link_is_valid(code, query.get("exp"), query.get("sig"), settings.secret_key):
        return JSONResponse({"error": "this download link is invalid or has expired"}, status_code=403)
    with request_session(request) as session:
        ticket = downloadable_ticket(session, code, user_id)
        if ticket is None:
            return JSONResponse({"error": "ticket not found"}, status_code=404)
        order = session.get(Order, ticket.order_id)
        lang = normalize_locale(query.get("lang") or (order.locale if order else None))
        path = ticket_pdf(session, ticket, lang, get_signing_key(), settings.ticket_cache_dir, settings.organiser_name)
    return FileResponse(
        path,
        media_type="application/pdf",
        filename=f"ticket-{code}.pdf",
        headers={"Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff"},
    )


def _download_for(request: Request, code: str) -> Response:
    """A signed link works for anyone holding it; otherwise the signed-in owner's session cookie decides."""
    query = request.query_params
    if query.get("sig") or query.get("exp"):
        return _download(request, code, None)
    with request_session(request) as session:
        owner = request_viewer(session, request)
    if owner is None:
        return JSONResponse({"error": "sign in or use the link from your e-mail"}, status_code=403)
    return _download(request, code, owner.id)


async def ticket_download(request: Request) -> Response:
    """A ticket PDF for its owner (session cookie) or the holder of a signed link; anyone else gets 403/404."""
    return await run_in_threadpool(_download_for, request, request.path_params["code"])


def _ics(request: Request, event_id: int) -> Response:
    if event_id > MAX_ID:  # no such row; the database would refuse the number itself (a 500)
        return JSONResponse({"error": "event not found"}, status_code=404)
    with request_session(request) as session:
        event = session.get(Event, event_id)
        venue = session.get(Venue, event.venue_id) if event else None
        # Drafts are not public: same answer as an unknown id.
        if event is None or venue is None or event.status == EventStatus.DRAFT:
            return JSONResponse({"error": "event not found"}, status_code=404)
        url = f"{get_settings().base_url}/events/{event.slug}"
        lang = scope_language(request.scope)  # the visitor's language, as the page they clicked it on
        body = event_ics(event, venue, url, title=event_title(event, lang), description=event_description(event, lang))
    return Response(
        body,
        media_type="text/calendar; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{event.slug}.ics"'},
    )


async def event_calendar(request: Request) -> Response:
    return await run_in_threadpool(_ics, request, int(request.path_params["event_id"]))


def ticket_routes() -> list[Route]:
    return [
        Route("/api/tickets/{code}.pdf", ticket_download, methods=["GET"]),
        Route("/api/events/{event_id:int}.ics", event_calendar, methods=["GET"]),
    ]
