"""Availability math, holds, caps, bad input and hold → order conversion on real databases."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, func, select

from tests.factories import add_type, make_event, token
from ticketapp.models import Cart, EventStatus, Hold, Order, OrderItem, OrderStatus, utcnow
from ticketapp.services.booking import checkout as order_service
from ticketapp.services.booking import holds as hold_service
from ticketapp.services.booking import inventory as inv
from ticketapp.services.orders import lifecycle


def _holds(session: Session) -> list[tuple[int, int]]:
    session.expire_all()
    return [(h.ticket_type_id, h.quantity) for h in session.exec(select(Hold).order_by(Hold.id)).all()]


def _remaining(session: Session, type_id: int) -> int:
    return inv.availability(session, [type_id])[type_id].remaining


def test_availability_is_capacity_minus_sold_minus_active_holds(session: Session) -> None:
    _, tt = make_event(session, capacity=20)
    a, b = token(), token()
    hold_service.set_hold_quantity(session, a, tt.id, 3)
    hold_service.set_hold_quantity(session, b, tt.id, 4)
    assert inv.availability(session, [tt.id])[tt.id] == inv.Availability(capacity=20, sold=0, held=7)
    orders = order_service.convert_cart_to_pending_order(session, a, buyer_name="Ann", buyer_email="ann@example.com")
    assert inv.availability(session, [tt.id])[tt.id] == inv.Availability(capacity=20, sold=3, held=4)
    # A pending order whose payment window closed stops counting; a paid one always counts.
    later = utcnow() + timedelta(hours=2)
    assert inv.availability(session, [tt.id], now=later)[tt.id].sold == 0
    assert order_service.confirm_order_paid(session, orders[0].id) == order_service.PaymentConfirmation.CONFIRMED
    assert inv.availability(session, [tt.id], now=later)[tt.id].sold == 3


def test_expired_hold_stops_counting_immediately_and_sweep_removes_it(session: Session) -> None:
    _, tt = make_event(session, capacity=5)
    cart = token()
    hold_service.set_hold_quantity(session, cart, tt.id, 5)
    assert _remaining(session, tt.id) == 0
    with pytest.raises(inv.NotEnoughAvailableError):
        hold_service.set_hold_quantity(session, token(), tt.id, 1)
    after_expiry = utcnow() + timedelta(minutes=16)
    assert inv.availability(session, [tt.id], now=after_expiry)[tt.id].remaining == 5
    # Another visitor can take the released seats at once, before any sweep.
    hold_service.set_hold_quantity(session, token(), tt.id, 5, now=after_expiry)
    assert order_service.sweep_expired(session, now=after_expiry + inv.SWEEP_GRACE)["holds"] == 1
    assert len(_holds(session)) == 1


def test_set_add_remove_and_empty(session: Session) -> None:
    event, tt = make_event(session, capacity=30)
    vip = add_type(session, event, name="VIP", capacity=5, price_minor=9000)
    cart = token()
    hold_service.add_to_cart(session, cart, tt.id, 2)
    hold_service.add_to_cart(session, cart, tt.id, 3)
    hold_service.add_to_cart(session, cart, vip.id, 1)
    assert _holds(session) == [(tt.id, 5), (vip.id, 1)]
    hold_service.set_hold_quantity(session, cart, tt.id, 2)
    hold_service.set_hold_quantity(session, cart, vip.id, 0)
    assert _holds(session) == [(tt.id, 2)]
    assert hold_service.empty_cart(session, cart) == 1
    assert _holds(session) == []


@pytest.mark.parametrize(
    ("quantity", "error"),
    [
        (-1, inv.InvalidQuantityError),
        (10**9, inv.InvalidQuantityError),
        (11, inv.LimitExceededError),
        ("3", inv.InvalidQuantityError),
        (True, inv.InvalidQuantityError),
    ],
)
def test_bad_quantities_are_refused_without_change(session: Session, quantity: object, error: type) -> None:
    _, tt = make_event(session, capacity=50, max_per_order=10)
    cart = token()
    hold_service.set_hold_quantity(session, cart, tt.id, 2)
    with pytest.raises(error) as raised:
        hold_service.set_hold_quantity(session, cart, tt.id, quantity)  # type: ignore[arg-type]
    assert raised.value.translated("fr") != raised.value.message or isinstance(raised.value, inv.BookingError)
    assert _holds(session) == [(tt.id, 2)]


def test_unknown_type_sold_out_past_cancelled_and_sales_window(session: Session) -> None:
    cart = token()
    for tampered in (999_999, -1, 10**20, "1"):
        with pytest.raises(inv.UnknownTicketTypeError):
            hold_service.set_hold_quantity(session, cart, tampered, 1)  # type: ignore[arg-type]
    _, small = make_event(session, capacity=1)
    hold_service.set_hold_quantity(session, token(), small.id, 1)
    with pytest.raises(inv.NotEnoughAvailableError, match="Sold out"):
        hold_service.set_hold_quantity(session, cart, small.id, 1)
    _, past = make_event(session, starts_in=timedelta(days=-3))
    with pytest.raises(inv.NotOnSaleError, match="already taken place"):
        hold_service.set_hold_quantity(session, cart, past.id, 1)
    _, cancelled = make_event(session, status=EventStatus.CANCELLED)
    with pytest.raises(inv.NotOnSaleError, match="cancelled"):
        hold_service.set_hold_quantity(session, cart, cancelled.id, 1)
    _, early = make_event(session, sales_start=utcnow() + timedelta(days=1))
    with pytest.raises(inv.NotOnSaleError, match="not on sale yet"):
        hold_service.set_hold_quantity(session, cart, early.id, 1)
    _, late = make_event(session, sales_end=utcnow() - timedelta(days=1))
    with pytest.raises(inv.NotOnSaleError, match="ended"):
        hold_service.set_hold_quantity(session, cart, late.id, 1)
    with pytest.raises(inv.BookingError):
        hold_service.set_hold_quantity(session, "short<bad>", small.id, 1)
    assert [q for _, q in _holds(session)] == [1]
    assert session.exec(select(func.count()).select_from(Cart)).one() == 1


def test_not_enough_left_says_how_many(session: Session) -> None:
    _, tt = make_event(session, capacity=5)
    hold_service.set_hold_quantity(session, token(), tt.id, 3)
    with pytest.raises(inv.NotEnoughAvailableError) as raised:
        hold_service.set_hold_quantity(session, token(), tt.id, 3)
    assert raised.value.translated("en") == "Only 2 tickets left."
    assert raised.value.translated("fr") == "Plus que 2 billets disponibles."


def test_per_customer_cap_across_types_holds_and_orders(session: Session) -> None:
    event, tt = make_event(session, capacity=50, cap=4)
    other = add_type(session, event, name="VIP", capacity=10)
    cart = token()
    hold_service.set_hold_quantity(session, cart, tt.id, 3)
    with pytest.raises(inv.LimitExceededError, match="4 tickets per customer"):
        hold_service.set_hold_quantity(session, cart, other.id, 2)
    hold_service.set_hold_quantity(session, cart, other.id, 1)
    order_service.convert_cart_to_pending_order(session, cart, buyer_name="Bo", buyer_email="bo@example.com")
    # Same buyer e-mail, new cart: the cap counts the earlier order at checkout.
    second = token()
    hold_service.set_hold_quantity(session, second, tt.id, 1)
    with pytest.raises(inv.LimitExceededError):
        order_service.convert_cart_to_pending_order(session, second, buyer_name="Bo", buyer_email="BO@example.com")
    assert session.exec(select(func.count()).select_from(Order)).one() == 1


def test_conversion_splits_currencies_and_records_prices(session: Session) -> None:
    _, eur = make_event(session, currency="EUR", price_minor=2500)
    _, gbp = make_event(session, currency="GBP", price_minor=4000)
    cart = token()
    hold_service.set_hold_quantity(session, cart, eur.id, 2)
    hold_service.set_hold_quantity(session, cart, gbp.id, 1)
    orders = order_service.convert_cart_to_pending_order(
        session, cart, buyer_name=" Zoé ", buyer_email="zoe@example.com", attendee_names={eur.id: ["A", "B"]}
    )
    assert [(o.currency, o.total_minor, o.status, o.buyer_name) for o in orders] == [
        ("EUR", 5000, OrderStatus.PENDING, "Zoé"),
        ("GBP", 4000, OrderStatus.PENDING, "Zoé"),
    ]
    assert all(o.expires_at and o.expires_at > utcnow() for o in orders)
    items = session.exec(select(OrderItem).order_by(OrderItem.id)).all()
    assert [(i.quantity, i.unit_price_minor, i.attendee_names) for i in items] == [
        (2, 2500, ["A", "B"]),
        (1, 4000, None),
    ]
    assert _holds(session) == []


def test_conversion_refuses_bad_buyer_and_empty_cart(session: Session) -> None:
    _, tt = make_event(session)
    cart = token()
    with pytest.raises(inv.EmptyCartError):
        order_service.convert_cart_to_pending_order(session, cart, buyer_name="A", buyer_email="a@example.com")
    hold_service.set_hold_quantity(session, cart, tt.id, 1)
    for name, email in [("", "a@example.com"), ("A", "not-an-email"), ("A", "a@nodot")]:
        with pytest.raises(inv.InvalidBuyerError):
            order_service.convert_cart_to_pending_order(session, cart, buyer_name=name, buyer_email=email)
    assert _holds(session) == [(tt.id, 1)]


def test_expired_hold_converts_only_if_seats_are_still_free(session: Session) -> None:
    _, tt = make_event(session, capacity=4)
    slow, fast = token(), token()
    hold_service.set_hold_quantity(session, slow, tt.id, 3)
    later = utcnow() + timedelta(minutes=20)
    # Seats still free after expiry: conversion re-takes them.
    orders = order_service.convert_cart_to_pending_order(
        session, slow, buyer_name="S", buyer_email="s@example.com", now=later
    )
    assert orders[0].total_minor == 7500
    lifecycle.end_unpaid(session, orders[0].id, OrderStatus.CANCELLED, "released")
    assert _remaining(session, tt.id) == 4
    hold_service.set_hold_quantity(session, slow, tt.id, 3)
    hold_service.set_hold_quantity(session, fast, tt.id, 2, now=later)  # slow's hold has lapsed: 4 free
    with pytest.raises(inv.HoldExpiredError):
        order_service.convert_cart_to_pending_order(
            session, slow, buyer_name="S", buyer_email="s@example.com", now=later
        )
    assert inv.availability(session, [tt.id], now=later)[tt.id] == inv.Availability(capacity=4, sold=0, held=2)


def test_renew_restarts_or_releases(session: Session) -> None:
    _, tt = make_event(session, capacity=3)
    mine, theirs = token(), token()
    hold_service.set_hold_quantity(session, mine, tt.id, 2)
    later = utcnow() + timedelta(minutes=20)
    assert hold_service.renew_cart(session, mine, now=later) == []
    hold_service.set_hold_quantity(session, theirs, tt.id, 1, now=later)
    much_later = later + timedelta(minutes=20)
    hold_service.set_hold_quantity(session, theirs, tt.id, 3, now=much_later)
    assert hold_service.renew_cart(session, mine, now=much_later) == [tt.id]
    assert _holds(session) == [(tt.id, 3)]


def test_merge_cart_into_user(session: Session) -> None:
    from ticketapp.models import User

    user = User(email="m@example.com", display_name="M")
    session.add(user)
    session.commit()
    event, tt = make_event(session)
    vip = add_type(session, event, name="VIP", capacity=5)
    old_cart, anon = token(), token()
    hold_service.set_hold_quantity(session, old_cart, tt.id, 1, user_id=user.id)
    hold_service.set_hold_quantity(session, old_cart, vip.id, 2, user_id=user.id)
    hold_service.set_hold_quantity(session, anon, tt.id, 4)
    assert hold_service.merge_cart_into_user(session, anon, user.id) == anon
    session.expire_all()
    holds = session.exec(select(Hold).order_by(Hold.ticket_type_id)).all()
    cart = inv.find_cart(session, anon)
    assert [(h.ticket_type_id, h.quantity, h.cart_id, h.user_id) for h in holds] == [
        (tt.id, 4, cart.id, user.id),
        (vip.id, 2, cart.id, user.id),
    ]
    assert cart.user_id == user.id


def test_release_and_sweep_expire_pending_orders(session: Session) -> None:
    _, tt = make_event(session, capacity=2)
    cart = token()
    hold_service.set_hold_quantity(session, cart, tt.id, 2)
    (order,) = order_service.convert_cart_to_pending_order(session, cart, buyer_name="A", buyer_email="a@example.com")
    assert _remaining(session, tt.id) == 0
    assert order_service.sweep_expired(session, now=order.expires_at + timedelta(seconds=1))["orders"] == 1
    session.refresh(order)
    assert order.status == OrderStatus.EXPIRED
    assert not lifecycle.end_unpaid(session, order.id, OrderStatus.CANCELLED, "released")
    # A late payment is accepted only while the seats are still free.
    assert order_service.confirm_order_paid(session, order.id) == order_service.PaymentConfirmation.CONFIRMED
    session.refresh(order)
    assert order.status == OrderStatus.PAID
