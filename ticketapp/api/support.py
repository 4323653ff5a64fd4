"""`POST /api/support/inbound`: the mail provider forwards raw e-mails here.

Authenticated by a shared secret in the `X-Support-Secret` header
(SUPPORT_INBOUND_SECRET); without a configured secret the route is closed.
"""

from __future__ import annotations

import hmac

from starlette.requests import Request
from starlette.responses import JSONResponse

from ticketapp.api.bodies import BodyTooLargeError, read_capped_body, too_large
from ticketapp.db import session_scope
from ticketapp.services.support.inbound import MAX_INBOUND_BYTES, receive_email
from ticketapp.services.support.tickets import SupportError
from ticketapp.settings import get_settings

SECRET_HEADER = "x-support-secret"  # noqa: S105  (a header name, not a secret)


def _authorised(request: Request) -> bool:
    expected = get_settings().support.inbound_secret
    given = request.headers.get(SECRET_HEADER, "")
    return bool(expected) and hmac.compare_digest(given.encode(), expected.encode())


async def inbound_email(request: Request) -> JSONResponse:
    if not _authorised(request):
        return JSONResponse({"error": "unauthorized"}, status_code=401)
    try:
        raw = await read_capped_body(request, MAX_INBOUND_BYTES)
    except BodyTooLargeError:
        return too_large()
    try:
        with session_scope() as session:
            result = receive_email(session, raw)
    except SupportError as error:
        return JSONResponse({"error": str(error)}, status_code=422)
    return JSONResponse(
        {"ticket": result.ticket.reference, "created": result.created, "duplicate": result.duplicate},
        status_code=201 if result.created else 200,
    )
