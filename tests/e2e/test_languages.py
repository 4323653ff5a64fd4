"""Journeys in the new languages: a visitor switches to Arabic (the page turns right to left) and buys a ticket
with the demo payment; a German browser gets German on its first visit (Accept-Language, region variant)."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Browser, Locator, Page, expect

from tests.e2e.accounts_helpers import create_user, find_user, sign_in, unique_email
from tests.e2e.conftest import LiveApp
from ticketapp.i18n import gettext, translate

SHOTS = Path("/tmp/languages-shots")
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def ar(message: str, **values: object) -> str:
    return translate("ar", message, **values) if values else gettext("ar", message)


def _shoot(page: Page, name: str) -> None:
    """Desktop and phone screenshots of the page as it is now (looked at by hand, kept under /tmp)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size(DESKTOP)
    page.screenshot(path=SHOTS / f"{name}-desktop.png", full_page=True)
    page.set_viewport_size(PHONE)
    page.screenshot(path=SHOTS / f"{name}-phone.png", full_page=True)
    page.set_viewport_size(DESKTOP)


def test_arabic_visitor_sees_the_shop_right_to_left_and_buys_a_ticket(page: Page) -> None:
    page.goto("/")
    expect(page.get_by_role("heading", name="Upcoming events", level=1)).to_be_visible()  # the page is live
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    page.get_by_label("Language").select_option("ar")
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.get_by_role("heading", name=ar("Upcoming events"))).to_be_visible()
    # The menu names each language in its own name, whatever the page's language.
    expect(page.get_by_label(ar("Language")).get_by_role("option", name="Deutsch")).to_have_count(1)
    expect(page.get_by_label(ar("Language")).get_by_role("option", name="العربية")).to_have_count(1)
    _shoot(page, "ar-home")

    page.goto("/events/jazz-a-lyon")
    expect(page.get_by_role("heading", name="Jazz à Lyon", level=1)).to_be_visible()
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    page.get_by_label(ar("Quantity of {type}", type="Standard")).select_option("1")
    page.get_by_role("button", name=ar("Add to cart: {type}", type="Standard")).click()
    expect(page.get_by_text(ar("1 ticket added to your cart."))).to_be_visible()
    _shoot(page, "ar-event")

    page.get_by_role("link", name=ar("View cart")).click()
    expect(page.get_by_role("heading", name=ar("Your cart"), level=1)).to_be_visible()
    _shoot(page, "ar-cart")

    page.goto("/checkout")
    expect(page.get_by_role("heading", name=ar("Order summary"), level=2)).to_be_visible()
    page.get_by_label(ar("Full name")).fill("ليلى حداد")
    page.get_by_label(ar("E-mail"), exact=True).fill("layla@example.com")
    page.get_by_label(ar("I accept the terms of sale")).click()
    page.get_by_label(ar("Card — test mode, no real money")).click()
    _shoot(page, "ar-checkout")
    page.get_by_role("button", name=ar("Place order and pay")).click()

    expect(page.get_by_role("heading", name=ar("Test payment"), level=1)).to_be_visible()
    page.get_by_role("button", name=re.compile(rf"^{re.escape(ar('Pay'))}\s")).click()
    expect(
        page.get_by_role("heading", name=re.compile(rf"^{re.escape(ar('Order'))} [A-Z0-9-]+$"), level=1)
    ).to_be_visible()
    confirmed = page.get_by_role("status").filter(has_text=ar("Payment confirmed! Your confirmation has been sent to"))
    expect(confirmed).to_contain_text("layla@example.com")
    expect(page.get_by_text(ar("Paid"), exact=True)).to_be_visible()
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    _shoot(page, "ar-order")


def test_a_german_browser_gets_german_on_its_first_visit(browser: Browser, live_app: LiveApp) -> None:
    context = browser.new_context(
        base_url=live_app.url, extra_http_headers={"Accept-Language": "de-AT,de;q=0.9,en;q=0.5"}
    )
    page = context.new_page()
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "de")
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    expect(page.get_by_role("heading", name=gettext("de", "Upcoming events"))).to_be_visible()
    expect(page.get_by_label(gettext("de", "Language"))).to_have_value("de")
    # An explicit choice then wins over the browser's wish, on this page and the next.
    page.get_by_label(gettext("de", "Language")).select_option("es")
    expect(page.get_by_role("heading", name=gettext("es", "Upcoming events"))).to_be_visible()
    page.goto("/events")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    context.close()


def test_the_page_has_the_visitors_language_and_direction_from_its_first_byte(
    browser: Browser, live_app: LiveApp
) -> None:
    """No English, left-to-right start for an Arabic, French or German visitor: the served HTML already says theirs."""
    context = browser.new_context(base_url=live_app.url, extra_http_headers={"Accept-Language": "de-DE,de;q=0.9"})
    page = context.new_page()
    first = page.goto("/events")
    assert first is not None and first.text().startswith('<!DOCTYPE html><html lang="de" dir="ltr">')
    context.add_cookies([{"name": "lang", "value": "ar", "url": live_app.url}])  # a choice beats the browser's
    first = page.goto("/")
    assert first is not None and first.text().startswith('<!DOCTYPE html><html lang="ar" dir="rtl">')
    expect(page.get_by_role("heading", name=ar("Upcoming events"), level=1)).to_be_visible()
    expect(page.locator("html")).to_have_attribute("dir", "rtl")  # and the app keeps it once live
    page.get_by_label(ar("Language")).select_option("fr")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    first = page.reload()  # the new choice on the next load, not a cached page of the old one
    assert first is not None and first.text().startswith('<!DOCTYPE html><html lang="fr" dir="ltr">')
    context.close()


def test_the_toast_region_is_named_in_the_visitors_language(browser: Browser, live_app: LiveApp) -> None:
    """sonner's region sits outside the app's state: its name follows `<html lang>` (components/toaster.py)."""
    context = browser.new_context(base_url=live_app.url, locale="de-DE")
    page = context.new_page()
    page.goto("/")
    expect(page.get_by_role("heading", name=gettext("de", "Upcoming events"))).to_be_visible()
    expect(page.get_by_role("region", name=re.compile(r"^Benachrichtigungen alt\+T$"))).to_have_count(1)
    expect(page.get_by_role("region", name=re.compile(r"^Notifications"))).to_have_count(0)
    page.get_by_label(gettext("de", "Language")).select_option("es")  # and follows a switch, without a reload
    expect(page.get_by_role("region", name=re.compile(r"^Notificaciones alt\+T$"))).to_have_count(1)
    context.close()


def test_the_profile_shows_the_language_in_use_and_saving_sets_both(browser: Browser, live_app: LiveApp) -> None:
    email = unique_email("profile-language")
    create_user(live_app.database_url, email)  # stored language: English
    page = browser.new_context(base_url=live_app.url).new_page()
    sign_in(page, email)

    def header_menu(lang: str) -> Locator:
        return page.get_by_role("banner").get_by_label(gettext(lang, "Language"))

    def profile_language(lang: str) -> Locator:
        return page.get_by_role("region", name=gettext(lang, "Profile")).get_by_label(gettext(lang, "Language"))

    page.goto("/account")
    expect(profile_language("en")).to_have_value("en")
    header_menu("en").select_option("fr")  # the header's menu: French from now on, not stored yet
    expect(profile_language("fr")).to_have_value("fr")  # the profile follows the language in use
    page.reload()
    expect(profile_language("fr")).to_have_value("fr")  # the cookie's, not the stored "en"
    user = find_user(live_app.database_url, email)
    assert user is not None and user.locale == "en"
    profile_language("fr").select_option("it")
    page.get_by_role("region", name=gettext("fr", "Profile")).get_by_role(
        "button", name=gettext("fr", "Save profile")
    ).click()
    expect(page.locator("html")).to_have_attribute("lang", "it")  # saving sets the page's language…
    expect(profile_language("it")).to_have_value("it")
    user = find_user(live_app.database_url, email)
    assert user is not None and user.locale == "it"  # …and the stored one
    page.context.close()
