"""Wiring only: theme, pages, API routes."""

import reflex as rx

from ticketapp.api.routes import with_api_routes
from ticketapp.pages import (  # noqa: F401  (registers the pages)
    account,
    admin_analytics,
    admin_area,
    admin_events,
    admin_orders,
    admin_people,
    agent,
    auth,
    cart,
    checkin,
    checkout,
    event,
    events,
    home,
    my_tickets,
    payment,
    support,
)

app = rx.App(
    stylesheets=["/styles.css"],
    html_lang="en",
    api_transformer=with_api_routes,
)
