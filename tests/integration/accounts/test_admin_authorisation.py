"""Every admin state handler refuses, and changes nothing, unless an active admin is signed in.

Until the accounts work wires `admin_guard.current_user_id` to the session,
nobody is signed in, so these tests call every handler as an anonymous
visitor; `ensure_admin` (the rule the guard applies) is tested with real
customer, agent, blocked and admin users.
"""

from __future__ import annotations

import asyncio
import inspect
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import reflex as rx
from reflex.state import State
from sqlmodel import Session, select
from starlette.responses import PlainTextResponse
from starlette.testclient import TestClient

from tests.factories import make_pending_order
from ticketapp.api.routes import with_api_routes
from ticketapp.models import AdminAudit, Event, EventStatus, Order, OrderStatus, Role, User
from ticketapp.services.accounts.access import AccessRefusedError as AdminRefusedError
from ticketapp.services.accounts.access import ensure_admin
from ticketapp.services.accounts.audit import audit
from ticketapp.services.orders.admin import search_from_query
from ticketapp.services.shared.media import save_event_image
from ticketapp.settings import get_settings
from ticketapp.state.admin.analytics import AnalyticsState
from ticketapp.state.admin.event_form import AdminEventFormState
from ticketapp.state.admin.events import AdminEventsState
from ticketapp.state.admin.orders import AdminOrdersState, AdminOrderState
from ticketapp.state.admin.people import AdminCustomersState, AdminStaffState

ADMIN_STATES: list[type[rx.State]] = [
    AnalyticsState,
    AdminEventsState,
    AdminEventFormState,
    AdminOrdersState,
    AdminOrderState,
    AdminCustomersState,
    AdminStaffState,
]
SAMPLE_ARGS: dict[str, Any] = {
    "points": [{"pointIndex": 0}],
    "key": "sales",
    "value": "1",
    "index": 0,
    "name": "title",
    "files": [],
    "role": "admin",
}


def _fresh(state_cls: type[rx.State]) -> rx.State:
    root = State(_reflex_internal_init=True)
    return root.get_substate(state_cls.get_full_name().split(".")[1:])


def _args(handler: Any) -> list[Any]:
    params = list(inspect.signature(handler.fn).parameters)[1:]
    return [SAMPLE_ARGS.get(name, "1") for name in params]


def _public_vars(state: rx.State) -> dict[str, Any]:
    return {name: getattr(state, name) for name in state.base_vars if name != "forbidden" and name != "loaded"}


def _run(result: Any) -> Any:
    """Await a coroutine on a private loop (the browser tests may own this thread's loop)."""
    if not inspect.isawaitable(result):
        return result

    async def wait() -> Any:
        return await result

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, wait()).result()


@pytest.mark.parametrize("state_cls", ADMIN_STATES, ids=lambda c: c.__name__)
def test_every_handler_refuses_without_an_admin(state_cls: type[rx.State], session: Session) -> None:
    session.add(User(email="boss@example.com", display_name="Boss", role=Role.ADMIN))
    session.add(User(email="carol@example.com", display_name="Carol", role=Role.CUSTOMER))
    session.commit()
    order, ticket_type = make_pending_order(session)  # ids 1: what every handler would act on
    handlers = [(n, h) for n, h in state_cls.event_handlers.items() if not n.startswith("setvar")]
    assert handlers, "no handlers found"
    for name, handler in handlers:
        state = _fresh(state_cls)
        before = _public_vars(state)
        result = _run(handler.fn(state, *_args(handler)))
        assert state.forbidden is True, name
        assert result is None, f"{name} returned {result!r} (a redirect or other effect)"
        assert _public_vars(state) == before, f"{name} changed state"
    assert session.exec(select(AdminAudit)).all() == []
    session.expire_all()
    assert session.get(Order, order.id).status == OrderStatus.PENDING
    assert session.get(Event, ticket_type.event_id).status == EventStatus.PUBLISHED
    assert [u.is_blocked for u in session.exec(select(User)).all()] == [False, False]


def test_ensure_admin_accepts_only_active_admins(session: Session) -> None:
    users = {
        "customer": User(email="c@example.com", display_name="C", role=Role.CUSTOMER),
        "agent": User(email="a@example.com", display_name="A", role=Role.AGENT),
        "blocked": User(email="b@example.com", display_name="B", role=Role.ADMIN, is_blocked=True),
        "admin": User(email="x@example.com", display_name="X", role=Role.ADMIN),
    }
    session.add_all(users.values())
    session.commit()
    for who in ("customer", "agent", "blocked"):
        with pytest.raises(AdminRefusedError):
            ensure_admin(session, users[who].id)
    with pytest.raises(AdminRefusedError):
        ensure_admin(session, None)
    with pytest.raises(AdminRefusedError):
        ensure_admin(session, 999_999)
    assert ensure_admin(session, users["admin"].id) == users["admin"].id


def test_audit_row_records_who_what_and_when(session: Session) -> None:
    admin = User(email="x@example.com", display_name="X", role=Role.ADMIN)
    session.add(admin)
    session.commit()
    audit(session, admin.id or 0, "event.publish", "event", 7, title="Rock")
    session.commit()
    [row] = session.exec(select(AdminAudit)).all()
    assert (row.actor_user_id, row.action, row.target_type, row.target_id) == (admin.id, "event.publish", "event", 7)
    assert row.details == {"title": "Rock"} and row.at is not None


def _client() -> TestClient:
    async def reflex_stand_in(scope: Any, receive: Any, send: Any) -> None:
        await PlainTextResponse("reflex")(scope, receive, send)

    return TestClient(with_api_routes(reflex_stand_in))


def test_csv_export_route_refuses_without_an_admin(session: Session, app_db: str) -> None:
    order, _ = make_pending_order(session)
    response = _client().get("/api/admin/orders.csv", params={"q": order.code})
    assert response.status_code == 403
    assert order.code not in response.text and "ada@example.com" not in response.text


def test_export_filters_from_the_query_string() -> None:
    search = search_from_query({"q": "ada", "event": "7", "status": "paid", "from": "2026-03-01", "to": "2026-03-31"})
    assert (search.text, search.event_id, search.status) == ("ada", 7, "paid")
    assert search.created_from is not None and search.created_before is not None
    assert (search.created_before - search.created_from).days == 31
    assert search_from_query({"event": "x; drop", "from": "garbage"}).event_id is None


def test_media_route_serves_only_stored_images(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MEDIA_DIR", str(tmp_path))
    get_settings.cache_clear()
    url = save_event_image(b"GIF89a" + b"\x00" * 32)
    client = _client()
    response = client.get(url)
    assert response.status_code == 200 and response.headers["content-type"] == "image/gif"
    assert client.get("/media/..%2Fsecret_key").text == "reflex"  # no media route match: falls through
    assert client.get("/media/nothing.png").status_code == 404
    get_settings.cache_clear()
