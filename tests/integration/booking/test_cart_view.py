"""What the event page and the cart page read: offers, lines, totals per currency, counts."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session

from tests.factories import add_type, make_event, token
from ticketapp.models import EventStatus, utcnow
from ticketapp.services.booking import holds as hold_service
from ticketapp.services.booking.cart import cart_item_count, load_cart, ticket_offers
from ticketapp.services.shared.money import Money


def test_offers_show_low_stock_sold_out_and_sales_window(session: Session) -> None:
    event, standard = make_event(session, capacity=100, max_per_order=8)
    few = add_type(session, event, name="Few", capacity=12)
    gone = add_type(session, event, name="Gone", capacity=1)
    later = add_type(session, event, name="Later", sales_start=utcnow() + timedelta(days=2))
    hold_service.set_hold_quantity(session, token(), gone.id, 1)
    offers = ticket_offers(session, event.id)
    assert (offers[standard.id].state, offers[standard.id].max_quantity, offers[standard.id].low_stock) == (
        "on_sale",
        8,
        False,
    )
    assert (offers[few.id].remaining, offers[few.id].low_stock, offers[few.id].max_quantity) == (12, True, 10)
    assert offers[gone.id].sold_out and offers[gone.id].max_quantity == 0
    assert (offers[later.id].state, offers[later.id].max_quantity) == ("not_yet", 0)
    _, cancelled = make_event(session, status=EventStatus.CANCELLED)
    assert ticket_offers(session, cancelled.event_id)[cancelled.id].state == "cancelled"


def test_cart_view_totals_per_currency_and_expiry(session: Session) -> None:
    _, eur = make_event(session, currency="EUR", price_minor=1250)
    _, jpy = make_event(session, currency="JPY", price_minor=4500)
    cart = token()
    hold_service.set_hold_quantity(session, cart, eur.id, 2)
    hold_service.set_hold_quantity(session, cart, jpy.id, 3)
    view = load_cart(session, cart)
    assert view.item_count == 5 == cart_item_count(session, cart)
    assert view.totals() == [Money(2500, "EUR"), Money(13500, "JPY")]
    assert [t.format("en") for t in view.totals()] == ["€25.00", "¥13,500"]
    later = utcnow() + timedelta(minutes=16)
    expired = load_cart(session, cart, now=later)
    assert expired.item_count == 0 and len(expired.expired_lines) == 2 and expired.deadline is None
    assert expired.totals() == [] and expired.totals(include_expired=True) == view.totals()
    assert cart_item_count(session, cart, now=later) == 0
    assert load_cart(session, "not-a-real-token-but-long-enough").lines == []
