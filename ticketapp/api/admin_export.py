"""GET /api/admin/orders.csv: the admin order list as CSV, with the same filters as the page.

Checked here, not only on the page: a route is reachable without the page.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from ticketapp.db import session_scope
from ticketapp.services.admin_access import AdminRefusedError, ensure_admin
from ticketapp.services.admin_orders import export_csv, search_from_query
from ticketapp.services.auth_sessions import REMEMBER_COOKIE, SESSION_COOKIE, resolve_session


def request_user_id(session: Session, request: Request) -> int | None:
    """The signed-in user (second factor given) behind an HTTP request, from the session cookies."""
    for cookie in (SESSION_COOKIE, REMEMBER_COOKIE):
        token = request.cookies.get(cookie, "")
        user = resolve_session(session, token) if token else None
        if user is not None and user.fully_signed_in:
            return user.id
    return None


async def orders_csv(request: Request) -> Response:
    with session_scope() as session:
        try:
            ensure_admin(session, request_user_id(session, request))
        except AdminRefusedError:
            return PlainTextResponse("Forbidden", status_code=403)
        body = export_csv(session, search_from_query(dict(request.query_params)))
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M")
    return Response(
        body,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="orders-{stamp}.csv"', "Cache-Control": "no-store"},
    )
