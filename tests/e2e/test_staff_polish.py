"""Issue 15, staff side: the staff home page, the order trail, duplicated events, 2FA header,
live fulfilment after a bank transfer and admin pages on narrow screens."""

from __future__ import annotations

import os
import re
import secrets
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlmodel import Session

from tests.e2e.accounts_helpers import (
    PASSWORD,
    create_user,
    find_user,
    fresh_totp_code,
    sign_in_staff,
    unique_email,
)
from tests.factories import make_event, make_order, make_pending_order
from ticketapp.db import make_engine
from ticketapp.models import OrderStatus
from ticketapp.services.orders import lifecycle
from ticketapp.services.orders import payments as order_payments
from ticketapp.services.orders.payments import PaymentMethod

# The first test also waits for the app's production build (minutes on a shared machine).
pytestmark = pytest.mark.timeout(900)
SHOTS = Path(os.environ.get("STAFF_SHOTS", "/tmp/staffpolish-shots"))
PHONE = {"width": 390, "height": 844}
expect.set_options(timeout=15_000)  # a loaded machine: the first pages of a fresh app take seconds


def _staff_page(browser: Browser, live_app, role: str, email: str = "", **context: object) -> Page:
    email = email or unique_email(role)
    create_user(live_app.database_url, email, role=role)
    page = browser.new_context(base_url=live_app.url, **context).new_page()
    page.set_default_timeout(15_000)
    sign_in_staff(page, live_app.database_url, email, PASSWORD)
    return page


def _shoot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _paid_order_in_swiss_francs(database_url: str) -> None:
    """A sale today in a currency no other journey uses, so today's figures are known."""
    engine = make_engine(database_url)
    with Session(engine, expire_on_commit=False) as session:
        _, ticket_type = make_event(session, title="Zurich Matinee", currency="CHF", price_minor=1200)
        make_order(session, [(ticket_type, 1)])
    engine.dispose()


def test_the_admin_home_shows_todays_sales_work_waiting_and_every_area(browser: Browser, live_app) -> None:
    _paid_order_in_swiss_francs(live_app.database_url)
    admin = _staff_page(browser, live_app, "admin")
    admin.get_by_role("navigation", name="Account").get_by_role("link", name="Admin").click()
    expect(admin.get_by_role("heading", name="Administration", level=1)).to_be_visible()

    sales = admin.get_by_role("table", name="Today's sales")
    expect(sales.get_by_role("row").filter(has_text="CHF")).to_contain_text(re.compile(r"CHF\s?12\.00"))
    attention = admin.get_by_role("region", name="Needs attention")
    for label in ("Orders held for review", "Bank transfers awaiting payment", "Open support requests"):
        expect(attention.get_by_role("link", name=label)).to_be_visible()
    areas = admin.get_by_role("navigation", name="Admin areas")
    for label in ("Analytics", "Events", "Orders", "Customers", "Staff", "Review queue", "Agent panel", "Check-in"):
        expect(areas.get_by_role("link", name=label, exact=True)).to_be_visible()
    _shoot(admin, "admin-home-desktop")
    admin.set_viewport_size(PHONE)
    _shoot(admin, "admin-home-phone")

    attention.get_by_role("link", name="Bank transfers awaiting payment").click()
    expect(admin.get_by_role("heading", name="Orders", level=1)).to_be_visible()
    expect(admin.get_by_label("Status")).to_have_value("awaiting_payment")


def test_an_agent_gets_their_two_pages_in_the_header_and_on_the_staff_home(browser: Browser, live_app) -> None:
    agent = _staff_page(browser, live_app, "agent")
    account = agent.get_by_role("navigation", name="Account")
    expect(account.get_by_role("link", name="Agent panel")).to_be_visible()
    expect(account.get_by_role("link", name="Check-in")).to_be_visible()
    expect(account.get_by_role("link", name="Admin", exact=True)).to_have_count(0)

    agent.goto("/admin")
    expect(agent.get_by_role("heading", name="Staff area", level=1)).to_be_visible()
    areas = agent.get_by_role("navigation", name="Staff areas")
    expect(areas.get_by_role("link")).to_have_count(2)
    expect(agent.get_by_role("region", name="Today's sales")).to_have_count(0)
    expect(agent.get_by_role("region", name="Needs attention").get_by_role("link")).to_have_text(
        ["Open support requests"]
    )
    areas.get_by_role("link", name="Check-in").click()
    expect(agent).to_have_url(f"{live_app.url}/checkin")


def _partly_refunded_order(database_url: str, admin_email: str) -> str:
    """A paid order of two €27.50 tickets, one refunded by the admin (the trail row as a refund writes it)."""
    engine = make_engine(database_url)
    with Session(engine, expire_on_commit=False) as session:
        _, ticket_type = make_event(session, title="Trail Recital", price_minor=2750)
        order, _ = make_order(session, [(ticket_type, 2)])
        admin = find_user(database_url, admin_email)
        lifecycle.move(session, order, OrderStatus.PARTIALLY_REFUNDED, "refund of 2750 EUR", actor_id=admin.id)
        session.commit()
    engine.dispose()
    return order.code


def test_the_order_trail_names_the_admin_and_formats_money_and_statuses(browser: Browser, live_app) -> None:
    email = unique_email("trail-admin")
    admin = _staff_page(browser, live_app, "admin", email)
    code = _partly_refunded_order(live_app.database_url, email)
    admin.goto(f"/admin/orders/{code}")
    trail = admin.get_by_role("list", name="Audit trail")
    refund = trail.get_by_role("listitem").filter(has_text="Refund of")
    expect(refund).to_contain_text("Paid → Partially refunded")
    expect(refund).to_contain_text("Refund of €27.50")
    expect(refund).to_contain_text(f"by {email.split('@')[0]}")
    summary = admin.locator("dl.summary-list")  # terms beside their values, not one run of text
    assert summary.evaluate("list => getComputedStyle(list).display") == "grid"
    _shoot(admin, "admin-order-desktop")

    admin.get_by_label("Language").select_option("fr")
    trail = admin.get_by_role("list", name="Journal des actions")
    refund = trail.get_by_role("listitem").filter(has_text="Remboursement de")
    expect(refund).to_contain_text("Payée → Partiellement remboursée")
    expect(refund).to_contain_text("Remboursement de 27,50\u00a0€")
    admin.set_viewport_size(PHONE)
    _shoot(admin, "admin-order-phone-fr")


def _draft_event(database_url: str, title: str) -> None:
    engine = make_engine(database_url)
    with Session(engine, expire_on_commit=False) as session:
        make_event(session, title=title)
    engine.dispose()


def test_duplicating_an_event_names_the_copy_and_opens_it_for_editing(browser: Browser, live_app) -> None:
    title = f"Copyable Quartet {secrets.token_hex(3)}"
    _draft_event(live_app.database_url, title)
    admin = _staff_page(browser, live_app, "admin")
    admin.goto("/admin/events")
    admin.get_by_label("Search", exact=True).fill(title)
    row = admin.get_by_role("row").filter(has_text=title)
    expect(row).to_have_count(1)
    row.get_by_role("button", name="Duplicate").click()

    expect(admin.get_by_role("heading", name="Edit event", level=1)).to_be_visible()
    expect(admin.get_by_label("Title")).to_have_value(f"{title} (copy)")
    expect(admin.get_by_role("status").filter(has_text="Draft copy created.")).to_be_visible()
    # The title field takes the form's width, so a long title is not cut.
    form_width = admin.get_by_role("form", name="Event").bounding_box()["width"]
    assert admin.get_by_label("Title").bounding_box()["width"] > 0.9 * form_width
    _shoot(admin, "admin-event-copy-desktop")
    admin.set_viewport_size(PHONE)
    _shoot(admin, "admin-event-copy-phone")


def test_the_admin_menu_appears_only_once_the_second_factor_is_given(page: Page, live_app) -> None:
    email = unique_email("admin-2fa")
    create_user(live_app.database_url, email, role="admin")
    page.goto("/signin")
    page.get_by_label("E-mail", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    enrol = page.get_by_role("button", name="Turn on two-factor authentication")
    expect(enrol).to_be_visible()
    account = page.get_by_role("navigation", name="Account")
    expect(account.get_by_role("button", name="Sign out")).to_be_visible()
    expect(account.get_by_role("link", name="Admin", exact=True)).to_have_count(0)
    _shoot(page, "admin-2fa-pending")

    page.get_by_label("Authentication code").fill(fresh_totp_code(live_app.database_url, email))
    enrol.click()
    expect(page.get_by_role("list", name="Recovery codes")).to_be_visible()
    page.get_by_role("link", name="Continue").click()
    expect(account.get_by_role("link", name="Admin", exact=True)).to_be_visible()


def _sales_in_yen(database_url: str) -> None:
    """Demo-card sales in a currency of their own: today, 20 days ago and 200 days ago (no refunds)."""
    engine = make_engine(database_url)
    with Session(engine, expire_on_commit=False) as session:
        _, ticket_type = make_event(session, title="Osaka Nights", currency="JPY", price_minor=4000)
        for days_ago in (0, 20, 200):
            order, _ = make_order(session, [(ticket_type, 2)])
            order.paid_at = order.paid_at - timedelta(days=days_ago)
            order.payment_method = "demo"
            session.add(order)
        session.commit()
    engine.dispose()


@pytest.mark.parametrize(
    ("query", "shot"),
    [("preset=7d", "7d"), ("preset=30d", "30d"), ("preset=365d&by=month", "365d")],
)
def test_analytics_charts_read_as_dates_names_and_messages(browser: Browser, live_app, query: str, shot: str) -> None:
    if shot == "7d":
        _sales_in_yen(live_app.database_url)
    admin = _staff_page(browser, live_app, "admin")
    admin.goto(f"/admin/analytics?{query}&currency=JPY")
    expect(admin.get_by_role("heading", name="Sales analytics", level=1)).to_be_visible()
    # Plotly draws each chart after the page's data arrived: on a loaded machine that takes a while.
    refunds = admin.get_by_role("region", name="Refunds over time")
    expect(refunds).to_contain_text("No refunds in this period", timeout=45_000)
    methods = admin.get_by_role("region", name="Payment methods")
    expect(methods).to_contain_text("Test card (no real money)")
    expect(methods).not_to_contain_text("demo")
    sales = admin.get_by_role("region", name="Revenue and tickets over time")
    expect(sales).not_to_contain_text("23:59:59")
    _shoot(admin, f"admin-analytics-{shot}-desktop")
    admin.set_viewport_size(PHONE)
    _shoot(admin, f"admin-analytics-{shot}-phone")


def _bank_transfer_order(database_url: str) -> str:
    """An order of two tickets waiting for its bank transfer, as a buyer's checkout leaves it."""
    engine = make_engine(database_url)
    with Session(engine, expire_on_commit=False) as session:
        order, _ = make_pending_order(session, buyer_email=unique_email("transfer"))
        order_payments.begin_payment(session, order.code, PaymentMethod.BANK_TRANSFER)
    engine.dispose()
    return order.code


def test_the_admin_order_page_follows_the_payment_and_its_tickets_live(browser: Browser, live_app) -> None:
    code = _bank_transfer_order(live_app.database_url)
    admin = _staff_page(browser, live_app, "admin")
    watching = admin.context.new_page()  # a second tab of the same admin, left open on the order
    watching.goto(f"/admin/orders/{code}")
    expect(watching.get_by_text("No tickets issued yet.")).to_be_visible()

    admin.goto(f"/admin/orders/{code}")
    admin.get_by_role("button", name="Mark bank transfer paid").click()
    expect(admin.get_by_role("status").filter(has_text="Marked as paid.")).to_be_visible()
    expect(admin.get_by_role("table", name="Tickets").get_by_role("row")).to_have_count(3)  # header + 2 tickets

    # The open tab was not reloaded: the payment and the tickets reached it.
    expect(watching.get_by_role("table", name="Tickets").get_by_role("row")).to_have_count(3)
    expect(watching.get_by_role("button", name="Mark bank transfer paid")).to_have_count(0)


NARROW_ADMIN_PAGES = [
    "/admin",
    "/admin/analytics",
    "/admin/events",
    "/admin/events/edit",
    "/admin/orders",
    "/admin/customers",
    "/admin/staff",
    "/admin/backups",
    "/admin/rates",
    "/admin/review",
    "/admin/blocks",
    "/admin/security",
    "/admin/api-tokens",
]


def test_admin_pages_wrap_at_320_pixels_without_sideways_scrolling(browser: Browser, live_app) -> None:
    admin = _staff_page(browser, live_app, "admin", viewport={"width": 320, "height": 700})
    too_wide = {}
    for path in NARROW_ADMIN_PAGES:
        admin.goto(path)
        expect(admin.get_by_role("heading", level=1)).to_be_visible()
        expect(admin.get_by_text("Checking your access…")).to_have_count(0)
        width = admin.evaluate("document.documentElement.scrollWidth")
        if width > 320:
            too_wide[path] = width
            _shoot(admin, "narrow" + path.replace("/", "-"))
    assert too_wide == {}
    _shoot(admin, "narrow-admin-security-ok")
