"""Hidden ticket types: not shown nor sold without a code that unlocks them; with it, shown, held and ordered,
and the order counts as one use of the code (a presale at the list price too)."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from tests.factories import add_type, make_event, token
from ticketapp.models import DiscountKind, Event, PromoCode, PromoRedemption, TicketType, User
from ticketapp.services.booking import checkout
from ticketapp.services.booking import holds as hold_service
from ticketapp.services.booking.inventory import NotOnSaleError, UnknownTicketTypeError
from ticketapp.services.catalog.public import get_public_event, list_upcoming_events
from ticketapp.services.promotions import admin as promo_admin
from ticketapp.services.promotions import cart as promo_cart
from ticketapp.services.promotions.codes import PromoError
from ticketapp.services.waitlist.lists import WaitlistError, join


def _hidden_event(session: Session) -> tuple[Event, TicketType, TicketType]:
    event, standard = make_event(session, price_minor=3000)
    presale = add_type(session, event, name="Presale", price_minor=1500, capacity=5)
    presale.hidden = True
    session.add(presale)
    session.commit()
    return event, standard, presale


def _unlocking(session: Session, admin: User, event: Event, **form: str) -> PromoCode:
    values = {
        "code": "FANS",
        "event_id": str(event.id),
        "kind": DiscountKind.PERCENT_OFF.value,
        "value": "10",
        "unlocks_ticket_type_ids": "presale",
    } | form
    return promo_admin.create_code(session, admin.id or 0, promo_admin.parse_spec(session, values))


def test_a_hidden_type_is_neither_shown_nor_sold_without_its_code(session: Session, admin: User) -> None:
    event, _standard, presale = _hidden_event(session)
    _unlocking(session, admin, event)
    detail = get_public_event(session, event.slug)
    assert detail is not None and [t.name for t in detail.ticket_types] == ["Standard"]
    [summary] = [s for s in list_upcoming_events(session) if s.id == event.id]
    assert summary.lowest_price is not None and summary.lowest_price.amount_minor == 3000  # not the hidden 15.00
    session.refresh(event)
    assert event.min_price_minor == 3000  # the search's "from" price neither

    cart = token()
    with pytest.raises(UnknownTicketTypeError):
        hold_service.set_hold_quantity(session, cart, presale.id or 0, 1)
    other = token()  # a code that unlocks nothing opens nothing
    promo_admin.create_code(
        session, admin.id or 0, promo_admin.parse_spec(session, {"code": "PLAIN", "kind": "percent_off", "value": "5"})
    )
    promo_cart.remember_code(session, other, "plain")
    with pytest.raises(UnknownTicketTypeError):
        hold_service.set_hold_quantity(session, other, presale.id or 0, 1)
    session.refresh(presale)
    assert (presale.held_count, presale.sold_count) == (0, 0)
    with pytest.raises(WaitlistError):
        join(session, presale.id or 0, "ada@example.com", 1, "en")


def test_with_its_code_the_hidden_type_shows_sells_and_counts_a_use(session: Session, admin: User) -> None:
    event, _standard, presale = _hidden_event(session)
    _unlocking(session, admin, event, kind=DiscountKind.SET_PRICE.value, value="15", max_uses="1")
    cart = token()
    promo_cart.remember_code(session, cart, "fans")  # the ?code= link or the event page's code box
    unlocked = promo_cart.unlocked_for_cart(session, cart)
    assert unlocked == {presale.id}
    detail = get_public_event(session, event.slug, unlocked=unlocked)
    assert detail is not None and [t.name for t in detail.ticket_types] == ["Standard", "Presale"]

    hold_service.set_hold_quantity(session, cart, presale.id or 0, 2)
    [order] = checkout.convert_cart_to_pending_order(session, cart, buyer_name="Ada", buyer_email="ada@x.example")
    assert order.total_minor == 3000 and order.promo_code is None  # list price: no discount, still a use
    [use] = session.exec(select(PromoRedemption).where(PromoRedemption.order_id == order.id)).all()
    assert use.discount_minor == 0
    second = token()  # its one use is taken: the next holder can hold the type but not order it
    promo_cart.remember_code(session, second, "fans")
    hold_service.set_hold_quantity(session, second, presale.id or 0, 1)
    with pytest.raises(PromoError, match="used up"):
        checkout.convert_cart_to_pending_order(session, second, buyer_name="Bo", buyer_email="bo@x.example")


def test_removing_the_code_after_holding_a_hidden_type_stops_the_order(session: Session, admin: User) -> None:
    event, _, presale = _hidden_event(session)
    _unlocking(session, admin, event)
    cart = token()
    promo_cart.remember_code(session, cart, "FANS")
    hold_service.set_hold_quantity(session, cart, presale.id or 0, 1)
    promo_cart.remove_code(session, cart)
    with pytest.raises(NotOnSaleError, match="sold only with its promo code"):
        checkout.convert_cart_to_pending_order(session, cart, buyer_name="Ada", buyer_email="ada@x.example")
    session.refresh(presale)
    assert presale.sold_count == 0 and presale.held_count == 1  # still held: nothing changed


def test_a_code_whose_dates_are_over_unlocks_nothing(session: Session, admin: User) -> None:
    event, _, _presale = _hidden_event(session)
    _unlocking(session, admin, event, valid_until="2020-01-01T00:00")
    cart = token()
    with pytest.raises(PromoError):
        promo_cart.remember_code(session, cart, "FANS")
    assert promo_cart.unlocked_for_cart(session, cart) == frozenset()


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"event_id": ""}, "Choose an event to unlock some of its hidden ticket types."),
        ({"unlocks_ticket_type_ids": "Nope"}, "“Nope” is not a ticket type of this event."),
        ({"unlocks_ticket_type_ids": "Standard"}, "“Standard” is not hidden: mark it hidden in the event form first."),
    ],
)
def test_a_bad_unlock_list_is_refused(session: Session, admin: User, form: dict[str, str], message: str) -> None:
    event, _, _ = _hidden_event(session)
    values = {"code": "FANS", "event_id": str(event.id), "kind": "percent_off", "value": "10"}
    values |= {"unlocks_ticket_type_ids": "presale"} | form
    with pytest.raises(promo_admin.PromoAdminError) as refused:
        promo_admin.parse_spec(session, values)
    assert str(refused.value) == message


def test_the_edit_form_names_the_unlocked_types(session: Session, admin: User) -> None:
    event, _, presale = _hidden_event(session)
    promo = _unlocking(session, admin, event, unlocks_ticket_type_ids=f"{presale.id}")
    assert promo.unlocks_ticket_type_ids == [presale.id]
    assert promo_admin.form_values(session, promo)["unlocks_ticket_type_ids"] == "Presale"
