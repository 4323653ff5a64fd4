"""With Reflex's Redis state manager and two real backend workers: a tab whose session was revoked
reconnects (to the other worker, with the same client token) and its snapshot carries none of what
the signed-in person's states held.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from sqlmodel import Session

from tests.factories import make_user
from tests.integration.support.test_support_two_workers import Tab, redis_url, workers  # noqa: F401  (fixtures)
from ticketapp.db import make_engine
from ticketapp.services.accounts import sessions as auth_sessions
from ticketapp.services.accounts.security_log import ClientInfo
from ticketapp.state.account.auth import AuthState
from ticketapp.state.account.profile import ProfileState

CLIENT = ClientInfo(ip="127.0.0.1", user_agent="pytest")
AUTH = AuthState.get_full_name()
PROFILE = ProfileState.get_full_name()


class CookieTab(Tab):
    """The two-worker test's tab, with the Cookie header a browser sends on the websocket handshake."""

    def __init__(self, token: str, cookie: str = "") -> None:
        super().__init__(token)
        self.cookie = cookie
        self.updates: list[Any] = []

    def _on_event(self, update: dict[str, Any]) -> None:
        self.updates.append(update)
        super()._on_event(update)

    def connect(self, url: str, storage: dict[str, str] | None = None) -> None:
        headers = {"Cookie": self.cookie} if self.cookie else {}
        self.sio.connect(
            f"{url}?token={self.token}",
            socketio_path="/_event",
            transports=["websocket"],
            namespaces=["/_event"],
            headers=headers,
        )
        self.send(f"{self.root()}.hydrate_and_load", {"vars": storage or {}})
        self.wait_for(lambda s: s.get(self.root(), {}).get("is_hydrated_rx_state_") is True, 10)

    @staticmethod
    def root() -> str:
        return AUTH.split(".")[0]


def _customer_session(database_url: str, email: str) -> str:
    engine = make_engine(database_url)
    with Session(engine, expire_on_commit=False) as session:
        user = make_user(session, email, "Private Person")
        token, _ = auth_sessions.create_session(session, user, False, CLIENT)
        session.commit()
    engine.dispose()
    return token


def _revoke(database_url: str, token: str) -> None:
    engine = make_engine(database_url)
    with Session(engine) as session:
        auth_sessions.revoke_session(session, token, CLIENT)
    engine.dispose()


def test_revoked_session_reconnecting_on_the_other_worker_gets_a_clean_snapshot(workers: dict[str, Any]) -> None:  # noqa: F811
    email = f"private-{uuid.uuid4().hex[:8]}@example.com"
    token = _customer_session(workers["database_url"], email)
    client_token = str(uuid.uuid4())

    signed_in = CookieTab(client_token, cookie=f"{auth_sessions.SESSION_COOKIE}={token}")
    signed_in.connect(workers["a"])
    signed_in.send(f"{AUTH}.refresh")
    signed_in.send(f"{PROFILE}.load")
    signed_in.wait_for(lambda s: s.get(PROFILE, {}).get("email_rx_state_") == email, 10)
    signed_in.sio.disconnect()

    _revoke(workers["database_url"], token)  # signed out in another tab, or by an admin
    reconnected = CookieTab(client_token)  # the same tab, its cookie gone
    try:
        reconnected.connect(workers["b"])
        assert reconnected.updates
        received = json.dumps(reconnected.updates)
        assert email not in received and "Private Person" not in received
    finally:
        reconnected.sio.disconnect()
