"""The site header never lays one control over another: signed in as a customer, an agent or an admin, in
every language, on a laptop screen (1280 px) and a small desktop (1024 px) — what does not fit goes under
the menu button instead."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.accounts_helpers import PASSWORD, create_user, sign_in, sign_in_staff, unique_email
from tests.e2e.test_shop_polish import SHOTS

LANGUAGES = ("en", "fr", "es", "de", "it", "ar")
LAPTOP = {"width": 1280, "height": 800}

OVERLAPS = """() => {
  const shown = [...document.querySelectorAll('header a, header button, header select, header input')]
    .filter(e => { const r = e.getBoundingClientRect(); return r.width > 2 && r.height > 2; });
  const hits = [];
  for (let i = 0; i < shown.length; i++) for (let j = i + 1; j < shown.length; j++) {
    const [a, b] = [shown[i], shown[j]];
    if (a.contains(b) || b.contains(a)) continue;
    const [p, q] = [a.getBoundingClientRect(), b.getBoundingClientRect()];
    if (p.left < q.right - 1 && q.left < p.right - 1 && p.top < q.bottom - 1 && q.top < p.bottom - 1)
      hits.push([a.textContent.trim() || a.getAttribute('aria-label') || a.id, b.textContent.trim() || b.id]);
  }
  return hits;
}"""


def _check_every_language(page: Page, who: str) -> None:
    for width in (LAPTOP["width"], 1024):
        page.set_viewport_size({"width": width, "height": 800})
        for lang in LANGUAGES:
            menu = page.get_by_role("button", name="Menu")
            if menu.is_visible() and menu.get_attribute("aria-expanded") == "false":
                menu.click()
            page.locator("#language-select").select_option(lang)
            expect(page.locator("html")).to_have_attribute("lang", lang)
            overlaps = page.evaluate(OVERLAPS)
            assert overlaps == [], f"{who} header at {width} px in {lang}: controls overlap: {overlaps}"
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), (
                f"{who} header at {width} px in {lang} widens the page"
            )
        page.locator("#language-select").select_option("en")
        expect(page.locator("html")).to_have_attribute("lang", "en")
        page.reload()
        expect(page.get_by_role("banner")).to_be_visible()
    page.set_viewport_size(LAPTOP)
    page.screenshot(path=f"{SHOTS}/header-{who}-1280.png")


@pytest.mark.parametrize("role", ["customer", "agent", "admin"])
def test_the_signed_in_header_fits_in_every_language(browser: Browser, live_app, role: str) -> None:
    context = browser.new_context(base_url=live_app.url, viewport=LAPTOP)
    page = context.new_page()
    try:
        email = unique_email(f"header-{role}")
        if role == "customer":
            create_user(live_app.database_url, email)
            sign_in(page, email)
        else:
            create_user(live_app.database_url, email, role=role)
            sign_in_staff(page, live_app.database_url, email, PASSWORD)
        page.goto("/events")
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        _check_every_language(page, role)
    finally:
        context.close()
