"""Journeys (issue 18): a buyer asks for a refund (automatic, and one an admin approves), and gives a
ticket to someone by e-mail: the recipient accepts through the mailed link, the old QR is refused by
the check-in service and the new one admitted. Someone else's order shows nothing to act on."""

from __future__ import annotations

import re
import sys
from datetime import timedelta
from pathlib import Path

from joserfc.jwk import OKPKey
from playwright.sync_api import Page, expect
from sqlmodel import Session, select

from tests.e2e.accounts_helpers import PASSWORD, create_user, sign_in, sign_in_staff, unique_email
from tests.e2e.conftest import LiveApp
from tests.e2e.test_crafted_events import WAIT_S, _session_token
from tests.factories import make_event, make_order, make_staff
from tests.support_smtp import MailSink
from ticketapp.db import make_engine
from ticketapp.models import Order, OrderStatus, RefundRequest, Ticket
from ticketapp.services.accounts.sessions import SESSION_COOKIE
from ticketapp.services.shared.signing import sign
from ticketapp.services.tickets.checkin import ScanOutcome, scan
from ticketapp.services.tickets.issuing import issue_tickets, token_for_ticket
from ticketapp.state.account.tickets import MyTicketsState
from ticketapp.state.shop.self_service import SelfServiceState

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

from webbench.site import read_site
from webbench.tab import Tab

SHOTS = "/tmp/selfservice-shots"
PHONE = {"width": 390, "height": 844}


def _shoot(page: Page, name: str) -> None:
    page.screenshot(path=f"{SHOTS}/{name}-desktop.png", full_page=True)
    size = page.viewport_size
    page.set_viewport_size(PHONE)
    page.screenshot(path=f"{SHOTS}/{name}-phone.png", full_page=True)
    if size:
        page.set_viewport_size(size)


def _sold(live_app: LiveApp, email: str, user_id: int | None = None, **policy: object) -> tuple[str, int]:
    """A paid order of two €25 tickets for a new event with `policy`: its code and its event id."""
    engine = make_engine(live_app.database_url)
    with Session(engine, expire_on_commit=False) as session:
        event, ticket_type = make_event(session, title="Self Service Night", starts_in=timedelta(days=20))
        for name, value in policy.items():
            setattr(event, name, value)
        session.add(event)
        session.commit()
        order, _ = make_order(session, [(ticket_type, 2)], user_id=user_id, buyer_email=email, buyer_name="Ada B")
        issue_tickets(session, order.id or 0)
    engine.dispose()
    return order.code, event.id or 0


def _guest_link(live_app: LiveApp, code: str) -> str:
    secret = (live_app.data_dir / "secret_key").read_text().strip()
    return f"/orders/{code}/status?s={sign(code, 'order-status', secret)}"


def _order(live_app: LiveApp, code: str) -> tuple[Order, list[Ticket], list[RefundRequest]]:
    engine = make_engine(live_app.database_url)
    with Session(engine, expire_on_commit=False) as session:
        order = session.exec(select(Order).where(Order.code == code)).one()
        tickets = list(session.exec(select(Ticket).where(Ticket.order_id == order.id).order_by(Ticket.id)).all())
        requests = list(session.exec(select(RefundRequest).where(RefundRequest.order_id == order.id)).all())
    engine.dispose()
    return order, tickets, requests


def _crafted(
    live_app: LiveApp,
    user_id: int,
    path: str,
    params: dict[str, str],
    handler: str,
    payload: dict[str, object],
    state: type = SelfServiceState,
) -> str:
    """Another customer's tab opens `path` and sends `handler` itself; the error it is shown."""
    name = state.get_full_name()
    tab = Tab(read_site(live_app.url), cookies={SESSION_COOKIE: _session_token(live_app.database_url, user_id)})
    try:
        tab.open(path, params, [])
        tab.wait_for(
            lambda t: t.get(name, "loaded" if state is MyTicketsState else "code") not in (None, ""), WAIT_S, "page"
        )
        tab.send(f"{name}.{handler}", payload)
        tab.wait_for(lambda t: t.get(name, "error", "") != "", WAIT_S, "refusal")
        return str(tab.get(name, "error"))
    finally:
        tab.close()


def test_buyer_requests_a_refund_and_it_is_refunded_at_once(page: Page, live_app, mail_sink: MailSink) -> None:
    email = unique_email("refund")
    buyer = create_user(live_app.database_url, email)
    code, _ = _sold(live_app, email, buyer, refund_mode="automatic", refund_days_before=2, refund_fee_value=300)

    # Another account sees no such order, and nothing to click.
    other = unique_email("other")
    other_id = create_user(live_app.database_url, other)
    browser = page.context.browser
    assert browser is not None
    intruder = browser.new_context(base_url=live_app.url).new_page()
    sign_in(intruder, other)
    intruder.goto(f"/account/orders/{code}")
    expect(intruder.get_by_role("heading", name="Order not found", level=1)).to_be_visible()
    expect(intruder.get_by_role("button", name="Request a refund")).to_have_count(0)
    intruder.context.close()
    # …and its tab sending the order page's events itself is refused with a message, changing nothing.
    [ticket_code, _] = [t.code for t in _order(live_app, code)[1]]
    assert _crafted(live_app, other_id, f"/account/orders/{code}", {"code": code}, "request_refund", {}) == (
        "Order not found."
    )
    form = {"form": {"ticket": ticket_code, "name": "Thief", "email": "thief@example.com"}}
    assert _crafted(live_app, other_id, f"/account/orders/{code}", {"code": code}, "transfer", form) == (
        "Order not found."
    )
    mine = {"form_data": form["form"]}
    assert _crafted(live_app, other_id, "/account/tickets", {}, "transfer", mine, MyTicketsState) == (
        "Ticket not found."
    )
    order, _, requests = _order(live_app, code)
    assert order.status == OrderStatus.PAID and requests == []

    sign_in(page, email)
    page.goto(f"/account/orders/{code}")
    expect(page.get_by_text(re.compile(r"you would get €47\.00 back \(€3\.00 fee kept\)"))).to_be_visible()
    page.get_by_role("button", name="Request a refund").click()
    group = page.get_by_role("group", name="Request a refund")
    group.get_by_label("Reason (optional)").fill("Cannot come")
    _shoot(page, "refund-confirm")
    group.get_by_role("button", name="Yes, request the refund").click()
    expect(page.get_by_role("status").filter(has_text="Your order is refunded")).to_be_visible()
    expect(page.get_by_text("Refunded at your request: €47.00.")).to_be_visible()
    expect(page.get_by_role("button", name="Request a refund")).to_have_count(0)
    order, tickets, _ = _order(live_app, code)
    assert order.status == OrderStatus.REFUNDED and order.refunded_minor == 4700
    assert {t.status for t in tickets} == {"void"}
    assert "€47.00" in mail_sink.wait_for(email, f"Refund for order {code}").text


def test_a_refund_that_needs_approval_is_approved_by_an_admin(page: Page, live_app, mail_sink: MailSink) -> None:
    email = unique_email("guest")
    code, _ = _sold(live_app, email, refund_mode="approval", refund_fee_kind="percent", refund_fee_value=1000)
    page.goto(_guest_link(live_app, code))
    expect(page.get_by_text(re.compile(r"you would get €45\.00 back"))).to_be_visible()
    expect(page.get_by_text("The organiser reviews each request")).to_be_visible()
    page.get_by_role("button", name="Request a refund").click()
    page.get_by_role("button", name="Yes, request the refund").click()
    expect(page.get_by_role("status").filter(has_text="sent to the organiser")).to_be_visible()
    expect(page.get_by_text("Your refund request (€45.00) is waiting for the organiser's decision.")).to_be_visible()
    assert "we received your refund request" in mail_sink.wait_for(email, "Refund request").text.lower()
    assert _order(live_app, code)[0].status == OrderStatus.PAID

    admin = unique_email("admin")
    create_user(live_app.database_url, admin, role="admin")
    sign_in_staff(page, live_app.database_url, admin, PASSWORD)
    page.goto("/admin/refunds")
    card = page.get_by_role("article", name=code)
    expect(card).to_contain_text("€45.00")
    _shoot(page, "admin-refunds")
    card.get_by_role("button", name="Approve and refund").click()
    expect(page.get_by_text(f"Order {code} refunded; the buyer is told by e-mail.")).to_be_visible()
    expect(page.get_by_role("article", name=code)).to_have_count(0)
    order, _, [request] = _order(live_app, code)
    assert order.status == OrderStatus.REFUNDED and request.status == "refunded"
    assert "€45.00" in mail_sink.wait_for(email, f"Refund for order {code}").text
    page.goto(f"/admin/orders/{code}")
    expect(page.get_by_text("Refund of €45.00: request approved (€5.00 fee kept)")).to_be_visible()


def test_transfer_a_ticket_the_old_qr_is_refused_and_the_new_one_admitted(
    page: Page, live_app, mail_sink: MailSink
) -> None:
    email, friend = unique_email("holder"), unique_email("friend")
    code, event_id = _sold(live_app, email)
    _, tickets, _ = _order(live_app, code)
    key = OKPKey.generate_key("Ed25519")  # the check-in service with its key, as a scanner holds it
    engine = make_engine(live_app.database_url)
    with Session(engine, expire_on_commit=False) as session:
        old_token, old_code = token_for_ticket(session, tickets[0], key), tickets[0].code

    page.goto(_guest_link(live_app, code))
    item = page.get_by_role("listitem", name=f"Ticket {old_code}")
    item.get_by_label("Recipient's name").fill("Sam Friend")
    item.get_by_label("Recipient's e-mail").fill(friend)
    _shoot(page, "transfer-form")
    item.get_by_role("button", name="Transfer").click()
    expect(page.get_by_role("status").filter(has_text=f"We e-mailed {friend}")).to_be_visible()
    expect(page.get_by_text(f"Offered to {friend}, waiting for them to accept")).to_be_visible()

    mail = mail_sink.wait_for(friend, "A ticket for Self Service Night")
    [link] = [url for url in mail.links() if "/transfers/" in url]
    page.goto(link)
    page.get_by_role("button", name="Accept the ticket").click()
    expect(page.get_by_text("The ticket is yours.")).to_be_visible()
    qr = page.get_by_role("img", name=re.compile(r"^QR code of ticket [A-Z0-9]{4}-[A-Z0-9]{4}$"))
    new_code = (qr.get_attribute("alt") or "").rsplit(" ", 1)[-1]
    assert new_code != old_code
    _shoot(page, "transfer-accepted")
    page.goto(link)  # the link works once
    expect(page.get_by_text("This transfer link was already used.")).to_be_visible()

    with Session(engine, expire_on_commit=False) as session:
        staff = make_staff(session, unique_email("door"))
        assert scan(session, event_id, old_token, staff.id, key).outcome == ScanOutcome.FORGED
        assert scan(session, event_id, old_code, staff.id, key).outcome == ScanOutcome.UNKNOWN
        moved = session.exec(select(Ticket).where(Ticket.code == new_code)).one()
        assert scan(session, event_id, token_for_ticket(session, moved, key), staff.id, key).outcome == (
            ScanOutcome.VALID
        )
    engine.dispose()
    assert new_code in mail_sink.wait_for(friend, "Your ticket for Self Service Night").text
    assert "accepted" in mail_sink.wait_for(email, "was accepted").text

    # Back on the buyer's page: the ticket shows as given away, with nothing left to transfer.
    page.goto(_guest_link(live_app, code))
    expect(page.get_by_text(f"Transferred to {friend}")).to_be_visible()
