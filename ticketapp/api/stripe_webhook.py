"""`POST /api/stripe/webhook`: Stripe tells us about payments. Signature first, always."""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse

from ticketapp.api.bodies import BodyTooLargeError, read_capped_body, too_large
from ticketapp.api.client_ip import client_ip
from ticketapp.db import session_scope
from ticketapp.services.accounts.security_log import ClientInfo
from ticketapp.services.orders.providers.stripe import stripe_configured
from ticketapp.services.orders.providers.stripe_events import UnknownOrderError, handle_stripe_event
from ticketapp.services.orders.providers.stripe_webhooks import WebhookRejectedError, verify_stripe_event
from ticketapp.services.risk.alerts import record_forged_webhook
from ticketapp.settings import get_settings

MAX_BODY_BYTES = 512 * 1024  # Stripe events are a few KB


async def stripe_webhook(request: Request) -> JSONResponse:
    settings = get_settings()
    if not stripe_configured():
        return JSONResponse({"error": "Stripe is not configured"}, status_code=404)
    try:
        payload = await read_capped_body(request, MAX_BODY_BYTES)
    except BodyTooLargeError:
        return too_large()
    try:
        event = verify_stripe_event(payload, request.headers.get("stripe-signature"), settings.stripe_webhook_secret)
    except WebhookRejectedError as exc:
        client = ClientInfo(ip=client_ip(request), user_agent=request.headers.get("user-agent", ""))
        await run_in_threadpool(_record_forgery, client, str(exc))
        return JSONResponse({"error": str(exc)}, status_code=400)
    try:
        outcome = await run_in_threadpool(_handle, event)
    except UnknownOrderError as exc:
        return JSONResponse({"error": str(exc)}, status_code=400)
    return JSONResponse({"received": True, "outcome": outcome})


def _record_forgery(client: ClientInfo, why: str) -> None:
    with session_scope() as session:
        record_forged_webhook(session, client, "stripe", why)


def _handle(event: dict[str, Any]) -> str:
    with session_scope() as session:
        return handle_stripe_event(session, event)
