"""Builds the ASGI app that serves our routes in front of Reflex's."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.routing import Mount, Route
from starlette.types import ASGIApp

from ticketapp.api.health import health
from ticketapp.api.support import inbound_email


def with_api_routes(reflex_asgi: ASGIApp) -> ASGIApp:
    """Reflex calls this with its own ASGI app; ours answer first."""
    return Starlette(
        routes=[
            Route("/api/health", health, methods=["GET"]),
            Route("/api/support/inbound", inbound_email, methods=["POST"]),
            Mount("", app=reflex_asgi),
        ]
    )
