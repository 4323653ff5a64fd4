"""Reflex configuration. Values come from ticketapp.settings (the environment)."""

import os

import reflex as rx

from ticketapp.settings import get_settings

_settings = get_settings()

if _settings.redis_url:
    # Reflex's opportunistic lock: a worker keeps a tab's states and its Redis lock between that tab's events
    # (until another worker asks for them, or for half the lock expiry) instead of reading, locking, writing
    # and unlocking every substate in Redis on each event — a purchase went from ≈240 Redis commands to ≈60.
    # A tab's websocket stays on one worker, so the other workers rarely ask. Set it to false to opt out.
    os.environ.setdefault("REFLEX_OPLOCK_ENABLED", "true")

config = rx.Config(
    app_name="ticketapp",
    db_url=_settings.database_url,
    redis_url=_settings.redis_url,
    # One worker without Redis keeps tab states in memory: the disk manager lists and stats every saved tab on
    # each write pass (7 % of the backend's CPU in an on-sale rush). A restart only costs a re-hydrate (the cart
    # and the session live in cookies). With Redis, Reflex picks its Redis manager itself.
    **({} if _settings.redis_url else {"state_manager_mode": rx.constants.StateManagerMode.MEMORY}),
    telemetry_enabled=False,
    show_built_with_reflex=False,
    # Credentialed CORS (and the websocket's Origin check) only for our own origin.
    cors_allowed_origins=_settings.allowed_origins,
    # The same setting gives our HTTP routes their client IP (api/client_ip.py).
    trusted_proxy_hops=_settings.trusted_proxy_hops,
    disable_plugins=[rx.plugins.SitemapPlugin],
    plugins=[
        rx.plugins.RadixThemesPlugin(theme=rx.theme(appearance="inherit", accent_color="indigo", radius="medium")),
    ],
)
