"""`/metrics` (Prometheus text) and the HTTP middleware that times every request and tags its logs.

Access: with METRICS_TOKEN set, only `Authorization: Bearer <METRICS_TOKEN>`; without it, only a client
connected straight to a backend over loopback — a request through the proxy carries X-Forwarded-For
(nginx always sets it) and is refused, so the public site never shows the metrics.
"""

from __future__ import annotations

import hmac
import time
import uuid

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Match, Router
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ticketapp.services.ops import metrics
from ticketapp.services.ops.logs import request_id
from ticketapp.settings import get_settings

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
LOOPBACK = {"127.0.0.1", "::1", "localhost"}
# Reflex's own HTTP routes, timed under their path; any other path is a static or unknown one.
REFLEX_ROUTES = ("/ping", "/_health", "/_upload", "/_all_routes")


def _queue_depth() -> int:
    from ticketapp.tasks import huey

    return int(huey.pending_count())


def allowed(request: Request) -> bool:
    token = get_settings().metrics_token
    if token:
        given = request.headers.get("authorization", "")
        return hmac.compare_digest(given.encode(), f"Bearer {token}".encode())
    peer = request.client.host if request.client else ""
    return peer in LOOPBACK and "x-forwarded-for" not in request.headers


def _scrape() -> bytes:
    metrics.forget_dead_processes()  # a killed worker's clients and pool are gone with it
    return metrics.scrape(_queue_depth)


async def metrics_endpoint(request: Request) -> Response:
    if not allowed(request):
        return PlainTextResponse("Forbidden: /metrics needs the metrics token or a loopback client.\n", 403)
    body = await run_in_threadpool(_scrape)
    return Response(body, media_type=CONTENT_TYPE)


class MetricsMiddleware:
    """Latency per route template (labels stay few), and a request id for the logs and the response."""

    def __init__(self, app: ASGIApp, router: Router) -> None:
        self.app = app
        self.router = router

    def _route(self, scope: Scope) -> str:
        for route in self.router.routes:
            match, _ = route.matches(scope)
            path = getattr(route, "path", "")
            if match == Match.FULL and path:
                return str(path)
        path = str(scope.get("path", ""))
        return path if path in REFLEX_ROUTES else "other"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        rid = headers.get(b"x-request-id", b"").decode("latin-1")[:64] or uuid.uuid4().hex
        token = request_id.set(rid)
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", rid.encode("latin-1"))]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            route = self._route(scope)
            metrics.HTTP_LATENCY.labels(route, scope.get("method", ""), str(status)).observe(
                time.perf_counter() - started
            )
            request_id.reset(token)
