"""The check-in API for scanner apps: `/api/checkin` and what offline scanners need.

Every route but the public key requires `Authorization: Bearer <staff API token>`.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ticketapp.api.deps import request_session, require_door_staff
from ticketapp.models import Event
from ticketapp.services.accounts.access import AccessRefusedError
from ticketapp.services.questions.answers import checkin_answers_for_code
from ticketapp.services.tickets.checkin import EmptyScanError, ScanOutcome, checkin_counter, offline_checkin_list, scan
from ticketapp.services.tickets.tokens import get_signing_key, public_jwk, public_key


def _unauthorized() -> JSONResponse:
    return JSONResponse(
        {"error": "a valid staff API token is required"},
        status_code=401,
        headers={"WWW-Authenticate": 'Bearer realm="checkin"'},
    )


def _error(message: str, status_code: int) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status_code)


def _staff_id(session: Session, request: Request) -> int | None:
    try:
        return require_door_staff(session, request).id
    except AccessRefusedError:
        return None


def _event_id(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isdigit() and len(value) < 12:
        return int(value)
    return None


def _counter_json(session: Session, event_id: int) -> dict[str, int]:
    counter = checkin_counter(session, event_id)
    return {"checked_in": counter.checked_in, "sold": counter.sold}


def _checkin(request: Request, payload: dict[str, Any]) -> Response:
    with request_session(request) as session:
        staff_id = _staff_id(session, request)
        if staff_id is None:
            return _unauthorized()
        event_id = _event_id(payload.get("event_id"))
        scanned = payload.get("scan")
        if event_id is None or not isinstance(scanned, str):
            return _error('send {"event_id": <id>, "scan": "<QR token or ticket code>"}', 400)
        if session.get(Event, event_id) is None:
            return _error("no such event", 404)
        try:
            result = scan(session, event_id, scanned, staff_id, public_key(get_signing_key()))
        except EmptyScanError as exc:
            return _error(str(exc), 400)
        door = (
            checkin_answers_for_code(session, result.ticket_code, "en")
            if result.ticket_code and result.outcome in (ScanOutcome.VALID, ScanOutcome.ALREADY_USED)
            else []
        )
        answers = [{"question": question, "answer": answer} for question, answer in door]
        return JSONResponse({**result.as_json(), "answers": answers, "counter": _counter_json(session, event_id)})


async def checkin(request: Request) -> Response:
    """POST {"event_id": 12, "scan": "<token or code>"} -> {"outcome": "valid", ...}."""
    try:
        payload = await request.json()
    except ValueError:
        payload = None
    if not isinstance(payload, dict):
        payload = {}
    return await run_in_threadpool(_checkin, request, payload)


async def public_key_jwks(_: Request) -> Response:
    """The public key (JWK set) that verifies ticket tokens and signed lists offline."""
    return JSONResponse({"keys": [public_jwk(get_signing_key())]}, headers={"Cache-Control": "public, max-age=300"})


def _event_list(request: Request, event_id: int) -> Response:
    with request_session(request) as session:
        if _staff_id(session, request) is None:
            return _unauthorized()
        signed = offline_checkin_list(session, event_id, get_signing_key())
    if signed is None:
        return _error("no such event", 404)
    return Response(signed, media_type="application/jose", headers={"Cache-Control": "no-store"})


def _event_counter(request: Request, event_id: int) -> Response:
    with request_session(request) as session:
        if _staff_id(session, request) is None:
            return _unauthorized()
        if session.get(Event, event_id) is None:
            return _error("no such event", 404)
        return JSONResponse(_counter_json(session, event_id))


async def event_list(request: Request) -> Response:
    """GET a compact JWS listing the event's tickets (id, code, secret reference, void, checked in)."""
    return await run_in_threadpool(_event_list, request, int(request.path_params["event_id"]))


async def event_counter(request: Request) -> Response:
    return await run_in_threadpool(_event_counter, request, int(request.path_params["event_id"]))


def checkin_routes() -> list[Route]:
    return [
        Route("/api/checkin", checkin, methods=["POST"]),
        Route("/api/checkin/public-key", public_key_jwks, methods=["GET"]),
        Route("/api/checkin/events/{event_id:int}/list", event_list, methods=["GET"]),
        Route("/api/checkin/events/{event_id:int}/counter", event_counter, methods=["GET"]),
    ]
