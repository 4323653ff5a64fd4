"""Tax rules per ticket type: saved by the event form, priced in the cart as at checkout, shown with their label."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, select

from tests.factories import make_event, make_user, make_venue, token
from ticketapp.models import Role, TicketType, utcnow
from ticketapp.services.booking import checkout, holds
from ticketapp.services.booking.cart import load_cart
from ticketapp.services.catalog import events as admin_events
from ticketapp.services.catalog.events import EventInput, TicketTypeInput
from ticketapp.services.catalog.public import get_public_event
from ticketapp.services.invoicing.buyer import Company
from ticketapp.services.invoicing.tax import TaxError, tax_label
from ticketapp.state.admin.event_form import _form_to_input


def test_the_event_form_saves_each_types_tax_rule(session: Session) -> None:
    admin = make_user(session, "admin@example.com", role=Role.ADMIN)
    venue = make_venue(session)
    starts = utcnow() + timedelta(days=30)
    data = EventInput(
        title="Gala",
        category="concert",
        venue_id=venue.id or 0,
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        currency="EUR",
        ticket_types=[TicketTypeInput("Standard", 1000, 10, tax_rate_bp=550, tax_included=False, reverse_charge=True)],
    )
    event = admin_events.create_event(session, admin.id or 0, data)
    [saved] = session.exec(select(TicketType).where(TicketType.event_id == event.id)).all()
    assert (saved.tax_rate_bp, saved.tax_included, saved.reverse_charge) == (550, False, True)
    data.ticket_types = [TicketTypeInput("Standard", 1000, 10, id=saved.id, tax_rate_bp=2000)]
    admin_events.update_event(session, admin.id or 0, event.id or 0, data)
    session.refresh(saved)
    assert (saved.tax_rate_bp, saved.tax_included, saved.reverse_charge) == (2000, True, False)


def test_the_admin_form_reads_the_rate_and_refuses_nonsense() -> None:
    form = {"currency": "EUR", "starts_at": "2027-01-01T20:00", "ends_at": "2027-01-01T22:00", "venue_id": "1"}
    row = {"name": "Standard", "price": "10", "capacity": "5", "tax_rate": "5,5", "tax_mode": "added"}
    [parsed] = _form_to_input(form, [row]).ticket_types
    assert (parsed.tax_rate_bp, parsed.tax_included, parsed.reverse_charge) == (550, False, False)
    with pytest.raises(admin_events.AdminError) as refused:
        _form_to_input(form, [{**row, "tax_rate": "twenty"}])
    assert "tax rate" in str(refused.value)


def test_added_tax_is_in_the_cart_total_as_at_checkout(session: Session) -> None:
    event, ticket_type = make_event(session, price_minor=1000)
    ticket_type.tax_rate_bp, ticket_type.tax_included = 2000, False
    session.add(ticket_type)
    session.commit()
    cart = token()
    holds.set_hold_quantity(session, cart, ticket_type.id, 2)
    view = load_cart(session, cart)
    assert [t.amount_minor for t in view.totals()] == [2400]
    [order] = checkout.convert_cart_to_pending_order(session, cart, buyer_name="Ada", buyer_email="ada@example.com")
    assert order.total_minor == 2400
    detail = get_public_event(session, event.slug)
    assert detail is not None
    assert tax_label(detail.ticket_types[0].tax, "en") == "+ 20 % VAT"
    assert tax_label(detail.ticket_types[0].tax, "fr") == "+ TVA 20 %"


def test_a_malformed_company_vat_id_refuses_the_checkout_and_changes_nothing(session: Session) -> None:
    _, ticket_type = make_event(session, price_minor=1000)
    cart = token()
    holds.set_hold_quantity(session, cart, ticket_type.id, 1)
    with pytest.raises(TaxError):
        checkout.convert_cart_to_pending_order(
            session, cart, buyer_name="Ada", buyer_email="ada@example.com", company=Company("ACME", "Here", "FR1")
        )
    assert len(load_cart(session, cart).lines) == 1  # the hold is still in the cart, no order was made
