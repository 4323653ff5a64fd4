"""'Try again' after a declined payment: the order's tickets go back in the cart, as far as seats allow."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from tests.factories import add_type, make_event, token
from ticketapp.models import Hold, OrderStatus
from ticketapp.services.booking import checkout, holds
from ticketapp.services.booking import inventory as inv
from ticketapp.services.orders import lifecycle


def _held(session: Session, cart: str) -> list[tuple[int, int]]:
    session.expire_all()
    found = inv.find_cart(session, cart)
    if found is None:
        return []
    rows = session.exec(select(Hold).where(Hold.cart_id == found.id).order_by(Hold.ticket_type_id)).all()
    return [(h.ticket_type_id, h.quantity) for h in rows]


def _declined_order(session: Session, lines: list[tuple[int, int]]) -> str:
    cart = token()
    for type_id, quantity in lines:
        holds.set_hold_quantity(session, cart, type_id, quantity)
    [order] = checkout.convert_cart_to_pending_order(session, cart, buyer_name="Ada", buyer_email="ada@example.com")
    lifecycle.end_unpaid(session, order.id or 0, OrderStatus.FAILED, "declined")
    return order.code


def test_declined_order_goes_back_in_the_cart_once(session: Session) -> None:
    event, standard = make_event(session, capacity=10)
    vip = add_type(session, event, name="VIP", capacity=5)
    code = _declined_order(session, [(standard.id, 2), (vip.id, 1)])
    cart = token()
    assert holds.rebook_order(session, cart, code).held == 3
    assert holds.rebook_order(session, cart, code).held == 3  # a second press holds no more
    assert _held(session, cart) == sorted([(standard.id, 2), (vip.id, 1)])


def test_lines_that_sold_out_meanwhile_are_reported(session: Session) -> None:
    event, standard = make_event(session, capacity=3)
    vip = add_type(session, event, name="VIP", capacity=5)
    code = _declined_order(session, [(standard.id, 2), (vip.id, 1)])
    holds.set_hold_quantity(session, token(), standard.id, 3)  # someone else took every seat
    cart = token()
    rebooked = holds.rebook_order(session, cart, code)
    assert rebooked.held == 1
    assert [refused.translated("en") for refused in rebooked.refused] == ["Sold out."]
    assert _held(session, cart) == [(vip.id, 1)]


def test_an_order_still_waiting_or_paid_cannot_be_rebooked(session: Session) -> None:
    _, standard = make_event(session)
    cart = token()
    holds.set_hold_quantity(session, cart, standard.id, 1)
    [order] = checkout.convert_cart_to_pending_order(session, cart, buyer_name="Ada", buyer_email="ada@example.com")
    for code in (order.code, "NO-SUCH"):
        with pytest.raises(holds.NotRebookableError):
            holds.rebook_order(session, token(), code)
    assert _held(session, cart) == []
