"""A ticket bought with the keyboard alone: home → event → add → cart → checkout → demo payment → paid order."""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page, expect

# Generous: earlier tests may have published more events on the home page before the one we buy.
MAX_TABS = 300


def tab_to(page: Page, target: Locator) -> None:
    """Press Tab until `target` has focus (fails if it is not reachable in the tab order)."""
    for _ in range(MAX_TABS):
        if target.evaluate("el => el === document.activeElement"):
            return
        page.keyboard.press("Tab")
    expect(target).to_be_focused()


def test_a_ticket_bought_with_the_keyboard_only(page: Page) -> None:
    page.goto("/")
    expect(page.get_by_role("heading", name="Upcoming events", level=1)).to_be_visible()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # the skip link
    expect(page.locator("main")).to_be_focused()

    tab_to(page, page.get_by_role("link", name="Jazz à Lyon"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Jazz à Lyon", level=1)).to_be_focused()
    tab_to(page, page.get_by_role("button", name="Add to cart: Standard"))
    page.keyboard.press("Enter")
    expect(page.get_by_text("1 ticket added to your cart.")).to_be_visible()

    tab_to(page, page.get_by_role("link", name="View cart"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Your cart", level=1)).to_be_focused()
    tab_to(page, page.get_by_role("link", name="Checkout"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Checkout", level=1)).to_be_focused()

    tab_to(page, page.get_by_label("Full name"))
    page.keyboard.type("Camille Clavier")
    tab_to(page, page.get_by_label("E-mail"))
    page.keyboard.type("clavier@example.com")
    tab_to(page, page.get_by_role("checkbox", name="I accept the terms of sale"))
    page.keyboard.press("Space")
    expect(page.get_by_role("checkbox", name="I accept the terms of sale")).to_be_checked()
    methods = page.get_by_role("group", name="Payment method").get_by_role("radio")
    demo = page.get_by_label("Card — test mode, no real money")
    for _ in range(MAX_TABS):  # into the radio group (Tab stops once, on its checked or first radio)
        if page.evaluate("() => document.activeElement?.name === 'payment-method'"):
            break
        page.keyboard.press("Tab")
    focused_method = page.locator("input[name='payment-method']:focus")
    for _ in range(methods.count()):
        if demo.is_checked():
            break
        page.keyboard.press("ArrowDown")
        # The radios follow the server's choice: wait until the one the arrow moved to shows as chosen,
        # as a person would, before pressing again (a quick second press skips past it).
        expect(focused_method).to_be_checked()
    expect(demo).to_be_checked()
    tab_to(page, page.get_by_role("button", name="Place order and pay"))
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name="Test payment", level=1)).to_be_visible()
    tab_to(page, page.get_by_role("button", name=re.compile(r"^Pay €")))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name=re.compile(r"^Order [A-Z0-9-]+$"), level=1)).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="Payment confirmed")).to_contain_text("clavier@example.com")
