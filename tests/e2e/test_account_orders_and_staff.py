"""Purchase history, the guards, and staff two-factor sign-in, in the browser."""

from __future__ import annotations

import re
from datetime import timedelta

import pyotp
from playwright.sync_api import Page, expect
from sqlmodel import Session, select

from tests.e2e.accounts_helpers import create_user, find_user, sign_in, sign_in_staff, unique_email
from tests.factories import make_event, make_order
from ticketapp.db import make_engine
from ticketapp.models import Venue, utcnow


def _orders_for(database_url: str, user_id: int, other_user_id: int) -> None:
    engine = make_engine(database_url)
    with Session(engine) as session:
        # At a seeded venue, a month out: the catalogue the other journeys see keeps its shape.
        venue, later = session.exec(select(Venue)).first(), timedelta(days=30)
        _, gala = make_event(session, title="History Gala", venue=venue, starts_in=later)
        _, tokyo = make_event(session, title="History Tokyo Night", venue=venue, starts_in=later, currency="JPY")
        make_order(session, [(gala, 2)], user_id=user_id, code="HIST0LD1", created_at=utcnow() - timedelta(days=5))
        make_order(session, [(tokyo, 3)], user_id=user_id, code="HISTNEW1", status="awaiting_payment")
        make_order(session, [(gala, 1)], user_id=other_user_id, code="HISTOTH1")
    engine.dispose()


def test_purchase_history_and_order_page_only_for_the_owner(page: Page, live_app) -> None:
    email = unique_email("orders")
    owner = create_user(live_app.database_url, email)
    other = create_user(live_app.database_url, unique_email("other"))
    _orders_for(live_app.database_url, owner, other)
    sign_in(page, email)
    page.get_by_role("link", name="My orders").first.click()
    expect(page.get_by_role("heading", name="My orders", level=1)).to_be_visible()
    rows = page.get_by_role("row")
    expect(rows).to_have_count(3)  # header + two orders
    newest = rows.nth(1)
    expect(newest).to_contain_text("HISTNEW1")
    expect(newest).to_contain_text("History Tokyo Night")
    expect(newest).to_contain_text("¥7,500")
    expect(newest).to_contain_text("Awaiting payment")
    expect(rows.nth(2)).to_contain_text("€50.00")
    expect(rows.nth(2)).to_contain_text("Paid")

    page.get_by_role("link", name="HIST0LD1").click()
    expect(page.get_by_role("heading", name="Order HIST0LD1", level=1)).to_be_visible()
    expect(page.get_by_role("cell", name="History Gala")).to_be_visible()

    page.goto("/account/orders/HISTOTH1")
    expect(page.get_by_role("heading", name="Order not found", level=1)).to_be_visible()

    page.goto("/account/orders")
    page.get_by_label("Language").select_option("fr")
    expect(page.get_by_role("heading", name="Mes commandes", level=1)).to_be_visible()
    expect(page.get_by_role("row").nth(1)).to_contain_text("En attente de paiement")
    expect(page.get_by_role("row").nth(1)).to_contain_text(re.compile(r"7\s500\sJPY"))


def test_new_user_sees_the_empty_history(page: Page, live_app) -> None:
    email = unique_email("empty")
    create_user(live_app.database_url, email)
    sign_in(page, email)
    page.goto("/account/orders")
    expect(page.get_by_text("You have no orders yet.")).to_be_visible()


def test_guards_send_anonymous_to_sign_in_and_customers_to_403(page: Page, live_app) -> None:
    page.goto("/account/orders")
    expect(page).to_have_url(re.compile(r"/signin\?next=%2Faccount%2Forders(%2F)?$"))
    # Fresh load of the sign-in page (typing right after a client-side redirect can be re-rendered away).
    page.reload()
    email = unique_email("guard")
    create_user(live_app.database_url, email)
    page.get_by_label("E-mail", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill("journey password 1")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="My orders", level=1)).to_be_visible()
    page.goto("/admin")
    expect(page.get_by_role("heading", name="Access denied", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="Administration")).to_have_count(0)


def test_admin_enrols_two_factor_then_needs_a_code(page: Page, live_app) -> None:
    admin_email = unique_email("admin")
    create_user(live_app.database_url, admin_email, "admin journey pass", role="admin")
    sign_in_page = "/signin?next=/admin"
    page.goto(sign_in_page)
    page.get_by_label("E-mail", exact=True).fill(admin_email)
    page.get_by_label("Password", exact=True).fill("admin journey pass")
    page.get_by_role("button", name="Sign in").click()
    # First sign-in: enrolment is required before anything else.
    expect(page.get_by_role("heading", name="Two-factor authentication", level=2)).to_be_visible()
    expect(page.get_by_role("img", name="QR code for your authenticator app")).to_be_visible()
    secret = page.get_by_label("Set-up key").inner_text().strip()
    assert secret == find_user(live_app.database_url, admin_email).totp_secret
    page.goto("/admin")
    expect(page).to_have_url(re.compile(r"/account/security$"))

    page.get_by_label("Authentication code").fill("000000" if pyotp.TOTP(secret).now() != "000000" else "111111")
    page.get_by_role("button", name="Turn on two-factor authentication").click()
    expect(page.get_by_role("alert")).to_contain_text("That code is not correct.")
    page.get_by_label("Authentication code").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Turn on two-factor authentication").click()
    codes = page.get_by_role("list", name="Recovery codes").get_by_role("listitem")
    expect(codes).to_have_count(10)
    recovery_code = codes.first.inner_text().strip()
    page.get_by_role("link", name="Continue").click()
    expect(page.get_by_role("heading", name="Administration", level=1)).to_be_visible()

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()
    page.goto(sign_in_page)
    page.get_by_label("E-mail", exact=True).fill(admin_email)
    page.get_by_label("Password", exact=True).fill("admin journey pass")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Authentication code").fill(recovery_code)
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_role("heading", name="Administration", level=1)).to_be_visible()


def test_seeded_admin_signs_in_with_the_staff_helper(page: Page, live_app) -> None:
    sign_in_staff(page, live_app.database_url, "admin@example.com", "demo-admin-pass")
    page.goto("/admin")
    expect(page.get_by_role("heading", name="Administration", level=1)).to_be_visible()
    page.get_by_role("link", name="Mail outbox").click()
    expect(page.get_by_role("heading", name="Mail outbox", level=1)).to_be_visible()
    # The test app sends through SMTP, so nothing lands in the outbox folder.
    expect(page.get_by_text("No mail yet.")).to_be_visible()


def test_customers_cannot_read_the_outbox(page: Page, live_app) -> None:
    email = unique_email("nosy")
    create_user(live_app.database_url, email)
    sign_in(page, email)
    page.goto("/dev/outbox")
    expect(page.get_by_role("heading", name="Access denied", level=1)).to_be_visible()
