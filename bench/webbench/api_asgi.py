"""The app's HTTP routes (ours, `/api/v1/` included, behind the same security and metrics middleware) as an
ASGI app for granian, with a 404 where Reflex's own routes would be: what bench/api_orders.py serves."""

from __future__ import annotations

from starlette.responses import PlainTextResponse
from starlette.types import Receive, Scope, Send

import ticketapp.tasks  # noqa: F401  (subscribes the jobs to the services' hooks, as the app does)
from ticketapp.api.routes import with_api_routes


async def _no_reflex(scope: Scope, receive: Receive, send: Send) -> None:
    await PlainTextResponse("not served by this bench", status_code=404)(scope, receive, send)


app = with_api_routes(_no_reflex)
