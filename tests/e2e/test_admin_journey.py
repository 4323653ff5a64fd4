"""Issue 7 journey: an admin runs a real sale from the browser and reads it in the analytics;
issue 5: a bank transfer marked paid by an admin."""

from __future__ import annotations

import re
import secrets

from playwright.sync_api import Browser, Page, expect
from sqlmodel import Session, select

from tests.e2e.accounts_helpers import PASSWORD, create_user, sign_in, sign_in_staff, unique_email
from ticketapp.db import make_engine
from ticketapp.models import Order
from ticketapp.services.tickets.issuing import issue_tickets


def _admin_page(browser: Browser, live_app) -> Page:
    email = unique_email("admin")
    create_user(live_app.database_url, email, role="admin")
    page = browser.new_context(base_url=live_app.url).new_page()
    sign_in_staff(page, live_app.database_url, email, PASSWORD)
    return page


def _ticket_type(page: Page, number: int, name: str, price: str, capacity: str) -> None:
    group = page.get_by_role("group", name=f"Ticket type {number}")
    group.get_by_label("Name").fill(name)
    group.get_by_label("Price").fill(price)
    group.get_by_label("Capacity").fill(capacity)


def _create_and_publish_event(admin: Page, title: str) -> str:
    """Returns the new event's id."""
    admin.goto("/admin/events")
    admin.get_by_role("link", name="New event").click()
    expect(admin.get_by_role("heading", name="New event", level=1)).to_be_visible()
    # The form is ready once its data arrived (venues chosen); typing earlier would be reset by the load.
    expect(admin.get_by_label("Venue")).not_to_have_value("")
    admin.get_by_label("Title").fill(title)
    admin.get_by_label("Starts (local time)").fill("2031-06-01T19:00")
    admin.get_by_label("Ends (local time)").fill("2031-06-01T23:00")
    _ticket_type(admin, 1, "Standard", "25", "100")
    admin.get_by_role("button", name="Add a ticket type").click()
    _ticket_type(admin, 2, "VIP", "60", "20")
    admin.get_by_role("button", name="Save event").click()
    expect(admin.get_by_role("heading", name="Edit event", level=1)).to_be_visible()
    expect(admin.get_by_role("status").filter(has_text="Saved.")).to_be_visible()
    event_id = re.search(r"id=(\d+)", admin.url).group(1)
    expect(admin.get_by_text("Draft", exact=True)).to_be_visible()
    admin.get_by_role("button", name="Publish").click()
    expect(admin.get_by_role("status").filter(has_text="Event published.")).to_be_visible()
    expect(admin.get_by_text("Published", exact=True)).to_be_visible()
    return event_id


def _buy(page: Page, title: str, method_label: str, quantity: str) -> str:
    """A customer finds the event in the public search and orders; returns the order code."""
    page.goto(f"/events?q={title.split()[-1]}")
    page.get_by_role("link", name=title).first.click()
    expect(page.get_by_role("heading", name=title, level=1)).to_be_visible()
    page.get_by_label("Quantity of Standard").select_option(quantity)
    page.get_by_role("button", name="Add to cart: Standard").click()
    expect(page.get_by_text(re.compile(rf"^{quantity} tickets? added to your cart\.$"))).to_be_visible()
    page.goto("/checkout")
    page.get_by_label("Full name").fill("Dominique Client")
    page.get_by_label("E-mail").fill("dominique@example.com")
    page.get_by_label("I accept the terms of sale").click()
    page.get_by_label(method_label).click()
    page.get_by_role("button", name="Place order and pay").click()
    if method_label.startswith("Card"):
        page.get_by_role("button", name=re.compile(r"^Pay €")).click()
    heading = page.get_by_role("heading", name=re.compile(r"^Order [A-Z0-9-]+$"), level=1)
    expect(heading).to_be_visible()
    return heading.inner_text().removeprefix("Order ").strip()


def _ensure_tickets_issued(database_url: str, code: str) -> None:
    """Issue the paid order's e-tickets as the after-payment job does (idempotent).

    The fulfilment job is being written in parallel; calling the same service here
    keeps this journey independent of it and changes nothing once it issues them itself.
    """
    engine = make_engine(database_url)
    with Session(engine) as session:
        order = session.exec(select(Order).where(Order.code == code)).one()
        issue_tickets(session, order.id or 0)
    engine.dispose()


def _open_admin_order(admin: Page, code: str) -> None:
    admin.goto("/admin/orders")
    admin.get_by_label("Code, e-mail or name").fill(code)
    admin.get_by_role("link", name=code).click()
    expect(admin.get_by_role("heading", name=f"Order {code}", level=1)).to_be_visible()


def test_admin_runs_a_sale_refunds_a_ticket_and_reads_it_in_the_analytics(browser: Browser, live_app) -> None:
    admin = _admin_page(browser, live_app)
    title = f"Integration Gala {secrets.token_hex(3)}"
    event_id = _create_and_publish_event(admin, title)

    customer = browser.new_context(base_url=live_app.url).new_page()
    code = _buy(customer, title, "Card — test mode, no real money", "2")
    expect(customer.get_by_text("Paid", exact=True)).to_be_visible()
    _ensure_tickets_issued(live_app.database_url, code)

    _open_admin_order(admin, code)
    tickets = admin.get_by_role("table", name="Tickets")
    expect(tickets.get_by_role("row")).to_have_count(3)  # header + 2 tickets
    tickets.get_by_role("row").nth(1).get_by_role("button", name="Refund ticket").click()
    admin.get_by_role("alertdialog").get_by_role("button", name="Refund ticket").click()
    expect(admin.get_by_role("status").filter(has_text="Refund recorded.")).to_be_visible()
    expect(tickets.get_by_role("button", name="Refund ticket")).to_have_count(1)

    admin.goto(f"/admin/analytics?preset=7d&event={event_id}")
    expect(admin.get_by_label("Event", exact=True)).to_have_value(event_id)
    expect(admin.get_by_role("group", name="Revenue", exact=True)).to_contain_text("€50.00")
    expect(admin.get_by_role("group", name="Orders", exact=True)).to_contain_text("1")
    expect(admin.get_by_role("group", name="Tickets", exact=True)).to_contain_text("2")
    expect(admin.get_by_role("group", name="Refund rate", exact=True)).to_contain_text("50.0%")
    refunds = admin.get_by_role("region", name="Refunds over time")
    refunds.get_by_role("button", name="View as table").click()
    expect(refunds.get_by_role("table")).to_contain_text("€25.00")


def test_bank_transfer_marked_paid_by_an_admin(browser: Browser, live_app) -> None:
    admin = _admin_page(browser, live_app)
    title = f"Transfer Soiree {secrets.token_hex(3)}"
    _create_and_publish_event(admin, title)
    customer = browser.new_context(base_url=live_app.url).new_page()
    code = _buy(customer, title, "Bank transfer", "1")
    expect(customer.get_by_text("Awaiting your transfer", exact=True)).to_be_visible()

    _open_admin_order(admin, code)
    admin.get_by_role("button", name="Mark bank transfer paid").click()
    expect(admin.get_by_role("status").filter(has_text="Marked as paid.")).to_be_visible()

    customer.reload()
    expect(customer.get_by_role("heading", name=f"Order {code}", level=1)).to_be_visible()
    expect(customer.get_by_text("Paid", exact=True)).to_be_visible()


def test_admin_reads_a_customer_sends_a_reset_and_blocking_signs_them_out(browser: Browser, live_app) -> None:
    email = unique_email("watched")
    create_user(live_app.database_url, email)
    customer = browser.new_context(base_url=live_app.url).new_page()
    sign_in(customer, email)
    customer.goto("/account")
    expect(customer.get_by_role("heading", name="My account", level=1)).to_be_visible()
    admin = _admin_page(browser, live_app)

    admin.goto("/admin/customers")
    admin.get_by_label("Name or e-mail").fill(email)
    row = admin.get_by_role("row").filter(has_text=email)
    row.get_by_role("button", name="Details").click()
    detail = admin.get_by_role("region", name="Customer details")
    expect(detail.get_by_role("heading", level=2)).to_contain_text(email)
    expect(detail.get_by_role("table", name="Sign-in history")).to_contain_text("Signed in")
    expect(detail.get_by_role("heading", name="Support requests")).to_be_visible()

    detail.get_by_role("button", name="Send password reset e-mail").click()
    expect(admin.get_by_role("status").filter(has_text="A password reset e-mail was sent")).to_be_visible()

    row.get_by_role("button", name="Block").click()
    dialog = admin.get_by_role("alertdialog")
    dialog.get_by_label("Reason (required)").fill("Card fraud")
    dialog.get_by_role("button", name="Block").click()
    expect(admin.get_by_role("status").filter(has_text="Account blocked.")).to_be_visible()
    expect(detail.get_by_role("table", name="Sign-in history")).to_contain_text("Account blocked")

    # The customer's open page signs them out by itself, without a click (not at their next action).
    expect(customer.get_by_role("alert").filter(has_text="You have been signed out")).to_be_visible(timeout=5_000)
    expect(customer).to_have_url(re.compile(r"/signin\?next=%2Faccount"))
    expect(customer.get_by_role("button", name="Sign out")).to_have_count(0)
    customer.goto("/account")
    expect(customer).to_have_url(re.compile(r"/signin\?next="))
