"""Invoice downloads: `/api/invoices/{code}.pdf` for the order's owner, an admin, or the order's guest link.

Someone else's invoice, an unknown one and a tampered link get the same plain refusal (nothing tells them apart).
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Route

from ticketapp.api.deps import request_session, request_viewer
from ticketapp.i18n import normalize_locale
from ticketapp.services.invoicing.links import downloadable, guest_link_valid
from ticketapp.services.invoicing.pdf import invoice_pdf
from ticketapp.settings import get_settings

CODE_MAX = 32


def _download(request: Request, code: str) -> Response:
    query = request.query_params
    order_code = query.get("order")
    if len(code) > CODE_MAX:
        return JSONResponse({"error": "invoice not found"}, status_code=404)
    if (order_code or query.get("s")) and not guest_link_valid(order_code, query.get("s")):
        return JSONResponse(
            {"error": "this invoice link is invalid: use the link from your order page"}, status_code=403
        )
    with request_session(request) as session:
        viewer = None if order_code else request_viewer(session, request)
        if order_code is None and viewer is None:
            return JSONResponse({"error": "sign in or use the link from your order page"}, status_code=403)
        invoice = downloadable(
            session,
            code,
            user_id=viewer.id if viewer else None,
            role=viewer.role if viewer else None,
            order_code=order_code,
        )
        if invoice is None:
            return JSONResponse({"error": "invoice not found"}, status_code=404)
        lang = normalize_locale(query.get("lang") or invoice.locale)
        path = invoice_pdf(session, invoice, get_settings().ticket_cache_dir, lang)
    return FileResponse(
        path,
        media_type="application/pdf",
        filename=f"{code}.pdf",
        headers={"Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff"},
    )


async def invoice_download(request: Request) -> Response:
    return await run_in_threadpool(_download, request, request.path_params["code"])


def invoice_routes() -> list[Route]:
    return [Route("/api/invoices/{code}.pdf", invoice_download, methods=["GET"])]
