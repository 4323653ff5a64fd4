"""The embeddable widget's routes (services/widget): its script, its event JSON, and the hand-over to checkout.

- GET /widget/v1/ticketapp.js — the script organisers paste (cacheable, loadable from any site).
- GET /widget/v1/events/{slug}.json — public ticket selection; CORS only for the allowed origins (a request
  from another origin gets 403 and no CORS header).
- POST /widget/v1/checkout — the widget's form, submitted into a new tab: holds the chosen tickets in a new
  cart, sets the shop's cart cookie and sends the buyer to /checkout. Only from an allowed origin.
"""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from ticketapp.db import session_scope
from ticketapp.services.errors import DomainError
from ticketapp.services.widget import offer, origins

SCRIPT = Path(__file__).with_name("static") / "ticketapp-widget.js"
CART_COOKIE_AGE = 30 * 24 * 3600  # as the shop's own cart cookie (state/shop/cart.py)
MAX_FORM_BYTES = 8192


async def widget_script(_: Request) -> Response:
    return Response(
        SCRIPT.read_bytes(),
        media_type="text/javascript; charset=utf-8",
        headers={"Cache-Control": "public, max-age=300", "Cross-Origin-Resource-Policy": "cross-origin"},
    )


def _cors(origin: str | None) -> dict[str, str]:
    return {"Access-Control-Allow-Origin": origin, "Vary": "Origin"} if origin else {"Vary": "Origin"}


async def widget_event(request: Request) -> Response:
    origin = request.headers.get("origin")
    slug = str(request.path_params.get("slug", ""))[:200]
    with session_scope() as session:
        if origin is not None and not origins.is_allowed(session, origin):
            return JSONResponse({"error": "origin not allowed"}, status_code=403, headers={"Vary": "Origin"})
        document = offer.event_document(session, slug, request.query_params.get("lang", "en")[:8])
    if document is None:
        return JSONResponse({"error": "no such event"}, status_code=404, headers=_cors(origin))
    return JSONResponse(document, headers=_cors(origin) | {"Cache-Control": "no-store"})


async def widget_checkout(request: Request) -> Response:
    if int(request.headers.get("content-length") or 0) > MAX_FORM_BYTES:
        return PlainTextResponse("Too large", status_code=413)
    form = await request.form(max_fields=40)
    slug = str(form.get("event", ""))[:200]
    quantities: dict[int, int] = {}
    for key, value in form.items():
        if key.startswith("qty-") and key[4:].isdigit() and str(value).isdigit() and len(str(value)) < 4:
            quantities[int(key[4:])] = int(str(value))
    with session_scope() as session:
        if not origins.is_allowed(session, request.headers.get("origin")):
            return PlainTextResponse("This site may not sell these tickets.", status_code=403)
        try:
            token = offer.start_cart(session, slug, quantities)
        except DomainError as refused:
            lang = str(form.get("lang", "en"))[:8]
            return PlainTextResponse(refused.translated(lang), status_code=409)
    response = RedirectResponse("/checkout", status_code=303)
    response.set_cookie("cart", token, max_age=CART_COOKIE_AGE, path="/", samesite="lax")
    return response


def widget_routes() -> list[Route]:
    return [
        Route("/widget/v1/ticketapp.js", widget_script, methods=["GET"]),
        Route("/widget/v1/events/{slug}.json", widget_event, methods=["GET"]),
        Route("/widget/v1/checkout", widget_checkout, methods=["POST"]),
    ]
