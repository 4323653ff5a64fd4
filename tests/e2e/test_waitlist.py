"""Journey: a ticket type sells out, a guest joins its waiting list (bad input refused) and confirms by
e-mail; the admin raises the capacity, the job e-mails the offer in the guest's language, the guest opens
the link and pays with the demo card; a tampered or reused link says so; the admin sees the conversion."""

from __future__ import annotations

import re
import secrets
from pathlib import Path

from playwright.sync_api import Browser, Page, expect
from sqlmodel import Session

from tests.e2e.accounts_helpers import PASSWORD, create_user, sign_in_staff, unique_email
from tests.e2e.conftest import LiveApp
from tests.factories import make_event, make_order
from tests.support_smtp import MailSink
from ticketapp.db import make_engine

SHOTS = Path("/tmp/waitlist-shots")
DEMO_CARD = "Card — test mode, no real money"


def _sold_out_event(database_url: str) -> tuple[int, str, str]:
    """A published event whose only ticket type (capacity 1) is sold; (event id, slug, title)."""
    engine = make_engine(database_url)
    with Session(engine, expire_on_commit=False) as session:
        event, ticket_type = make_event(session, title=f"Waitlist Night {secrets.token_hex(3)}", capacity=1)
        make_order(session, [(ticket_type, 1)])
    engine.dispose()
    return event.id or 0, event.slug, event.title


def _shots(page: Page, name: str) -> None:
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=str(SHOTS / f"{name}-desktop.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(SHOTS / f"{name}-phone.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def _join(buyer: Page, slug: str, email: str) -> None:
    buyer.goto(f"/events/{slug}")
    expect(buyer.get_by_text("Sold out", exact=True)).to_be_visible()
    buyer.get_by_role("button", name="Join the waiting list: Standard").click()
    form = buyer.get_by_role("form", name="Waiting list")
    # Valid for the browser, not an address we can mail:
    form.get_by_label("E-mail", exact=True).fill("camille@localhost")
    form.get_by_role("button", name="Join the waiting list").click()
    expect(buyer.get_by_text("Please enter a valid e-mail address.")).to_be_visible()
    form.get_by_label("E-mail", exact=True).fill(email)
    form.get_by_label("Number of tickets").select_option("1")
    form.get_by_label("Language of the e-mails").select_option(label="Français")
    _shots(buyer, "event-join")
    form.get_by_role("button", name="Join the waiting list").click()
    expect(buyer.get_by_text(f"Almost done: open the link we sent to {email}")).to_be_visible()


def _raise_capacity(admin: Page, event_id: int) -> None:
    admin.goto(f"/admin/events/edit?id={event_id}")
    expect(admin.get_by_label("Title")).not_to_have_value("")
    admin.get_by_role("group", name="Ticket type 1").get_by_label("Capacity").fill("2")
    admin.get_by_role("button", name="Save event").click()
    expect(admin.get_by_role("status").filter(has_text="Saved.")).to_be_visible()


def _pay(buyer: Page, email: str) -> None:
    expect(buyer.get_by_role("heading", name="Checkout", level=1)).to_be_visible()
    buyer.get_by_label("Full name").fill("Camille Attente")
    buyer.get_by_label("E-mail").fill(email)
    buyer.get_by_label("I accept the terms of sale").click()
    buyer.get_by_label(DEMO_CARD).click()
    buyer.get_by_role("button", name="Place order and pay").click()
    buyer.get_by_role("button", name=re.compile(r"^Pay €")).click()
    expect(buyer.get_by_role("heading", name=re.compile(r"^Order [A-Z0-9-]+$"), level=1)).to_be_visible()
    expect(buyer.get_by_text("Paid", exact=True)).to_be_visible()


def test_a_guest_waits_for_a_sold_out_ticket_gets_the_offer_by_mail_and_pays(
    browser: Browser, live_app: LiveApp, mail_sink: MailSink
) -> None:
    SHOTS.mkdir(exist_ok=True)
    event_id, slug, title = _sold_out_event(live_app.database_url)
    email = unique_email("waitlist")
    buyer = browser.new_context(base_url=live_app.url).new_page()
    _join(buyer, slug, email)

    confirm = mail_sink.wait_for(email, "Confirmez votre place").links()[0]
    buyer.goto(confirm)
    expect(buyer.get_by_text("Your place on the waiting list is confirmed.", exact=False)).to_be_visible()

    admin_email = unique_email("waitlist-admin")
    create_user(live_app.database_url, admin_email, role="admin")
    admin = browser.new_context(base_url=live_app.url).new_page()
    sign_in_staff(admin, live_app.database_url, admin_email, PASSWORD)
    _raise_capacity(admin, event_id)  # one seat more: the job offers it to the first in line

    offer = mail_sink.wait_for(email, f"Des billets vous attendent : {title}")
    assert "vous sont réservés jusqu’au" in offer.text
    link = offer.links()[0]
    admin.goto("/admin/waitlist")
    admin.get_by_label("Ticket type").select_option(label=f"{title} — Standard")
    expect(admin.get_by_role("row").filter(has_text=email)).to_contain_text("Offered")

    stranger = browser.new_context(base_url=live_app.url).new_page()
    stranger.goto(f"/events/{slug}")
    expect(stranger.get_by_text("Sold out", exact=True)).to_be_visible()  # the seat is held for the offer

    buyer.goto(link[:-1] + ("0" if link[-1] != "0" else "1"))  # a tampered signature
    expect(buyer.get_by_role("alert").filter(has_text="This link is not valid.")).to_be_visible()
    buyer.goto(link)
    _pay(buyer, email)
    buyer.goto(link)  # the link works once
    expect(buyer.get_by_role("alert").filter(has_text="This link has already been used")).to_be_visible()

    admin.reload()
    admin.get_by_label("Ticket type").select_option(label=f"{title} — Standard")
    expect(admin.get_by_role("row").filter(has_text=email)).to_contain_text("Bought")
    expect(admin.get_by_text("100 %")).to_be_visible()
    _shots(admin, "admin-waitlist")
