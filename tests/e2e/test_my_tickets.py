"""Journey (issue 6): a customer buys with the demo provider, sees the ticket QR in "My tickets",
downloads the PDF, gets the confirmation mail with the PDF attached; door staff check the ticket in once."""

from __future__ import annotations

import io
import re

import zxingcpp
from PIL import Image
from playwright.sync_api import Page, expect
from sqlmodel import Session, select

from tests.e2e.accounts_helpers import create_user, sign_in, unique_email
from tests.e2e.support_helpers import sign_in_as_agent
from tests.factories import make_order
from tests.support_smtp import MailSink
from ticketapp.db import make_engine
from ticketapp.models import Event, TicketType
from ticketapp.services.tickets.issuing import issue_tickets

SLUG = "lyon-tech-summit"


def _buy_one(page: Page, name: str, email: str) -> None:
    page.goto(f"/events/{SLUG}")
    page.get_by_label("Quantity of Standard").select_option("1")
    page.get_by_role("button", name="Add to cart: Standard").click()
    expect(page.get_by_text("1 ticket added to your cart.")).to_be_visible()
    page.goto("/checkout")
    page.get_by_label("Full name").fill(name)
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("I accept the terms of sale").click()
    page.get_by_label("Card — test mode, no real money").click()
    page.get_by_role("button", name="Place order and pay").click()
    page.get_by_role("button", name=re.compile(r"^Pay ")).click()
    expect(page.get_by_role("status").filter(has_text="Payment confirmed")).to_be_visible()


def _someone_elses_ticket(database_url: str) -> tuple[int, str]:
    """The event id, and a ticket of the same event sold to another account."""
    engine = make_engine(database_url)
    with Session(engine, expire_on_commit=False) as session:
        event = session.exec(select(Event).where(Event.slug == SLUG)).one()
        ticket_type = session.exec(select(TicketType).where(TicketType.event_id == event.id)).first()
        other_id = create_user(database_url, unique_email("other"))
        order, _ = make_order(session, [(ticket_type, 1)], buyer_name="Other Buyer", user_id=other_id)
        (ticket,) = issue_tickets(session, order.id or 0)
    engine.dispose()
    return event.id or 0, ticket.code


def _read_qr(png: bytes) -> str:
    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)), formats=zxingcpp.BarcodeFormat.QRCode)
    assert len(found) == 1, "the QR on screen does not scan"
    return found[0].text


def test_buy_see_download_and_check_in_a_ticket(page: Page, live_app, mail_sink: MailSink) -> None:
    email = unique_email("fan")
    create_user(live_app.database_url, email)
    sign_in(page, email)
    _buy_one(page, "Camille Martin", email)

    page.get_by_role("link", name="My tickets").first.click()
    expect(page.get_by_role("heading", name="My tickets", level=1)).to_be_visible()
    upcoming = page.get_by_role("region", name="Upcoming events")
    qr = upcoming.get_by_role("img", name=re.compile(r"^QR code of ticket [A-Z0-9]{4}-[A-Z0-9]{4}$"))
    expect(qr).to_be_visible()
    code = (qr.get_attribute("alt") or "").rsplit(" ", 1)[-1]
    expect(upcoming.get_by_text(code).first).to_be_visible()
    # What a door scanner reads off the phone's screen: the QR as the page draws it.
    scanned = _read_qr(qr.screenshot())
    expect(upcoming).to_contain_text("Camille Martin")
    order_code = re.search(r"Order:\s*(\S+)", upcoming.inner_text()).group(1)

    with page.expect_download() as download_info:
        upcoming.get_by_role("link", name="Download PDF").click()
    download = download_info.value
    assert download.suggested_filename == f"ticket-{code}.pdf"
    with open(download.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"

    # Someone else's ticket code with this customer's session: 404, never the PDF.
    event_id, other_code = _someone_elses_ticket(live_app.database_url)
    refused = page.request.get(f"/api/tickets/{other_code}.pdf")
    assert refused.status == 404 and not refused.body().startswith(b"%PDF")

    # The confirmation mail reached the SMTP server with the order PDF attached.
    mail = mail_sink.wait_for(email, order_code)
    assert code in mail.text
    attached = [part.get_filename() for part in mail.message.iter_attachments()]
    assert f"tickets-{order_code}.pdf" in attached

    # Rename the attendee before the cut-off, then ask for the e-mail again.
    upcoming.get_by_label("Attendee name").fill("Dominique Martin")
    expect(upcoming.get_by_label("Attendee name")).to_have_value("Dominique Martin")
    upcoming.get_by_role("button", name="Change name").click()
    expect(page.get_by_role("status").filter(has_text="name was changed")).to_be_visible(timeout=15_000)
    expect(upcoming).to_contain_text("Attendee: Dominique Martin")
    upcoming.get_by_role("button", name="Resend confirmation e-mail").click()
    expect(page.get_by_role("status").filter(has_text="on its way")).to_be_visible(timeout=15_000)
    resent = mail_sink.wait_for(email, order_code, count=2)
    assert f"tickets-{order_code}.pdf" in [part.get_filename() for part in resent.message.iter_attachments()]

    page.get_by_role("button", name="Sign out").click()
    sign_in_as_agent(page, live_app.database_url)
    page.goto("/checkin")
    page.get_by_label("Event", exact=True).select_option(str(event_id))
    page.get_by_label("Ticket code").fill(scanned)
    page.get_by_role("button", name="Check in").click()
    expect(page.get_by_role("status").filter(has_text="let in")).to_contain_text("Valid: let in")
    expect(page.get_by_role("status").filter(has_text="let in")).to_contain_text("Dominique Martin")
    page.get_by_label("Ticket code").fill(code)
    page.get_by_role("button", name="Check in").click()
    expect(page.get_by_text("Already used")).to_be_visible()


def test_anonymous_visitor_is_sent_to_sign_in_and_new_customer_sees_the_empty_state(page: Page, live_app) -> None:
    page.goto("/account/tickets")
    expect(page).to_have_url(re.compile(r"/signin\?next="))
    email = unique_email("empty")
    create_user(live_app.database_url, email)
    sign_in(page, email)
    page.goto("/account/tickets")
    expect(page.get_by_text("You have no tickets yet.")).to_be_visible()
