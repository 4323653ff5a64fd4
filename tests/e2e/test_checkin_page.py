"""Journey: door staff unlock /checkin, choose the event, type codes: VALID, then ALREADY USED, VOID."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from playwright.sync_api import Page, expect
from sqlmodel import Session, select

from tests.factories import make_order
from ticketapp.db import make_engine
from ticketapp.models import Event, TicketType, User
from ticketapp.services.tickets.issuing import issue_tickets, token_for_ticket, void_tickets
from ticketapp.services.tickets.staff_tokens import create_staff_token
from ticketapp.services.tickets.tokens import load_signing_key
from ticketapp.settings import get_settings


def sold_tickets(database_url: str, data_dir: Path, event_title: str = "Jazz à Lyon") -> tuple[int, list[str], str]:
    """Two tickets for a seeded event (one voided after a refund) and a token for the seeded admin."""
    engine = make_engine(database_url)
    with Session(engine, expire_on_commit=False) as session:
        event = session.exec(select(Event).where(Event.title == event_title)).one()
        ticket_type = session.exec(select(TicketType).where(TicketType.event_id == event.id)).first()
        admin = session.exec(select(User).where(User.email == "admin@example.com")).one()
        kept, _ = make_order(session, [(ticket_type, 2)], buyer_name="Inès Laurent")
        refunded, _ = make_order(session, [(ticket_type, 1)], buyer_name="Refunded Buyer")
        kept_tickets = issue_tickets(session, kept.id)
        ticket = kept_tickets[0]
        (void_ticket,) = issue_tickets(session, refunded.id)
        void_tickets(session, refunded.id)
        _, token = create_staff_token(session, admin.id, "e2e door")
        # The app's own signing key (its data folder), as printed in the PDF's QR code.
        app_settings = replace(get_settings(), data_dir=data_dir, ticket_signing_key="")
        qr_token = token_for_ticket(session, kept_tickets[1], load_signing_key(app_settings))
    engine.dispose()
    return event.id, [ticket.code, void_ticket.code, qr_token], token


def test_door_checks_a_ticket_in_once(page: Page, live_app) -> None:
    event_id, (code, void_code, qr_token), token = sold_tickets(live_app.database_url, live_app.data_dir)
    page.goto("/checkin")
    expect(page.get_by_role("heading", name="Check-in", level=1)).to_be_visible()

    page.get_by_label("Staff token").fill("tka_not-a-real-token")
    page.get_by_role("button", name="Unlock").click()
    expect(page.get_by_role("alert")).to_contain_text("This staff token is not valid.")

    page.get_by_label("Staff token").fill(token)
    page.get_by_role("button", name="Unlock").click()
    expect(page.get_by_text("Demo Admin")).to_be_visible()

    page.get_by_label("Event", exact=True).select_option(str(event_id))
    counter = page.get_by_role("status").filter(has_text="Checked in")
    expect(counter).to_contain_text(re.compile(r"Checked in\s*0\s*/\s*\d+\s*sold"))

    page.get_by_label("Ticket code").fill(code.lower().replace("-", ""))
    page.get_by_role("button", name="Check in").click()
    result = page.get_by_role("status").filter(has_text="let in")
    expect(result).to_contain_text("Valid: let in")
    expect(result).to_contain_text("Inès Laurent")
    expect(counter).to_contain_text(re.compile(r"Checked in\s*1\s*/"))

    page.get_by_label("Ticket code").fill(code)
    page.get_by_role("button", name="Check in").click()
    expect(page.get_by_text("Already used")).to_be_visible()
    expect(page.get_by_text(re.compile(r"Checked in on .+ by Demo Admin\."))).to_be_visible()

    page.get_by_label("Ticket code").fill(void_code)
    page.get_by_role("button", name="Check in").click()
    expect(page.get_by_text("Void: refunded or cancelled")).to_be_visible()

    page.get_by_role("button", name="Check in").click()
    expect(page.get_by_role("alert")).to_contain_text("Type a ticket code.")
    expect(counter).to_contain_text(re.compile(r"Checked in\s*1\s*/"))

    # A handheld scanner types the QR's token into the field and presses Enter.
    page.get_by_label("Ticket code").fill(qr_token)
    page.get_by_label("Ticket code").press("Enter")
    expect(page.get_by_text("Valid: let in")).to_be_visible()
    expect(counter).to_contain_text(re.compile(r"Checked in\s*2\s*/"))


def test_signed_in_agent_scans_without_a_token(page: Page, live_app) -> None:
    from tests.e2e.support_helpers import sign_in_as_agent, sign_in_as_customer

    event_id, (code, _void, _qr), _token = sold_tickets(live_app.database_url, live_app.data_dir)
    sign_in_as_customer(page, live_app.database_url)
    page.goto("/checkin")
    expect(page.get_by_label("Staff token")).to_be_visible()  # a customer is not door staff
    page.get_by_role("button", name="Sign out").click()

    sign_in_as_agent(page, live_app.database_url)
    page.goto("/checkin")
    page.get_by_label("Event", exact=True).select_option(str(event_id))
    page.get_by_label("Ticket code").fill(code)
    page.get_by_role("button", name="Check in").click()
    expect(page.get_by_role("status").filter(has_text="let in")).to_contain_text("Valid: let in")
    page.get_by_label("Ticket code").fill(code)
    page.get_by_role("button", name="Check in").click()
    expect(page.get_by_text("Already used")).to_be_visible()
