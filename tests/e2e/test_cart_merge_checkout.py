"""Issue 4 leftovers: the anonymous cart follows the visitor into their account, checkout knows them."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.accounts_helpers import create_user, sign_in, unique_email
from tests.e2e.shop_helpers import expect_cart_count


def test_anonymous_cart_merges_on_sign_in_and_the_paid_order_is_in_the_account(page: Page, live_app) -> None:
    email = unique_email("merge")
    create_user(live_app.database_url, email)
    name = email.split("@")[0]

    page.goto("/events/lyon-tech-summit")
    page.get_by_label("Quantity of Standard").select_option("2")
    page.get_by_role("button", name="Add to cart: Standard").click()
    expect(page.get_by_text("2 tickets added to your cart.")).to_be_visible()
    expect_cart_count(page, 2)

    sign_in(page, email)
    expect_cart_count(page, 2)
    page.goto("/cart")
    expect(page.get_by_role("heading", name="Your cart", level=1)).to_be_visible()
    expect(page.get_by_role("link", name="Lyon Tech Summit")).to_be_visible()

    page.goto("/checkout")
    expect(page.get_by_label("Full name")).to_have_value(name)
    expect(page.get_by_label("E-mail")).to_have_value(email)
    page.get_by_label("I accept the terms of sale").click()
    page.get_by_label("Card — test mode, no real money").click()
    page.get_by_role("button", name="Place order and pay").click()
    page.get_by_role("button", name=re.compile(r"^Pay €")).click()
    heading = page.get_by_role("heading", name=re.compile(r"^Order [A-Z0-9-]+$"), level=1)
    expect(heading).to_be_visible()
    code = heading.inner_text().removeprefix("Order ").strip()

    page.goto("/account/orders")
    expect(page.get_by_role("heading", name="My orders", level=1)).to_be_visible()
    row = page.get_by_role("row").filter(has_text=code)
    expect(row).to_contain_text("Lyon Tech Summit")
    expect(row).to_contain_text("Paid")
