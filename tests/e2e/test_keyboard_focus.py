"""Keyboard and screen-reader journeys: the skip link, focus and tab titles across page changes, the chat panel."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect


def test_skip_link_moves_focus_to_the_main_content(page: Page) -> None:
    page.goto("/")
    expect(page.get_by_role("heading", name="Upcoming events", level=1)).to_be_visible()
    # The heading is in the prerendered HTML; the events arrive once the page is live. Start then, as a person
    # would once the page has loaded (keys pressed during hydration may be lost with the nodes React replaces).
    expect(page.locator("main").get_by_role("link").first).to_be_visible()
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    # The next Tab starts in the content, after the header.
    page.keyboard.press("Tab")
    expect(page.locator("main :focus")).to_have_count(1)


def test_page_changes_focus_the_new_heading_and_name_the_tab(page: Page) -> None:
    page.goto("/")
    expect(page.get_by_role("heading", name="Upcoming events", level=1)).to_be_visible()
    expect(page).to_have_title("Upcoming events · Ticketapp")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Events").click()
    expect(page.get_by_role("heading", name="Find events", level=1)).to_be_focused()
    expect(page).to_have_title("Find events · Ticketapp")

    page.get_by_role("link", name=re.compile(r"^Cart")).click()
    expect(page.get_by_role("heading", name="Your cart", level=1)).to_be_focused()
    expect(page).to_have_title("Cart · Ticketapp")

    page.get_by_label("Language").select_option("fr")
    expect(page).to_have_title("Panier · Ticketapp")
    page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Support").click()
    expect(page.get_by_role("heading", level=1)).to_be_focused()
    expect(page).to_have_title("Support · Ticketapp")


def test_cart_count_is_announced_with_words(page: Page) -> None:
    page.goto("/")
    expect(page.get_by_role("link", name=re.compile(r"^Cart"))).to_have_accessible_name("Cart 0 tickets")


def test_chat_opens_with_enter_and_closes_with_escape(page: Page) -> None:
    page.goto("/")
    expect(page.get_by_role("heading", name="Upcoming events", level=1)).to_be_visible()
    launcher = page.get_by_role("button", name="Chat with us")
    launcher.focus()
    page.keyboard.press("Enter")
    panel = page.get_by_role("region", name="Chat with support")
    expect(panel.get_by_role("heading", name="Chat with support")).to_be_focused()
    page.keyboard.press("Tab")
    expect(panel.get_by_role("button", name="Close chat")).to_be_focused()
    page.keyboard.press("Tab")
    expect(panel.locator(":focus")).to_have_count(1)
    page.keyboard.press("Escape")
    expect(panel).to_have_count(0)
    expect(launcher).to_be_focused()
    expect(launcher).to_have_attribute("aria-expanded", "false")
