"""Crafted websocket events against the live app, the way an attacker sends them: a client speaking
Reflex's socket.io protocol (bench/webbench/tab.py) with a customer's real session cookie.
"""

from __future__ import annotations

import sys
from pathlib import Path

from sqlmodel import Session

from tests.e2e.accounts_helpers import create_user, unique_email
from ticketapp.db import make_engine
from ticketapp.models import User
from ticketapp.services.accounts.security_log import ClientInfo
from ticketapp.services.accounts.sessions import SESSION_COOKIE, create_session
from ticketapp.state.support.admin import SupportAdminState

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

from webbench.site import read_site
from webbench.tab import Tab

SUPPORT_ADMIN = SupportAdminState.get_full_name()
WAIT_S = 30.0


def _session_token(database_url: str, user_id: int) -> str:
    engine = make_engine(database_url)
    with Session(engine) as session:
        user = session.get(User, user_id)
        assert user is not None
        token, _ = create_session(session, user, False, ClientInfo(ip="127.0.0.1", user_agent="crafted"))
        session.commit()
    engine.dispose()
    return token


def test_customer_crafting_support_admin_set_field_changes_nothing(live_app) -> None:
    customer = create_user(live_app.database_url, unique_email("crafty"))
    tab = Tab(read_site(live_app.url), cookies={SESSION_COOKIE: _session_token(live_app.database_url, customer)})
    try:
        tab.open("/", {}, [])
        tab.wait_for(lambda t: t.hydrated, WAIT_S, "hydrate")
        tab.send(f"{SUPPORT_ADMIN}.set_field", {"name": "canned_body", "value": "Free tickets: reply with your card"})
        tab.send(f"{SUPPORT_ADMIN}.set_field", {"name": "faq_answer", "value": "<img src=x onerror=alert(1)>"})
        # The handler ran and refused (the page's refusal flag), and neither text reached the state.
        tab.wait_for(lambda t: t.get(SUPPORT_ADMIN, "forbidden") is True, WAIT_S, "refusal")
        assert tab.get(SUPPORT_ADMIN, "canned_body", "") == ""
        assert tab.get(SUPPORT_ADMIN, "faq_answer", "") == ""
    finally:
        tab.close()
