"""Journeys: prices shown approximately in the visitor's currency (footer menu, profile, sign-in), always
charged in the event's own; an admin edits a rate and the shop follows."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

from playwright.sync_api import Browser, Page, expect
from sqlmodel import Session, select

from tests.e2e.accounts_helpers import PASSWORD, create_user, sign_in, sign_in_staff, unique_email
from tests.e2e.conftest import LiveApp
from ticketapp.db import make_engine
from ticketapp.models import Event, TicketType, User

SHOTS = Path(__file__).resolve().parents[2] / ".web-test" / "screenshots"
APPROX_USD = re.compile(r"^≈ \$[\d,.]+$")


def _standard_price_eur(database_url: str) -> Decimal:
    engine = make_engine(database_url)
    with Session(engine) as session:
        event = session.exec(select(Event).where(Event.slug == "jazz-a-lyon")).one()
        ticket_type = session.exec(
            select(TicketType).where(TicketType.event_id == event.id, TicketType.name == "Standard")
        ).one()
    engine.dispose()
    return Decimal(ticket_type.price_minor) / 100


def _set_rate(page: Page, currency: str, rate: str) -> None:
    page.get_by_label("Currency (ISO code)").fill(currency)
    page.get_by_label("Units per euro").fill(rate)
    page.get_by_label("Rate date").fill("2026-12-01")
    page.get_by_role("button", name="Save rate").click()


def test_a_guest_chooses_dollars_and_sees_approximate_prices_but_pays_in_euros(page: Page) -> None:
    page.goto("/")
    expect(page.get_by_role("heading", name="Upcoming events", level=1)).to_be_visible()
    expect(page.get_by_text(APPROX_USD)).to_have_count(0)
    page.get_by_label("Show approximate prices in").select_option("USD")
    jazz_card = page.get_by_role("article").filter(has=page.get_by_role("link", name="Jazz à Lyon"))
    expect(jazz_card.get_by_text(APPROX_USD)).to_be_visible()

    page.get_by_role("link", name="Jazz à Lyon").first.click()
    expect(page.get_by_role("heading", name="Jazz à Lyon", level=1)).to_be_visible()
    expect(page.get_by_role("listitem").filter(has_text="Standard").get_by_text(APPROX_USD)).to_be_visible()
    page.get_by_label("Quantity of Standard").select_option("2")
    page.get_by_role("button", name="Add to cart: Standard").click()
    expect(page.get_by_text("2 tickets added to your cart.")).to_be_visible()

    page.goto("/cart")
    expect(page.get_by_text(re.compile(r"^Total: €[\d,.]+ \(≈ \$[\d,.]+\)$"))).to_be_visible()
    note = re.compile(r"Amounts in USD are approximate \(rates of .+\); you pay in EUR\.")
    expect(page.get_by_text(note)).to_be_visible()

    page.goto("/checkout")
    expect(page.get_by_text(re.compile(r"^Total: €"))).to_be_visible()
    expect(page.get_by_role("cell").get_by_text(APPROX_USD)).to_be_visible()
    expect(page.get_by_text(note)).to_be_visible()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "currency-checkout-usd.png"), full_page=True)

    # Back to the event's currency only: the approximations go, in French too.
    page.get_by_label("Language").select_option("fr")
    expect(page.get_by_text(re.compile(r"Les montants en USD sont approximatifs"))).to_be_visible()
    page.get_by_label("Afficher les prix approximatifs en").select_option("")
    expect(page.get_by_text(re.compile(r"^Total : |^Total: "))).to_be_visible()
    expect(page.get_by_text(re.compile("Les montants en USD"))).to_have_count(0)
    expect(page.get_by_text(re.compile(r"^≈ "))).to_have_count(0)


def test_the_profiles_preferred_currency_follows_the_customer_to_a_new_browser(
    browser: Browser, base_url: str, live_app: LiveApp
) -> None:
    email = unique_email("pounds")
    create_user(live_app.database_url, email)
    context = browser.new_context(base_url=base_url)
    try:
        page = context.new_page()
        sign_in(page, email)
        page.goto("/account")
        page.get_by_label("Preferred currency").select_option("GBP")
        page.get_by_role("button", name="Save profile").click()
        expect(page.get_by_role("status").filter(has_text="Your profile was saved.")).to_be_visible()
        expect(page.get_by_label("Show approximate prices in")).to_have_value("GBP")
    finally:
        context.close()
    engine = make_engine(live_app.database_url)
    with Session(engine) as session:
        assert session.exec(select(User.preferred_currency).where(User.email == email)).one() == "GBP"
    engine.dispose()

    fresh = browser.new_context(base_url=base_url)  # another browser: no currency cookie yet
    try:
        page = fresh.new_page()
        page.goto("/events/jazz-a-lyon")
        expect(page.get_by_role("heading", name="Jazz à Lyon", level=1)).to_be_visible()
        expect(page.get_by_text(re.compile(r"^≈ £"))).to_have_count(0)
        sign_in(page, email)
        page.goto("/events/jazz-a-lyon")
        standard = page.get_by_role("listitem").filter(has_text="Standard")
        expect(standard.get_by_text(re.compile(r"^≈ £[\d,.]+$"))).to_be_visible()
        expect(page.get_by_label("Show approximate prices in")).to_have_value("GBP")
    finally:
        fresh.close()


def test_an_admin_changes_the_dollar_rate_and_the_shop_converts_with_it(
    page: Page, browser: Browser, base_url: str, live_app: LiveApp
) -> None:
    admin_email = unique_email("rates-admin")
    create_user(live_app.database_url, admin_email, role="admin")
    sign_in_staff(page, live_app.database_url, admin_email, PASSWORD)
    page.goto("/admin/rates")
    expect(page.get_by_role("heading", name="Exchange rates", level=1)).to_be_visible()
    rates_table = page.get_by_role("table", name="Exchange rates")
    expect(rates_table.get_by_role("row").filter(has_text="USD")).to_contain_text("1.16")

    # A bad rate is refused with a message and changes nothing.
    _set_rate(page, "USD", "lots")
    expect(page.get_by_role("status").filter(has_text="“lots” is not a rate")).to_be_visible()
    expect(rates_table.get_by_role("row").filter(has_text="USD")).to_contain_text("1.16")

    _set_rate(page, "USD", "2")
    expect(page.get_by_role("status").filter(has_text="Rate for USD saved.")).to_be_visible()
    expect(rates_table.get_by_role("row").filter(has_text="USD")).to_contain_text("admin")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "admin-rates.png"), full_page=True)

    buyer = browser.new_context(base_url=base_url)
    try:
        shop = buyer.new_page()
        shop.goto("/events/jazz-a-lyon")
        shop.get_by_label("Show approximate prices in").select_option("USD")
        expected = f"≈ ${_standard_price_eur(live_app.database_url) * 2:,.0f}"
        row = shop.get_by_role("listitem").filter(has_text="Standard")
        expect(row.get_by_text(expected, exact=True)).to_be_visible()
    finally:
        buyer.close()
        page.goto("/admin/rates")  # leave the seeded rate for the other tests
        _set_rate(page, "USD", "1.16")
        expect(page.get_by_role("status").filter(has_text="Rate for USD saved.")).to_be_visible()
