"""Journey: browse the seeded events, open one, switch to French."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, Page, expect


def test_home_lists_events_and_detail_page_switches_to_french(page: Page) -> None:
    page.goto("/")
    expect(page.get_by_role("heading", name="Upcoming events", level=1)).to_be_visible()
    event_link = page.get_by_role("link", name="Tokyo City Pop Night")
    expect(event_link).to_be_visible()
    # The JPY price has no decimals.
    card = page.get_by_role("article").filter(has=event_link)
    expect(card).to_contain_text(re.compile(r"From ¥\d{1,3}(,\d{3})*$|From ¥[\d,]+\s"))

    page.get_by_role("link", name="Jazz à Lyon").click()
    expect(page).to_have_url(re.compile(r"/events/jazz-a-lyon$"))
    expect(page.get_by_role("heading", name="Jazz à Lyon", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="Tickets", level=2)).to_be_visible()
    expect(page.get_by_text("Halle Tony Garnier")).to_be_visible()
    english_price = page.get_by_text(re.compile(r"^€\d+\.\d{2}$")).first
    expect(english_price).to_be_visible()
    assert page.evaluate("document.documentElement.lang") == "en"

    page.get_by_label("Language").select_option("fr")
    expect(page.get_by_role("heading", name="Billets", level=2)).to_be_visible()
    expect(page.get_by_role("link", name="← Tous les événements")).to_be_visible()
    # French money: decimal comma and the symbol after the amount.
    expect(page.get_by_text(re.compile(r"^\d+,\d{2}\s€$")).first).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "fr")

    # The choice sticks across pages.
    page.get_by_role("link", name="← Tous les événements").click()
    expect(page.get_by_role("heading", name="Événements à venir", level=1)).to_be_visible()
    expect(page.get_by_text(re.compile(r"À partir de \d+,\d{2}\s€")).first).to_be_visible()


def test_unknown_event_slug_shows_not_found(page: Page) -> None:
    page.goto("/events/no-such-event-<script>")
    expect(page.get_by_role("heading", name="Event not found", level=1)).to_be_visible()
    expect(page.get_by_role("link", name="See all events")).to_be_visible()


def test_event_page_title_names_the_event(page: Page) -> None:
    page.goto("/")
    page.get_by_role("link", name="Jazz à Lyon").first.click()
    expect(page.get_by_role("heading", name="Jazz à Lyon", level=1)).to_be_visible()
    expect(page).to_have_title("Jazz à Lyon · Ticketapp")


def test_first_visit_speaks_the_browsers_language(browser: Browser, base_url: str) -> None:
    """No language chosen yet: the browser's Accept-Language decides, `<html lang>` follows, no cookie is forced."""
    context = browser.new_context(base_url=base_url, locale="fr-FR")
    try:
        page = context.new_page()
        page.goto("/")
        expect(page.get_by_role("heading", name="Événements à venir", level=1)).to_be_visible()
        expect(page.locator("html")).to_have_attribute("lang", "fr")
        assert not [c for c in context.cookies() if c["name"] == "lang"]
        # Choosing English overrides the browser and sticks for the next page.
        page.get_by_label("Langue").select_option("en")
        expect(page.get_by_role("heading", name="Upcoming events", level=1)).to_be_visible()
        expect(page.locator("html")).to_have_attribute("lang", "en")
        page.goto("/events")
        expect(page.locator("html")).to_have_attribute("lang", "en")
        expect(page.get_by_role("heading", level=1)).not_to_have_text("Événements")
    finally:
        context.close()
