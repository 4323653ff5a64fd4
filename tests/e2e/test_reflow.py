"""Reflow (WCAG 1.4.10): at 320 CSS pixels wide the staff and help pages scroll only vertically."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect
from sqlmodel import Session

from tests.e2e.accounts_helpers import create_user, unique_email
from tests.e2e.support_helpers import sign_in_as_agent
from ticketapp.db import make_engine
from ticketapp.services.support.chat import start_chat

NARROW = {"width": 320, "height": 640}
# Elements sticking out to the right of the viewport, widest first (what to fix when this fails).
OVERFLOWING = """() => [...document.querySelectorAll('body *')]
  .filter(el => el.getBoundingClientRect().right > window.innerWidth + 1)
  .filter(el => !el.closest('.table-scroll, .sr-only, .visually-hidden, .skip-link'))
  .map(el => {
    const classes = [...el.classList].slice(0, 3).join('.');
    const right = Math.round(el.getBoundingClientRect().right);
    const text = (el.textContent || el.getAttribute('aria-label') || '').trim().slice(0, 30);
    return `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}.${classes} "${text}" → ${right}px`;
  })
  .slice(0, 12)"""


def _a_waiting_chat(database_url: str) -> None:
    engine = make_engine(database_url)
    with Session(engine) as session:
        start_chat(session, None, guest_name="Maximilienne Narrow-Screen", guest_email="narrow.screen@example.com")
    engine.dispose()


@pytest.mark.parametrize("path", ["/support", "/agent", "/checkin"])
def test_page_reflows_at_320_pixels(browser: Browser, live_app, path: str) -> None:
    context = browser.new_context(base_url=live_app.url, viewport=NARROW)
    try:
        page = context.new_page()
        if path == "/agent":
            _a_waiting_chat(live_app.database_url)  # its table must fit too
            # The agent pickers list every agent: a long name must not widen the page either.
            create_user(
                live_app.database_url, unique_email("maximilienne-alexandrine-de-la-tour-montgolfier"), role="agent"
            )
            page.set_viewport_size({"width": 1280, "height": 800})  # sign in at desktop size, then narrow
            sign_in_as_agent(page, live_app.database_url)
            page.set_viewport_size(NARROW)
        page.goto(path)
        expect(page.locator("main h1").first).to_be_visible(timeout=15_000)
        expect(page.locator("main .rt-Spinner")).to_have_count(0, timeout=15_000)
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= NARROW["width"], f"{path} is {width}px wide at 320px: {page.evaluate(OVERFLOWING)}"
    finally:
        context.close()


def test_agent_panel_reflows_at_200_percent_zoom(browser: Browser, live_app) -> None:
    """A 1280 px window zoomed to 200 %: 640 CSS pixels at twice the pixel density, scrolling only vertically."""
    zoomed = {"width": 640, "height": 400}
    context = browser.new_context(base_url=live_app.url, viewport=zoomed, device_scale_factor=2)
    try:
        page = context.new_page()
        _a_waiting_chat(live_app.database_url)
        page.set_viewport_size({"width": 1280, "height": 800})
        sign_in_as_agent(page, live_app.database_url)
        page.set_viewport_size(zoomed)
        page.goto("/agent")
        expect(page.locator("main h1").first).to_be_visible(timeout=15_000)
        expect(page.locator("main .rt-Spinner")).to_have_count(0, timeout=15_000)
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= zoomed["width"], f"/agent is {width}px wide at 200 %: {page.evaluate(OVERFLOWING)}"
    finally:
        context.close()


def test_text_only_zoom_enlarges_the_text(page) -> None:
    """A visitor's larger default font size (text-only zoom) reaches the text: sizes are in rem, not px."""
    page.goto("/")
    heading, body_text = page.locator("main h1").first, page.locator("main p").first
    expect(heading).to_be_visible(timeout=15_000)
    size = "el => parseFloat(getComputedStyle(el).fontSize)"
    before = (heading.evaluate(size), body_text.evaluate(size))
    page.add_style_tag(content="html { font-size: 200%; }")  # what a 32 px default font size does
    after = (heading.evaluate(size), body_text.evaluate(size))
    assert after == (before[0] * 2, before[1] * 2), (before, after)
