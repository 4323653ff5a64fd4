"""Typing at full speed loses no character: the checkout's fields and the sign-up form.

Each field gets 60 characters from `page.keyboard.type(text, delay=0)`; what the server
stored (the order, the account) must be exactly what was typed.
"""

from __future__ import annotations

import re
import secrets

from playwright.sync_api import Page, expect
from sqlmodel import Session, select

from tests.e2e.accounts_helpers import PASSWORD
from ticketapp.db import make_engine
from ticketapp.models import Event, Order, OrderItem, TicketType, User

# An event no other browser test buys from: this test makes it ask a name per ticket.
NAMED_EVENT_SLUG = "kendo-championship"
LENGTH = 60


def _text(seed: str) -> str:
    return (seed * LENGTH)[:LENGTH]


def _email(prefix: str) -> str:
    domain = f"-{secrets.token_hex(4)}@example.com"
    return (prefix * LENGTH)[: LENGTH - len(domain)] + domain


def _ask_attendee_names(database_url: str) -> str:
    """Make the event ask a name per ticket; the name of its first ticket type."""
    engine = make_engine(database_url)
    with Session(engine) as session:
        event = session.exec(select(Event).where(Event.slug == NAMED_EVENT_SLUG)).one()
        event.collect_attendee_names = True
        session.add(event)
        session.commit()
        first = session.exec(
            select(TicketType).where(TicketType.event_id == event.id).order_by(TicketType.position)
        ).first()
        assert first is not None
        name = first.name
    engine.dispose()
    return name


def _type_into(page: Page, label: str | re.Pattern[str], text: str) -> None:
    page.get_by_label(label).click()
    page.keyboard.type(text, delay=0)


def test_checkout_fields_keep_every_character_typed_at_full_speed(page: Page, live_app) -> None:
    type_name = _ask_attendee_names(live_app.database_url)
    page.goto(f"/events/{NAMED_EVENT_SLUG}")
    page.get_by_label(f"Quantity of {type_name}").select_option("1")
    page.get_by_role("button", name=f"Add to cart: {type_name}").click()
    expect(page.get_by_text("1 ticket added to your cart.")).to_be_visible()
    page.goto("/checkout")
    expect(page.get_by_role("button", name="Place order and pay")).to_be_visible()

    name, email, attendee = _text("Zoë Ångström-Quinn "), _email("typist.fast"), _text("Anna Maria Jędrzejczyk ")
    _type_into(page, "Full name", name)
    _type_into(page, "E-mail", email)
    _type_into(page, re.compile(r"^Attendee 1 – "), attendee)
    page.get_by_label("I accept the terms of sale").click()
    page.get_by_label("Card — test mode, no real money").click()
    page.get_by_role("button", name="Place order and pay").click()
    expect(page.get_by_role("heading", name="Test payment", level=1)).to_be_visible()

    engine = make_engine(live_app.database_url)
    with Session(engine) as session:
        order = session.exec(select(Order).where(Order.buyer_email == email)).one()
        items = session.exec(select(OrderItem).where(OrderItem.order_id == order.id)).all()
        assert order.buyer_name == name
        assert [item.attendee_names for item in items] == [[attendee]]
    engine.dispose()


def test_sign_up_keeps_every_character_typed_at_full_speed(page: Page, live_app) -> None:
    name, email = _text("Bartholomew Ñúñez "), _email("sign.up.fast")
    password = _text(PASSWORD + "-typed-")
    page.goto("/signup")
    expect(page.get_by_role("button", name="Create my account")).to_be_enabled()
    _type_into(page, re.compile(r"^Name$"), name)
    _type_into(page, re.compile(r"^E-mail$"), email)
    _type_into(page, re.compile(r"^Password$"), password)
    _type_into(page, "Repeat the password", password)
    page.get_by_role("button", name="Create my account").click()
    expect(page.get_by_text("Almost done: we sent a message to the address you entered.")).to_be_visible()

    engine = make_engine(live_app.database_url)
    with Session(engine) as session:
        user = session.exec(select(User).where(User.email == email)).one()
        assert user.display_name == name
    engine.dispose()
