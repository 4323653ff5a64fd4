"""Reading and writing through `/api/v1/`: pages, filters, orders' lifecycle, idempotency keys."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, select

from tests.factories import make_event, make_order, make_user
from ticketapp.models import EventSeries, Order, OrderLog, OrderStatus, Ticket, utcnow
from ticketapp.services.tickets.issuing import issue_tickets


def _order_body(type_id: int, quantity: int = 2, **extra) -> dict:
    return {
        "buyer_name": "Ada Lovelace",
        "buyer_email": "ada@example.com",
        "items": [{"ticket_type_id": type_id, "quantity": quantity}],
        **extra,
    }


def test_events_are_paged_with_an_opaque_cursor(client, session: Session, auth) -> None:
    ids = [make_event(session, title=f"Concert {n}")[0].id for n in range(5)]
    seen: list[int] = []
    cursor = None
    pages = 0
    while True:
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        body = client.get("/api/v1/events", params=params, headers=auth).json()
        seen += [e["id"] for e in body["data"]]
        assert all(e["ticket_types"][0]["name"] == "Standard" for e in body["data"])
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            break
        assert str(seen[-1]) not in cursor  # opaque, not the id itself
    assert seen == ids and pages == 3


def test_modified_since_filters_orders(client, session: Session, auth) -> None:
    _, standard = make_event(session)
    old, _ = make_order(session, [(standard, 1)])
    old.updated_at = utcnow() - timedelta(days=3)
    session.add(old)
    session.commit()
    new, _ = make_order(session, [(standard, 1)], buyer_email="neo@example.com")
    since = (utcnow() - timedelta(days=1)).isoformat()
    codes = [
        o["code"] for o in client.get("/api/v1/orders", params={"modified_since": since}, headers=auth).json()["data"]
    ]
    assert codes == [new.code]
    by_mail = client.get("/api/v1/orders", params={"email": "NEO@example.com"}, headers=auth).json()["data"]
    assert [o["code"] for o in by_mail] == [new.code]


def test_create_pay_refund_an_order_through_the_shop_services(client, session: Session, auth) -> None:
    _, standard = make_event(session, capacity=10)
    created = client.post("/api/v1/orders", json=_order_body(standard.id, 3), headers=auth)
    assert created.status_code == 201, created.text
    order = created.json()
    assert order["status"] == OrderStatus.PENDING and order["total_minor"] == 3 * standard.price_minor
    detail = client.get(f"/api/v1/ticket-types/{standard.id}", headers=auth).json()
    assert detail["sold"] == 3 and detail["available"] == 7
    paid = client.post(f"/api/v1/orders/{order['code']}/mark-paid", headers=auth)
    assert paid.status_code == 200 and paid.json()["status"] == OrderStatus.PAID
    again = client.post(f"/api/v1/orders/{order['code']}/mark-paid", headers=auth)
    assert again.status_code == 409
    db_order = session.exec(select(Order).where(Order.code == order["code"])).one()
    issue_tickets(session, db_order.id)
    tickets = client.get("/api/v1/tickets", params={"order_code": order["code"]}, headers=auth).json()["data"]
    assert len(tickets) == 3
    refund = client.post(
        f"/api/v1/orders/{order['code']}/refund", json={"ticket_ids": [tickets[0]["id"]], "reason": "ill"}, headers=auth
    )
    assert refund.status_code == 200, refund.text
    assert refund.json()["amount_minor"] == standard.price_minor
    after = client.get(f"/api/v1/orders/{order['code']}", headers=auth).json()
    assert after["status"] == OrderStatus.PARTIALLY_REFUNDED
    assert client.post(f"/api/v1/orders/{order['code']}/cancel", headers=auth).status_code == 409
    trail = session.exec(select(OrderLog.note).where(OrderLog.order_id == db_order.id)).all()
    assert "placed through the API" in trail


def test_cancel_releases_the_seats_and_oversell_is_409(client, session: Session, auth) -> None:
    _, standard = make_event(session, capacity=4)
    first = client.post("/api/v1/orders", json=_order_body(standard.id, 4), headers=auth).json()
    refused = client.post("/api/v1/orders", json=_order_body(standard.id, 1), headers=auth)
    assert refused.status_code == 409 and refused.headers["content-type"].startswith("application/problem+json")
    cancelled = client.post(f"/api/v1/orders/{first['code']}/cancel", headers=auth)
    assert cancelled.status_code == 200 and cancelled.json()["status"] == OrderStatus.CANCELLED
    assert client.post("/api/v1/orders", json=_order_body(standard.id, 1), headers=auth).status_code == 201


def test_refused_orders_change_nothing(client, session: Session, auth) -> None:
    _, standard = make_event(session, capacity=4)
    _, other = make_event(session, title="Other")
    bad_mail = client.post("/api/v1/orders", json={**_order_body(standard.id), "buyer_email": "nope"}, headers=auth)
    assert bad_mail.status_code == 422
    unknown = client.post("/api/v1/orders", json=_order_body(987654), headers=auth)
    assert unknown.status_code == 404
    two_events = _order_body(standard.id)
    two_events["items"].append({"ticket_type_id": other.id, "quantity": 1})
    assert client.post("/api/v1/orders", json=two_events, headers=auth).status_code == 409
    assert session.exec(select(Order)).all() == []
    assert client.get(f"/api/v1/ticket-types/{standard.id}", headers=auth).json()["available"] == 4


def test_idempotency_key_replays_and_refuses_another_body(client, session: Session, auth) -> None:
    _, standard = make_event(session, capacity=10)
    headers = {**auth, "Idempotency-Key": "order-42"}
    first = client.post("/api/v1/orders", json=_order_body(standard.id, 2), headers=headers)
    second = client.post("/api/v1/orders", json=_order_body(standard.id, 2), headers=headers)
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json() and second.headers["idempotent-replayed"] == "true"
    assert len(session.exec(select(Order)).all()) == 1
    other = client.post("/api/v1/orders", json=_order_body(standard.id, 3), headers=headers)
    assert other.status_code == 422 and other.headers["content-type"].startswith("application/problem+json")
    assert (
        client.post(
            "/api/v1/orders", json=_order_body(standard.id, 3), headers={**auth, "Idempotency-Key": ""}
        ).status_code
        == 400
    )
    assert len(session.exec(select(Order)).all()) == 1


def test_customers_checkins_and_the_other_lists(client, session: Session, auth) -> None:
    event, standard = make_event(session)
    customer = make_user(session, "buyer@example.com", "Buyer")
    order, _ = make_order(session, [(standard, 2)], user_id=customer.id)
    tickets = issue_tickets(session, order.id)
    customers = client.get("/api/v1/customers", headers=auth).json()["data"]
    assert [c["email"] for c in customers] == ["buyer@example.com"]
    assert client.get(f"/api/v1/customers/{customer.id}", headers=auth).json()["name"] == "Buyer"
    scan = client.post("/api/v1/checkins", json={"event_id": event.id, "scan": tickets[0].code}, headers=auth)
    assert scan.status_code == 200 and scan.json()["outcome"] == "valid"
    again = client.post("/api/v1/checkins", json={"event_id": event.id, "scan": tickets[0].code}, headers=auth)
    assert again.json()["outcome"] == "already_used"
    checkins = client.get("/api/v1/checkins", params={"event_id": event.id}, headers=auth).json()["data"]
    assert [c["ticket_code"] for c in checkins] == [tickets[0].code]
    session.expire_all()
    assert session.get(Ticket, tickets[1].id).checked_in_at is None
    for path in (
        "/api/v1/promo-codes",
        "/api/v1/waitlist-entries",
        "/api/v1/questions",
        "/api/v1/answers",
        "/api/v1/invoices",
        "/api/v1/ticket-types",
    ):
        response = client.get(path, headers=auth)
        assert response.status_code == 200 and "data" in response.json(), path


def test_the_dates_of_a_series_are_its_events_filtered_by_series_id(client, session: Session, auth) -> None:
    series = EventSeries(title="Le Petit Prince", slug="le-petit-prince-api")
    session.add(series)
    session.commit()
    dates = [make_event(session, title=f"Le Petit Prince {n}")[0] for n in range(3)]
    for date in dates[:2]:
        date.series_id = series.id
        session.add(date)
    session.commit()
    body = client.get("/api/v1/events", params={"series_id": series.id}, headers=auth).json()
    assert [e["id"] for e in body["data"]] == [dates[0].id, dates[1].id]
    assert {e["series_id"] for e in body["data"]} == {series.id}
    alone = client.get(f"/api/v1/events/{dates[2].id}", headers=auth).json()
    assert alone["series_id"] is None
    refused = client.get("/api/v1/events", params={"series_id": "x"}, headers=auth)
    assert refused.status_code == 400 and refused.headers["content-type"].startswith("application/problem+json")
