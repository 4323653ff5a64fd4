"""Purchase history: a user's orders newest first; an order only for its owner."""

from __future__ import annotations

from datetime import timedelta

from tests.support_orders import demo_ticket_type, insert_order
from ticketapp.models import User, utcnow
from ticketapp.services.orders.history import get_user_order, list_user_orders


def _user(session, email: str) -> User:
    user = User(email=email, display_name=email.split("@")[0])
    session.add(user)
    session.commit()
    return user


def test_orders_are_listed_newest_first_with_event_and_ticket_count(session) -> None:
    owner, other = _user(session, "owner@example.com"), _user(session, "other@example.com")
    gala = demo_ticket_type(session, "Gala Night")
    jazz = demo_ticket_type(session, "Jazz Evening", currency="JPY")
    insert_order(session, owner.id, gala, 2, code="OLDER1", created_at=utcnow() - timedelta(days=3))
    insert_order(session, owner.id, jazz, 3, code="NEWER1", status="refunded")
    insert_order(session, other.id, gala, 1, code="OTHER1")

    orders = list_user_orders(session, owner.id)
    assert [o.code for o in orders] == ["NEWER1", "OLDER1"]
    assert orders[0].event_titles == ["Jazz Evening"] and orders[0].ticket_count == 3
    assert orders[0].total.currency == "JPY" and orders[0].total.amount_minor == 7500
    assert orders[0].status == "refunded"
    assert list_user_orders(session, _user(session, "new@example.com").id) == []


def test_an_order_is_only_visible_to_its_owner(session) -> None:
    owner, other = _user(session, "owner@example.com"), _user(session, "other@example.com")
    insert_order(session, owner.id, demo_ticket_type(session, "Gala Night"), 2, code="MINE01")
    detail = get_user_order(session, owner.id, "MINE01")
    assert detail is not None and detail.summary.ticket_count == 2
    assert [(line.event_title, line.quantity) for line in detail.lines] == [("Gala Night", 2)]
    assert get_user_order(session, other.id, "MINE01") is None
    assert get_user_order(session, owner.id, "NOPE00") is None
