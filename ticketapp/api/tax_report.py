"""GET /api/admin/tax-report.csv?start=…&end=…: the tax report as CSV, for admins (checked here too)."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from ticketapp.api.deps import request_session, require_signed_in
from ticketapp.models import Role
from ticketapp.services.accounts.access import AccessRefusedError
from ticketapp.services.invoicing import report
from ticketapp.services.invoicing.tax import TaxError


def _csv(request: Request) -> Response:
    query = request.query_params
    with request_session(request) as session:
        try:
            require_signed_in(session, request, Role.ADMIN)
        except AccessRefusedError:
            return PlainTextResponse("Forbidden", status_code=403)
        try:
            first, last = report.parse_period(query.get("start", "")[:20], query.get("end", "")[:20])
        except TaxError as refused:
            return PlainTextResponse(str(refused), status_code=400)
        body = report.report_csv(report.tax_report(session, first, last), first, last)
    return Response(
        body,
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="tax-report-{first}-{last}.csv"',
            "Cache-Control": "no-store",
        },
    )


async def tax_report_csv(request: Request) -> Response:
    return await run_in_threadpool(_csv, request)
