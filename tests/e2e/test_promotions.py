"""Journeys: a buyer applies a promo code in the cart and pays less (an unknown code says so and changes
nothing); an admin creates a code, a buyer follows a link with it, and the admin sees its use."""

from __future__ import annotations

import re
import secrets
from pathlib import Path

from playwright.sync_api import Browser, Page, expect
from sqlmodel import Session

from tests.e2e.accounts_helpers import PASSWORD, create_user, sign_in_staff, unique_email
from tests.e2e.conftest import LiveApp
from ticketapp.db import make_engine
from ticketapp.models import DiscountKind, PromoCode

SHOTS = Path("/tmp/promotions-shots")
DEMO_CARD = "Card — test mode, no real money"


def _make_code(database_url: str, **values: object) -> str:
    code = f"E2E{secrets.token_hex(3).upper()}"
    engine = make_engine(database_url)
    with Session(engine) as session:
        session.add(PromoCode(code=code, kind=DiscountKind.PERCENT_OFF, value=50, **values))
        session.commit()
    engine.dispose()
    return code


def _add_tickets(page: Page, quantity: str) -> None:
    page.get_by_label("Quantity of Standard").select_option(quantity)
    page.get_by_role("button", name="Add to cart: Standard").click()
    expect(page.get_by_text(re.compile(rf"^{quantity} tickets? added to your cart\.$"))).to_be_visible()


def _checkout_and_pay(page: Page, code: str, email: str) -> None:
    page.get_by_role("link", name="Checkout").click()
    expect(page.get_by_text(re.compile(rf"^Discount \({code}\): −€"))).to_be_visible()
    page.get_by_label("Full name").fill("Camille Promo")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("I accept the terms of sale").click()
    page.get_by_label(DEMO_CARD).click()
    page.get_by_role("button", name="Place order and pay").click()
    expect(page.get_by_text(re.compile(rf"^Promo code {code}: −€"))).to_be_visible()  # the demo payment page
    page.get_by_role("button", name=re.compile(r"^Pay €")).click()
    expect(page.get_by_role("heading", name=re.compile(r"^Order [A-Z0-9-]+$"), level=1)).to_be_visible()
    expect(page.get_by_text("Paid", exact=True)).to_be_visible()
    expect(page.get_by_text(re.compile(rf"^Promo code {code}: −€"))).to_be_visible()


def test_a_buyer_applies_a_code_sees_the_discount_and_pays_less(page: Page, live_app: LiveApp) -> None:
    code = _make_code(live_app.database_url)
    page.goto("/events/jazz-a-lyon")
    _add_tickets(page, "2")
    page.goto("/cart")
    total = page.get_by_text(re.compile(r"^Total: "))
    expect(total).to_be_visible()
    full_total = total.inner_text()

    page.get_by_role("textbox", name="Promo code").fill("NOT-A-CODE")
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_text("This promo code does not exist.")).to_be_visible()
    expect(total).to_have_text(full_total)
    expect(page.get_by_text(re.compile(r"^Discount \("))).to_have_count(0)

    page.get_by_role("textbox", name="Promo code").fill(code.lower())
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_text("Promo code applied.")).to_be_visible()
    expect(page.get_by_text(re.compile(rf"^Discount \({code}\): −€"))).to_be_visible()
    expect(page.get_by_text(re.compile(r"^−€[\d.]+ each$"))).to_be_visible()
    expect(total).not_to_have_text(full_total)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=str(SHOTS / "cart-desktop.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(SHOTS / "cart-phone.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})

    _checkout_and_pay(page, code, unique_email("promo-buyer"))
    page.screenshot(path=str(SHOTS / "order-desktop.png"), full_page=True)


def test_an_admin_creates_a_code_a_buyer_uses_it_by_link_and_the_admin_sees_one_use(
    browser: Browser, live_app: LiveApp
) -> None:
    admin = browser.new_context(base_url=live_app.url).new_page()
    email = unique_email("promo-admin")
    create_user(live_app.database_url, email, role="admin")
    sign_in_staff(admin, live_app.database_url, email, PASSWORD)
    admin.goto("/admin/codes")
    admin.get_by_role("navigation", name="Admin").get_by_role("link", name="Promo codes").click()
    expect(admin.get_by_role("heading", name="Promo codes", level=1)).to_be_visible()
    code = f"LINK{secrets.token_hex(3).upper()}"

    form = admin.get_by_role("form", name="Promo code")
    form.get_by_label("Code", exact=True).fill(code)
    form.get_by_label("Discount", exact=True).select_option(label="Percentage off")
    form.get_by_label("Value (percentage, or amount in the event's currency)").fill("150")
    form.get_by_role("button", name="Save code").click()
    expect(admin.get_by_text("A percentage is a whole number from 1 to 100.")).to_be_visible()
    expect(admin.get_by_role("table", name="Promo codes").get_by_text(code)).to_have_count(0)
    form.get_by_label("Value (percentage, or amount in the event's currency)").fill("25")
    form.get_by_label("Maximum uses (empty for no limit)").fill("5")
    form.get_by_role("button", name="Save code").click()
    expect(admin.get_by_text(f"Promo code {code} saved.")).to_be_visible()
    row = admin.get_by_role("row").filter(has_text=code)
    expect(row).to_contain_text("0 / 5")
    expect(row).to_contain_text("All events")

    buyer = browser.new_context(base_url=live_app.url).new_page()
    buyer.goto(f"/events/jazz-a-lyon?code={code.lower()}")
    expect(buyer.get_by_text(f"Promo code {code} will be applied in your cart.")).to_be_visible()
    _add_tickets(buyer, "1")
    buyer.goto("/cart")
    expect(buyer.get_by_text(re.compile(rf"^Discount \({code}\): −€"))).to_be_visible()
    _checkout_and_pay(buyer, code, unique_email("promo-link"))

    admin.reload()
    row = admin.get_by_role("row").filter(has_text=code)
    expect(row).to_contain_text("1 / 5")
    expect(row).to_contain_text(re.compile(r"€\d"))
    admin.screenshot(path=str(SHOTS / "admin-codes-desktop.png"), full_page=True)
    admin.set_viewport_size({"width": 390, "height": 844})
    admin.screenshot(path=str(SHOTS / "admin-codes-phone.png"), full_page=True)
    row.get_by_role("button", name="Deactivate").click()
    admin.get_by_role("alertdialog").get_by_role("button", name="Deactivate").click()
    expect(admin.get_by_text(f"Promo code {code} deactivated.")).to_be_visible()
