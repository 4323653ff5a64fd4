"""Builds the ASGI app that serves our routes in front of Reflex's."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.routing import Mount, Route
from starlette.types import ASGIApp

from ticketapp.api.admin_export import orders_csv
from ticketapp.api.checkin import checkin_routes
from ticketapp.api.door_list import door_list_csv, door_list_pdf
from ticketapp.api.health import health
from ticketapp.api.invoices import invoice_routes
from ticketapp.api.media import media
from ticketapp.api.metrics import MetricsMiddleware, metrics_endpoint
from ticketapp.api.oauth import oauth_callback, oauth_start
from ticketapp.api.security_headers import SecurityHeadersMiddleware
from ticketapp.api.session_cookie import session_cookie_route, sign_out_route
from ticketapp.api.stripe_webhook import stripe_webhook
from ticketapp.api.support import inbound_email
from ticketapp.api.tax_report import tax_report_csv
from ticketapp.api.tickets import ticket_routes
from ticketapp.api.unsubscribe import unsubscribe_page, unsubscribe_post
from ticketapp.api.v1.app import build_api
from ticketapp.api.widget import widget_routes
from ticketapp.settings import get_settings


def with_api_routes(reflex_asgi: ASGIApp) -> ASGIApp:
    """Reflex calls this with its own ASGI app; ours answer first, every response gets security headers,
    and every request is timed (api/metrics.py)."""
    routes = Starlette(
        routes=[
            Route("/api/health", health, methods=["GET"]),
            Route("/metrics", metrics_endpoint, methods=["GET"]),
            Route("/api/stripe/webhook", stripe_webhook, methods=["POST"]),
            Route("/api/admin/orders.csv", orders_csv, methods=["GET"]),
            Route("/api/admin/tax-report.csv", tax_report_csv, methods=["GET"]),
            Route("/api/admin/door-list.csv", door_list_csv, methods=["GET"]),
            Route("/api/admin/door-list.pdf", door_list_pdf, methods=["GET"]),
            Route("/api/unsubscribe", unsubscribe_page, methods=["GET"]),
            Route("/api/unsubscribe", unsubscribe_post, methods=["POST"]),
            Route("/media/{name}", media, methods=["GET"]),
            *checkin_routes(),
            *ticket_routes(),
            *invoice_routes(),
            *widget_routes(),
            Route("/auth/session", session_cookie_route, methods=["GET"]),
            Route("/auth/signout", sign_out_route, methods=["POST"]),
            Route("/auth/oauth/{provider}/start", oauth_start, methods=["GET"]),
            Route("/auth/oauth/{provider}/callback", oauth_callback, methods=["GET"]),
            Route("/api/support/inbound", inbound_email, methods=["POST"]),
            Mount("/api/v1", app=build_api()),
            Mount("", app=reflex_asgi),
        ]
    )
    return MetricsMiddleware(SecurityHeadersMiddleware(routes, https=get_settings().is_https), routes.router)
