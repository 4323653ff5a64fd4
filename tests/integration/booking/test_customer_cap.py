"""The per-customer cap of an event is enforced when tickets are added, not only at checkout."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session

from tests.factories import add_type, make_event, make_order, make_user, token
from ticketapp.models import OrderStatus, utcnow
from ticketapp.services.booking import holds
from ticketapp.services.booking import inventory as inv


def test_account_with_three_bought_may_add_only_one_more(session: Session) -> None:
    event, standard = make_event(session, capacity=50, cap=4)
    buyer = make_user(session, "cap-buyer@example.com")
    make_order(session, [(standard, 3)], user_id=buyer.id)
    cart = token()
    with pytest.raises(inv.LimitExceededError) as refused:
        holds.add_to_cart(session, cart, standard.id, 2, user_id=buyer.id)
    assert refused.value.translated("en") == "At most 4 tickets per customer for this event: you can add 1 more."
    assert refused.value.translated("fr") == (
        "4 billets au plus par client pour cet événement : vous pouvez encore en ajouter 1."
    )
    assert inv.find_cart(session, cart) is None  # the refusal changed nothing
    assert holds.add_to_cart(session, cart, standard.id, 1, user_id=buyer.id) is not None
    with pytest.raises(inv.LimitExceededError) as full:
        holds.add_to_cart(session, cart, add_type(session, event, name="VIP").id, 1, user_id=buyer.id)
    assert full.value.translated("en") == "At most 4 tickets per customer for this event, and you already have 4."


def test_pending_orders_and_holds_in_other_carts_count_for_an_account(session: Session) -> None:
    _, standard = make_event(session, capacity=50, cap=4)
    buyer = make_user(session, "cap-pending@example.com")
    pending, _ = make_order(session, [(standard, 1)], user_id=buyer.id, status=OrderStatus.PENDING)
    pending.expires_at = utcnow() + timedelta(hours=1)  # its payment window is still open
    session.add(pending)
    session.commit()
    make_order(session, [(standard, 3)], user_id=buyer.id, status=OrderStatus.FAILED)  # declined: does not count
    holds.add_to_cart(session, token(), standard.id, 2, user_id=buyer.id)  # another device's cart
    with pytest.raises(inv.LimitExceededError, match="you can add 1 more"):
        holds.add_to_cart(session, token(), standard.id, 2, user_id=buyer.id)


def test_a_cart_linked_to_an_account_counts_its_orders_without_being_told_the_user(session: Session) -> None:
    _, standard = make_event(session, capacity=50, cap=4)
    buyer = make_user(session, "cap-linked@example.com")
    cart = token()
    holds.add_to_cart(session, cart, standard.id, 1, user_id=buyer.id)
    make_order(session, [(standard, 2)], user_id=buyer.id)
    with pytest.raises(inv.LimitExceededError, match="you can add 1 more"):
        holds.add_to_cart(session, cart, standard.id, 2)


def test_a_guest_cart_counts_its_own_holds(session: Session) -> None:
    event, standard = make_event(session, capacity=50, cap=4)
    vip = add_type(session, event, name="VIP")
    cart = token()
    holds.add_to_cart(session, cart, standard.id, 3)
    with pytest.raises(inv.LimitExceededError, match="you can add 1 more"):
        holds.add_to_cart(session, cart, vip.id, 2)
    with pytest.raises(inv.LimitExceededError, match="you can add 1 more"):
        holds.add_to_cart(session, cart, standard.id, 2)
    holds.add_to_cart(session, token(), standard.id, 4)  # another guest's cart is theirs
