"""Journeys: search → event → cart with a live countdown → checkout; a hold that runs out."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect
from sqlmodel import Session, select

from tests.e2e.shop_helpers import expect_cart_count
from ticketapp.db import make_engine
from ticketapp.models import Event, TicketType
from ticketapp.services.shared.money import Money, format_money

COUNTDOWN = re.compile(r"^\d+:\d{2}$")


def _price_minor(database_url: str, slug: str, type_name: str) -> int:
    engine = make_engine(database_url)
    with Session(engine) as session:
        price = session.exec(
            select(TicketType.price_minor)
            .join(Event, Event.id == TicketType.event_id)
            .where(Event.slug == slug, TicketType.name == type_name)
        ).one()
    engine.dispose()
    return price


def test_search_filter_sort_then_book_and_check_out(page: Page, live_app) -> None:
    page.goto("/events")
    expect(page.get_by_role("heading", name="Find events", level=1)).to_be_visible()
    page.get_by_label("Search", exact=True).fill("JAZZ")
    page.get_by_label("Category").select_option("concert")
    page.get_by_label("City").select_option("Lyon")
    page.get_by_label("Sort by").select_option("price")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.get_by_text("1 event found")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/events\?q=JAZZ&category=concert&city=Lyon&sort=price$"))

    # The URL is the search: a reload brings back the same filters and result.
    page.reload()
    expect(page.get_by_label("Search", exact=True)).to_have_value("JAZZ")
    expect(page.get_by_label("City")).to_have_value("Lyon")
    expect(page.get_by_text("1 event found")).to_be_visible()

    page.get_by_role("link", name="Jazz à Lyon").click()
    expect(page.get_by_role("heading", name="Jazz à Lyon", level=1)).to_be_visible()
    expect(page.get_by_role("listitem").filter(has_text="Standard")).to_contain_text("On sale")
    page.get_by_label("Quantity of Standard").select_option("2")
    page.get_by_role("button", name="Add to cart: Standard").click()
    expect(page.get_by_text("2 tickets added to your cart.")).to_be_visible()
    expect_cart_count(page, 2)

    page.get_by_role("link", name="View cart").click()
    expect(page.get_by_role("heading", name="Your cart", level=1)).to_be_visible()
    expect(page.get_by_role("timer")).to_have_text(COUNTDOWN)
    page.get_by_label("Quantity of Standard for Jazz à Lyon").select_option("3")
    expect(page.get_by_text("Your cart was updated.")).to_be_visible()
    expect_cart_count(page, 3)

    unit = _price_minor(live_app.database_url, "jazz-a-lyon", "Standard")
    page.get_by_role("link", name="Checkout").click()
    expect(page.get_by_role("heading", name="Order summary", level=2)).to_be_visible()
    row = page.get_by_role("row").filter(has_text="Jazz à Lyon")
    expect(row).to_contain_text(format_money(Money(unit, "EUR"), "en"))
    expect(page.get_by_text(f"Total: {format_money(Money(unit * 3, 'EUR'), 'en')}")).to_be_visible()

    # Same summary in French: French number and currency format.
    page.get_by_label("Language").select_option("fr")
    expect(page.get_by_text(f"Total : {format_money(Money(unit * 3, 'EUR'), 'fr')}")).to_be_visible()
    page.get_by_label("Langue").select_option("en")
    expect(page.get_by_role("button", name="Place order and pay")).to_be_visible()

    page.get_by_label("Full name").fill("Camille Martin")
    page.get_by_label("E-mail").fill("camille@example.com")
    page.get_by_role("button", name="Place order and pay").click()
    expect(page.get_by_text("Please accept the terms of sale to continue.")).to_be_visible()
    page.get_by_label("I accept the terms of sale").click()
    page.get_by_label("Card — test mode, no real money").click()
    page.get_by_role("button", name="Place order and pay").click()
    # The order is placed (seats move from the cart to it) and the buyer goes on to pay.
    expect(page.get_by_role("heading", name="Test payment", level=1)).to_be_visible()
    expect_cart_count(page, 0)


def test_bad_filters_are_refused_and_empty_state_clears(page: Page) -> None:
    page.goto("/events?q=zzzz-no-such-event")
    expect(page.get_by_text("No events match these filters.")).to_be_visible()
    page.get_by_role("button", name="Clear filters").last.click()
    expect(page.get_by_label("Search", exact=True)).to_have_value("")
    expect(page.get_by_text(re.compile(r"^\d+ events found$"))).to_be_visible()
    expect(page).to_have_url(re.compile(r"/events$"))
    # 27 upcoming seeded events: 12 per page, then "Load more".
    expect(page.get_by_role("main").get_by_role("article")).to_have_count(12)
    page.get_by_role("button", name="Load more").click()
    expect(page.get_by_role("main").get_by_role("article")).to_have_count(24)
    page.get_by_label("Lowest price").fill("-5")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("Prices must be whole numbers")


def test_hold_expires_releases_tickets_and_can_be_renewed(page: Page) -> None:
    page.goto("/events/stand-up-gala")
    page.get_by_role("button", name="Add to cart: Standard").click()
    expect_cart_count(page, 1)
    page.get_by_role("link", name="View cart").click()
    expect(page.get_by_role("timer")).to_have_text(COUNTDOWN)
    # The test app holds tickets for 30 seconds (HOLD_SECONDS in booking_env).
    expect(page.get_by_text(re.compile("Your reservation has expired"))).to_be_visible(timeout=45_000)
    expect_cart_count(page, 0)
    page.get_by_role("button", name="Renew").click()
    expect(page.get_by_text("Your tickets are held again.")).to_be_visible()
    expect_cart_count(page, 1)
    expect(page.get_by_role("timer")).to_have_text(COUNTDOWN)
