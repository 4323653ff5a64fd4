"""Issue 16: event content in several languages, and a first paint already in the visitor's language.

An organiser writes the event in English and adds a French title, description and ticket type name;
a French visitor reads the French text, an English one the main text, a German one (nothing in German)
falls back to the main text."""

from __future__ import annotations

import os
import re
import secrets
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.accounts_helpers import PASSWORD, create_user, sign_in_staff, unique_email

pytestmark = pytest.mark.timeout(900)
SHOTS = Path(os.environ.get("CONTENT_SHOTS", "/tmp/content-shots"))
PHONE = {"width": 390, "height": 844}
expect.set_options(timeout=15_000)


def _shoot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _organiser(browser: Browser, live_app) -> Page:
    email = unique_email("organiser")
    create_user(live_app.database_url, email, role="admin")
    page = browser.new_context(base_url=live_app.url).new_page()
    sign_in_staff(page, live_app.database_url, email, PASSWORD)
    return page


def _visitor(browser: Browser, live_app, locale: str) -> Page:
    """A first-time visitor whose browser asks for `locale` (Accept-Language): no language chosen yet."""
    return browser.new_context(base_url=live_app.url, locale=locale).new_page()


def test_an_organiser_writes_french_texts_and_each_visitor_reads_theirs(browser: Browser, live_app) -> None:
    tag = secrets.token_hex(3)
    title, french_title = f"Harbour Lights {tag}", f"Lumières du port {tag}"
    admin = _organiser(browser, live_app)
    admin.goto("/admin/events/edit")
    expect(admin.get_by_role("heading", name="New event", level=1)).to_be_visible()
    expect(admin.get_by_label("Venue")).not_to_have_value("")
    admin.get_by_label("Title", exact=True).fill(title)
    admin.get_by_label("Description", exact=True).fill("Fireworks over the harbour.")
    expect(admin.get_by_label("Main language")).to_have_value("en")
    admin.get_by_label("Starts (local time)").fill("2031-07-14T21:00")
    admin.get_by_label("Ends (local time)").fill("2031-07-14T23:30")
    first_type = admin.get_by_role("group", name="Ticket type 1")
    first_type.get_by_label("Name").fill("Standard")
    first_type.get_by_label("Price").fill("15")
    first_type.get_by_label("Capacity").fill("200")

    others = admin.get_by_role("group", name="Other languages")
    others.get_by_label("Texts in").select_option("fr")
    others.get_by_label("Title (Français)").fill(french_title)
    others.get_by_label("Description (Français)").fill("Un feu d’artifice sur le port.")
    others.get_by_label("Ticket type 1 (Français)").fill("Tarif normal")
    _shoot(admin, "event-form-french-desktop")
    admin.set_viewport_size(PHONE)
    _shoot(admin, "event-form-french-phone")
    assert admin.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    admin.get_by_role("button", name="Save event").click()
    expect(admin.get_by_role("heading", name="Edit event", level=1)).to_be_visible()
    expect(admin.get_by_role("status").filter(has_text="Saved.")).to_be_visible()
    admin.get_by_role("button", name="Publish").click()
    expect(admin.get_by_role("status").filter(has_text="Event published.")).to_be_visible()
    # Reopened, the form shows what was stored.
    admin.reload()
    others = admin.get_by_role("group", name="Other languages")
    others.get_by_label("Texts in").select_option("fr")
    expect(others.get_by_label("Title (Français)")).to_have_value(french_title)
    expect(others.get_by_label("Ticket type 1 (Français)")).to_have_value("Tarif normal")

    french = _visitor(browser, live_app, "fr-FR")
    french.goto(f"/events?q={tag}")
    french.get_by_role("link", name=french_title).click()
    expect(french.get_by_role("heading", name=french_title, level=1)).to_be_visible()
    expect(french.get_by_text("Un feu d’artifice sur le port.")).to_be_visible()
    expect(french.get_by_label("Quantité de Tarif normal")).to_be_visible()
    expect(french).to_have_title(re.compile(re.escape(french_title)))
    french.get_by_role("button", name="Ajouter au panier : Tarif normal").click()
    expect(french.get_by_text("1 billet ajouté à votre panier.")).to_be_visible()
    french.goto("/cart")
    expect(french.get_by_text(french_title).first).to_be_visible()
    # The search matches the translated title too.
    french.goto("/events?q=" + "lumieres du port")
    expect(french.get_by_role("link", name=french_title)).to_be_visible()
    _shoot(french, "event-fr")
    french.context.close()

    english = _visitor(browser, live_app, "en-US")
    english.goto(f"/events?q={tag}")
    english.get_by_role("link", name=title).click()
    expect(english.get_by_role("heading", name=title, level=1)).to_be_visible()
    expect(english.get_by_text("Fireworks over the harbour.")).to_be_visible()
    expect(english.get_by_label("Quantity of Standard")).to_be_visible()
    english.context.close()

    german = _visitor(browser, live_app, "de-DE")  # nothing in German: the main language's text
    german.goto(f"/events?q={tag}")
    german.get_by_role("link", name=title).click()
    expect(german.get_by_role("heading", name=title, level=1)).to_be_visible()
    expect(german.get_by_text("Fireworks over the harbour.")).to_be_visible()
    expect(german.locator("html")).to_have_attribute("lang", "de")
    german.context.close()
    admin.context.close()


# Recorded from the page's first script on: the h1 at DOMContentLoaded, and its text on the first frame it is painted.
FIRST_PAINT_PROBE = """
(() => {
  const look = () => {
    const heading = document.querySelector('h1');
    return heading ? {text: heading.textContent.trim(), visible: getComputedStyle(heading).visibility === 'visible'}
                   : null;
  };
  document.addEventListener('DOMContentLoaded', () => { window.__atContentLoaded = look(); });
  const frame = () => {
    const seen = look();
    if (seen && seen.visible && seen.text) { window.__firstPainted = seen.text; return; }
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
})();
"""


@pytest.mark.parametrize(("locale", "heading"), [("fr-FR", "Événements à venir"), ("en-US", "Upcoming events")])
def test_the_first_painted_heading_is_already_in_the_visitors_language(
    browser: Browser, live_app, locale: str, heading: str
) -> None:
    """The prerendered page is English: a French visitor's page is not painted until French is applied."""
    context = browser.new_context(base_url=live_app.url, locale=locale)
    context.add_init_script(FIRST_PAINT_PROBE)
    page = context.new_page()
    page.goto("/", wait_until="domcontentloaded")
    expect(page.get_by_role("heading", name=heading, level=1)).to_be_visible()
    page.wait_for_function("() => window.__firstPainted !== undefined")
    at_load = page.evaluate("window.__atContentLoaded")
    assert at_load is not None, "the prerendered page has its h1 at DOMContentLoaded"
    assert not at_load["visible"] or at_load["text"] == heading, at_load  # hidden, or already theirs
    assert page.evaluate("window.__firstPainted") == heading
    if locale.startswith("en"):
        assert at_load["visible"], "an English page is never held back"
    context.close()
