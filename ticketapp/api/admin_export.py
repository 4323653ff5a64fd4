"""GET /api/admin/orders.csv: the admin order list as CSV, with the same filters as the page.

Checked here, not only on the page: a route is reachable without the page.
"""

from __future__ import annotations

from datetime import UTC, datetime

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from ticketapp.api.deps import require_signed_in
from ticketapp.db import session_scope
from ticketapp.models import Role
from ticketapp.services.accounts.access import AccessRefusedError
from ticketapp.services.orders.admin import export_csv, search_from_query


async def orders_csv(request: Request) -> Response:
    with session_scope() as session:
        try:
            require_signed_in(session, request, Role.ADMIN)
        except AccessRefusedError:
            return PlainTextResponse("Forbidden", status_code=403)
        body = export_csv(session, search_from_query(dict(request.query_params)))
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M")
    return Response(
        body,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="orders-{stamp}.csv"', "Cache-Control": "no-store"},
    )
