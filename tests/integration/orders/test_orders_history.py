"""Purchase history: a user's orders newest first; an order only for its owner."""

from __future__ import annotations

from datetime import timedelta

from tests.factories import make_event, make_order, make_user
from ticketapp.models import utcnow
from ticketapp.services.orders.history import get_user_order, list_user_orders


def test_orders_are_listed_newest_first_with_event_and_ticket_count(session) -> None:
    owner, other = make_user(session, "owner@example.com"), make_user(session, "other@example.com")
    _, gala = make_event(session, title="Gala Night")
    _, jazz = make_event(session, title="Jazz Evening", currency="JPY")
    make_order(session, [(gala, 2)], user_id=owner.id, code="OLDER1", created_at=utcnow() - timedelta(days=3))
    make_order(session, [(jazz, 3)], user_id=owner.id, code="NEWER1", status="refunded")
    make_order(session, [(gala, 1)], user_id=other.id, code="OTHER1")

    orders = list_user_orders(session, owner.id)
    assert [o.code for o in orders] == ["NEWER1", "OLDER1"]
    assert orders[0].event_titles == ["Jazz Evening"] and orders[0].ticket_count == 3
    assert orders[0].total.currency == "JPY" and orders[0].total.amount_minor == 7500
    assert orders[0].status == "refunded"
    assert list_user_orders(session, make_user(session, "new@example.com").id) == []


def test_an_order_is_only_visible_to_its_owner(session) -> None:
    owner, other = make_user(session, "owner@example.com"), make_user(session, "other@example.com")
    _, gala = make_event(session, title="Gala Night")
    make_order(session, [(gala, 2)], user_id=owner.id, code="MINE01")
    detail = get_user_order(session, owner.id, "MINE01")
    assert detail is not None and detail.summary.ticket_count == 2
    assert [(line.event_title, line.quantity) for line in detail.lines] == [("Gala Night", 2)]
    assert get_user_order(session, other.id, "MINE01") is None
    assert get_user_order(session, owner.id, "NOPE00") is None
