"""Issue 15: on a 390 px phone a ~60-character e-mail address stays inside its box — the account, the checkout,
the order pages and the admin's people and order pages — wrapped in text, elided in a field (whole on focus)."""

from __future__ import annotations

import re
import secrets

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.accounts_helpers import PASSWORD, create_user, sign_in_staff
from tests.e2e.test_shop_polish import _add, sign_in

pytestmark = pytest.mark.timeout(900)
PHONE = {"width": 390, "height": 844}
SHOTS = "/tmp/long-email-shots"

# Every innermost element showing `email` whose box sticks out of the viewport or of its parent's box.
STICKING_OUT = """(email) => [...document.querySelectorAll('body *')]
  .filter(el => (el.textContent || '').includes(email)
                && ![...el.children].some(child => (child.textContent || '').includes(email)))
  .filter(el => !el.closest('.visually-hidden, .sr-only'))
  .filter(el => {
    const right = el.getBoundingClientRect().right;
    const parent = el.parentElement.getBoundingClientRect().right;
    // A table that scrolls sideways on purpose may be wider than the screen, never than its own cells.
    return right > (el.closest('.table-scroll') ? parent : Math.min(window.innerWidth, parent)) + 1;
  })
  .map(el => `${el.tagName.toLowerCase()}.${[...el.classList].join('.')} → ${el.getBoundingClientRect().right}px`)"""


def _long_email() -> str:
    address = f"jean-christophe.de-la-fontaine-martin.{secrets.token_hex(3)}@example-mail.com"
    assert 58 <= len(address) <= 64
    return address


def _fits(page: Page, email: str, where: str) -> None:
    page.screenshot(path=f"{SHOTS}/{where}.png", full_page=True)
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{where}: the page is {width}px wide"
    assert page.evaluate(STICKING_OUT, email) == [], where


def test_a_long_address_fits_on_a_phone_everywhere_it_is_shown(browser: Browser, live_app) -> None:
    email = _long_email()
    create_user(live_app.database_url, email)
    buyer = browser.new_context(base_url=live_app.url).new_page()
    sign_in(buyer, email)  # at desktop size (on a phone "Sign out" is in the menu), then the phone
    buyer.set_viewport_size(PHONE)
    buyer.goto("/account")
    expect(buyer.get_by_text(email)).to_be_visible()
    _fits(buyer, email, "account")

    _add(buyer, "stand-up-gala", "1")
    expect(buyer.get_by_text("1 ticket added to your cart.")).to_be_visible()
    buyer.goto("/checkout")
    field = buyer.get_by_label("E-mail")
    expect(field).to_have_value(email)
    _fits(buyer, email, "checkout")
    box = field.bounding_box()
    assert box is not None and box["x"] + box["width"] <= PHONE["width"]
    # The field is narrower than the address: elided, and all of it is there to read and edit.
    assert field.evaluate("el => el.scrollWidth > el.clientWidth")
    assert field.evaluate("el => getComputedStyle(el).textOverflow") == "ellipsis"
    buyer.get_by_label("Full name").fill("Jean-Christophe de la Fontaine-Martin")
    buyer.get_by_label("I accept the terms of sale").click()
    buyer.get_by_label("Bank transfer").click()
    buyer.get_by_role("button", name="Place order and pay").click()
    heading = buyer.get_by_role("heading", name=re.compile(r"^Order [A-Z0-9-]+$"), level=1)
    expect(heading).to_be_visible()
    code = heading.inner_text().removeprefix("Order ").strip()
    expect(buyer.get_by_text(email).first).to_be_visible()
    _fits(buyer, email, "order-page")
    buyer.goto(f"/account/orders/{code}")
    expect(buyer.get_by_text(email, exact=False).first).to_be_visible()
    _fits(buyer, email, "account-order")
    buyer.context.close()

    admin_email = f"admin.{secrets.token_hex(3)}@example.com"
    create_user(live_app.database_url, admin_email, role="admin")
    admin = browser.new_context(base_url=live_app.url).new_page()
    sign_in_staff(admin, live_app.database_url, admin_email, PASSWORD)
    admin.set_viewport_size(PHONE)
    admin.goto("/admin/customers")
    admin.get_by_label("Name or e-mail").fill(email)
    expect(admin.get_by_role("cell", name=email)).to_be_visible()
    _fits(admin, email, "admin-customers")
    admin.goto(f"/admin/orders/{code}")
    expect(admin.get_by_role("heading", name=f"Order {code}", level=1)).to_be_visible()
    expect(admin.get_by_text(email).first).to_be_visible()
    _fits(admin, email, "admin-order")
    admin.context.close()
