"""API orders racing for the last seats never oversell (SQLite and PostgreSQL): the shop's locks hold."""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func
from sqlmodel import Session, col, select
from starlette.testclient import TestClient

from tests.factories import make_event
from tests.integration.api_access.conftest import not_reflex
from ticketapp.api.routes import with_api_routes
from ticketapp.models import Order, OrderItem

CAPACITY = 10
BUYERS = 32


def test_threads_racing_for_the_last_seats_never_oversell(session: Session, auth) -> None:
    _, standard = make_event(session, capacity=CAPACITY, cap=None)
    app = with_api_routes(not_reflex)
    barrier = threading.Barrier(BUYERS)

    def buy(n: int) -> int:
        with TestClient(app) as client:
            body = {
                "buyer_name": f"Buyer {n}",
                "buyer_email": f"buyer{n}@example.com",
                "items": [{"ticket_type_id": standard.id, "quantity": 1}],
                "mark_paid": n % 2 == 0,
            }
            barrier.wait()
            return client.post("/api/v1/orders", json=body, headers=auth).status_code

    with ThreadPoolExecutor(max_workers=BUYERS) as pool:
        outcomes = Counter(pool.map(buy, range(BUYERS)))
    assert outcomes == {201: CAPACITY, 409: BUYERS - CAPACITY}
    sold = session.exec(
        select(func.coalesce(func.sum(OrderItem.quantity), 0))
        .join(Order, col(Order.id) == OrderItem.order_id)
        .where(OrderItem.ticket_type_id == standard.id)
    ).one()
    assert sold == CAPACITY
