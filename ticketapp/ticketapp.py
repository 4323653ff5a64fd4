"""Wiring only: theme, pages, API routes, the live-update listener."""

import reflex as rx

# Importing the page modules registers their routes (@rx.page).
import ticketapp.pages.account.auth
import ticketapp.pages.account.profile
import ticketapp.pages.account.tickets
import ticketapp.pages.admin.analytics
import ticketapp.pages.admin.api_tokens
import ticketapp.pages.admin.area
import ticketapp.pages.admin.backups
import ticketapp.pages.admin.codes
import ticketapp.pages.admin.door_list
import ticketapp.pages.admin.events
import ticketapp.pages.admin.invoicing
import ticketapp.pages.admin.messaging
import ticketapp.pages.admin.orders
import ticketapp.pages.admin.people
import ticketapp.pages.admin.questions
import ticketapp.pages.admin.rates
import ticketapp.pages.admin.refunds
import ticketapp.pages.admin.risk
import ticketapp.pages.admin.series
import ticketapp.pages.admin.waitlist
import ticketapp.pages.admin.webhooks
import ticketapp.pages.checkin
import ticketapp.pages.shop.cart
import ticketapp.pages.shop.checkout
import ticketapp.pages.shop.event
import ticketapp.pages.shop.events
import ticketapp.pages.shop.home
import ticketapp.pages.shop.not_found
import ticketapp.pages.shop.payment
import ticketapp.pages.shop.transfer
import ticketapp.pages.shop.waitlist
import ticketapp.pages.support.agent
import ticketapp.pages.support.help

# Importing the jobs subscribes them to the services' hooks (services.hooks) in this process.
import ticketapp.tasks  # noqa: F401
from ticketapp.api.routes import with_api_routes
from ticketapp.components.toaster import localized_toaster
from ticketapp.state import live, observability
from ticketapp.state.account.auth import TabIdentityMiddleware

app = rx.App(
    stylesheets=["/styles.css", "/admin.css"],
    html_lang="en",
    api_transformer=with_api_routes,
    toaster=localized_toaster(),  # the toast region named in the visitor's language
)
# A reconnecting tab whose session changed (signed out, revoked, someone else) loses its state before its snapshot.
app.add_middleware(TabIdentityMiddleware())
# One listener per backend worker pushes live facts (chat, queue, payments, check-ins) to its viewers.
app.register_lifespan_task(live.listen)
# Websocket event latencies and connected clients for /metrics; logs, metrics files and Sentry per worker.
observability.install()
app.register_lifespan_task(observability.per_worker)
