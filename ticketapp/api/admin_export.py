"""GET /api/admin/orders.csv: the admin order list as CSV, with the same filters as the page.

Checked here, not only on the page: a route is reachable without the page.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from ticketapp.db import session_scope
from ticketapp.services.admin_access import AdminRefusedError, ensure_admin
from ticketapp.services.admin_orders import OrderSearch, export_csv


def request_user_id(request: Request) -> int | None:
    """The signed-in user behind an HTTP request. TODO(accounts): read the accounts session cookie here."""
    del request
    return None


def _day(raw: str | None, *, next_day: bool = False) -> datetime | None:
    try:
        day = date.fromisoformat(raw or "")
    except ValueError:
        return None
    return datetime.combine(day + timedelta(days=1 if next_day else 0), time(0), tzinfo=UTC)


def search_from_query(params: dict[str, str]) -> OrderSearch:
    event = params.get("event", "")
    return OrderSearch(
        text=params.get("q", "")[:200],
        event_id=int(event) if event.isdigit() else None,
        status=params.get("status") or None,
        created_from=_day(params.get("from")),
        created_before=_day(params.get("to"), next_day=True),
    )


async def orders_csv(request: Request) -> Response:
    with session_scope() as session:
        try:
            ensure_admin(session, request_user_id(request))
        except AdminRefusedError:
            return PlainTextResponse("Forbidden", status_code=403)
        body = export_csv(session, search_from_query(dict(request.query_params)))
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M")
    return Response(
        body,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="orders-{stamp}.csv"', "Cache-Control": "no-store"},
    )
