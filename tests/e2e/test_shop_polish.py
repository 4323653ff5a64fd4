"""Rough edges of the shop found by walking it as a new customer (issue 15): header search,
the 404 page, a declined payment, cancelling an unpaid order, the per-customer cap, sign-out."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.e2e.accounts_helpers import PASSWORD

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))


SHOTS = "/tmp/shoppolish-shots"
PHONE = {"width": 390, "height": 844}


def _shoot(page: Page, name: str) -> None:
    """Desktop and phone screenshots of the current page, for a person to look at."""
    page.screenshot(path=f"{SHOTS}/{name}-desktop.png", full_page=True)
    size = page.viewport_size
    page.set_viewport_size(PHONE)
    page.screenshot(path=f"{SHOTS}/{name}-phone.png", full_page=True)
    if size:
        page.set_viewport_size(size)


def test_header_search_opens_results_on_enter_and_on_its_button(page: Page) -> None:
    page.goto("/support")
    box = page.get_by_role("searchbox", name="Search events")
    box.fill("jazz")
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"/events/?\?q=jazz$"))
    expect(page.get_by_label("Search", exact=True)).to_have_value("jazz")
    expect(page.get_by_role("link", name="Jazz à Lyon")).to_be_visible()

    page.get_by_role("searchbox", name="Search events").fill("gala")
    page.get_by_role("button", name="Search events").click()
    expect(page).to_have_url(re.compile(r"/events/?\?q=gala$"))
    expect(page.get_by_label("Search", exact=True)).to_have_value("gala")
    _shoot(page, "header-search")


def test_unknown_address_shows_the_site_with_ways_back(page: Page) -> None:
    page.goto("/no-such-page")
    expect(page.get_by_role("heading", name="Page not found", level=1)).to_be_visible()
    expect(page.get_by_role("searchbox", name="Search events")).to_be_visible()  # the site header
    expect(page.get_by_role("contentinfo")).to_be_visible()  # and its footer
    _shoot(page, "not-found")
    page.get_by_label("Language").select_option("fr")
    expect(page.get_by_role("heading", name="Page introuvable", level=1)).to_be_visible()
    page.get_by_role("link", name="Voir tous les événements").click()
    expect(page).to_have_url(re.compile(r"/events$"))


def sign_in(page: Page, email: str) -> None:
    """As accounts_helpers.sign_in, with room for a loaded machine (argon2, redirect, reconnect)."""
    page.goto("/signin")
    page.get_by_label("E-mail", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible(timeout=30_000)


def _cart_badge(page: Page):
    return page.get_by_role("link", name=re.compile(r"^Cart|^Panier")).get_by_role("status")


def _add(page: Page, slug: str, quantity: str, type_name: str = "Standard") -> None:
    page.goto(f"/events/{slug}")
    page.get_by_label(f"Quantity of {type_name}").select_option(quantity)
    page.get_by_role("button", name=f"Add {type_name} to cart").click()


def _check_out(page: Page, method_label: str, email: str = "camille@example.com") -> None:
    page.goto("/checkout")
    page.get_by_label("Full name").fill("Camille Martin")
    page.get_by_label("E-mail").fill(email)
    terms = page.get_by_label("I accept the terms of sale")
    if terms.get_attribute("aria-checked") != "true":  # a "Try again" checkout remembers the first answer
        terms.click()
    expect(terms).to_be_checked()
    page.get_by_label(method_label).click()
    expect(page.get_by_label(method_label)).to_be_checked()
    page.get_by_role("button", name="Place order and pay").click()


DEMO_CARD = "Card — test mode, no real money"


def test_declined_payment_offers_try_again_with_the_same_tickets(page: Page) -> None:
    _add(page, "stand-up-gala", "2")
    expect(page.get_by_text("2 tickets added to your cart.")).to_be_visible()
    _check_out(page, DEMO_CARD)
    page.get_by_role("button", name="Decline payment").click()
    declined = page.get_by_text("Payment declined", exact=True)
    expect(declined).to_be_visible()
    expect(declined).to_have_attribute("data-accent-color", "red")  # not the colour of "Paid"
    _shoot(page, "payment-declined")

    page.get_by_role("button", name="Try again").click()
    expect(page).to_have_url(re.compile(r"/checkout/?$"))
    expect(_cart_badge(page)).to_have_text("2")
    page.get_by_label("Full name").fill("Camille Martin")
    page.get_by_label("E-mail").fill("camille@example.com")
    terms = page.get_by_label("I accept the terms of sale")
    if terms.get_attribute("aria-checked") != "true":  # a "Try again" checkout remembers the first answer
        terms.click()
    expect(terms).to_be_checked()
    page.get_by_label(DEMO_CARD).click()
    page.get_by_role("button", name="Place order and pay").click()
    page.get_by_role("button", name=re.compile(r"^Pay €")).click()
    paid = page.get_by_text("Paid", exact=True)
    expect(paid).to_be_visible()
    expect(paid).to_have_attribute("data-accent-color", "green")
