"""Rough edges of the shop found by walking it as a new customer (issue 15): header search,
the 404 page, a declined payment, cancelling an unpaid order, the per-customer cap, sign-out."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

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
