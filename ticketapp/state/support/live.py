"""Live updates for support: a background loop per open chat view reads the
database every ~0.6 s and pushes only what changed to its browser.

Why polling the database: messages are persisted first anyway, every backend
worker sees the same database, and a reconnecting browser simply reads again,
so nothing depends on which worker holds the other person's socket.
"""

from __future__ import annotations

import time

import reflex as rx
from reflex_base.registry import RegistrationContext

POLL_INTERVAL_S = 0.6
# A loop whose heartbeat is older than this is presumed dead (worker restart) and replaced.
LOOP_STALE_S = 5.0
# Short socket blips (reconnects) do not end a loop; a gone browser does.
DISCONNECT_GRACE_S = 15.0
MAX_LOOP_S = 4 * 3600


async def client_connected(token: str) -> bool:
    """Whether the browser behind `token` has a socket on any worker (Redis-aware)."""
    # The running app, as Reflex's own shared states reach it (reflex/istate/shared.py):
    # importing the app module from here would make the UI depend on its own entry point.
    namespace = RegistrationContext.get().app.event_namespace
    if namespace is None:
        return True
    return await namespace._token_manager.is_token_connected(token)  # no public accessor in 0.10.1


class LoopGuard:
    """Tracks one polling loop: when it last beat, and when its browser was last seen."""

    def __init__(self) -> None:
        self.started = time.monotonic()
        self.last_connected = self.started
        self.connected = True

    async def keep_going(self, token: str) -> bool:
        now = time.monotonic()
        if now - self.started > MAX_LOOP_S:
            return False
        self.connected = await client_connected(token)
        if self.connected:
            self.last_connected = now
        return now - self.last_connected < DISCONNECT_GRACE_S


def loop_is_running(beat: float, stale_s: float = LOOP_STALE_S) -> bool:
    return time.time() - beat < stale_s


def token_of(state: rx.State) -> str:
    return state.router.session.client_token
