"""A buyer cancels their own unpaid order from its page: seats freed, logged with who did it; nobody else can."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from tests.factories import make_pending_order, make_user, reload_order
from ticketapp.models import OrderLog, OrderStatus
from ticketapp.services.booking.inventory import availability
from ticketapp.services.orders import cancellation
from ticketapp.services.orders.lifecycle import OrderError


def _last_log(session: Session, order_id: int) -> tuple[str, str, int | None]:
    row = session.exec(select(OrderLog).where(OrderLog.order_id == order_id).order_by(OrderLog.id.desc())).first()
    assert row is not None
    return row.to_status, row.note, row.actor_user_id


def test_guest_buyer_cancels_and_the_seats_go_back_on_sale(session: Session) -> None:
    order, ticket_type = make_pending_order(session, quantity=2, capacity=10)
    assert availability(session, [ticket_type.id])[ticket_type.id].remaining == 8
    cancellation.cancel_by_buyer(session, order.code, None)
    assert reload_order(session, order).status == OrderStatus.CANCELLED
    assert availability(session, [ticket_type.id])[ticket_type.id].remaining == 10
    assert _last_log(session, order.id) == (OrderStatus.CANCELLED, "cancelled by the buyer", None)


def test_an_accounts_order_is_cancelled_only_by_that_account(session: Session) -> None:
    order, _ = make_pending_order(session)
    owner, other = make_user(session, "owner@example.com"), make_user(session, "other@example.com")
    order.user_id = owner.id
    session.add(order)
    session.commit()
    for intruder in (other.id, None):
        with pytest.raises(OrderError) as refused:
            cancellation.cancel_by_buyer(session, order.code, intruder)
        assert refused.value.translated("fr") == "Cette commande ne peut plus être annulée."
        assert reload_order(session, order).status == OrderStatus.PENDING
    cancellation.cancel_by_buyer(session, order.code, owner.id)
    assert _last_log(session, order.id) == (OrderStatus.CANCELLED, "cancelled by the customer", owner.id)


def test_paid_or_unknown_orders_cannot_be_cancelled_by_the_buyer(session: Session) -> None:
    order, _ = make_pending_order(session)
    order.status = OrderStatus.PAID
    session.add(order)
    session.commit()
    for code in (order.code, "NO-SUCH"):
        with pytest.raises(OrderError):
            cancellation.cancel_by_buyer(session, code, None)
    assert reload_order(session, order).status == OrderStatus.PAID
