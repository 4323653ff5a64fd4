"""Journeys: pay with the demo provider (pay / decline), with Stripe (redirect, then the
webhook confirms the order live on the page), and choose a bank transfer."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.conftest import E2E_WEBHOOK_SECRET, LiveApp
from tests.fakes.stripe_api import FakeStripe, event_payload, post_signed_webhook


def _book_and_checkout(page: Page, slug: str, method_label: str, quantity: str = "2") -> None:
    page.goto(f"/events/{slug}")
    page.get_by_label("Quantity of Standard").select_option(quantity)
    page.get_by_role("button", name="Add to cart: Standard").click()
    expect(page.get_by_text(re.compile(rf"^{quantity} tickets? added to your cart\.$"))).to_be_visible()
    page.goto("/checkout")
    page.get_by_label("Full name").fill("Camille Martin")
    page.get_by_label("E-mail").fill("camille@example.com")
    page.get_by_label("I accept the terms of sale").click()
    page.get_by_label(method_label).click()
    expect(page.get_by_label(method_label)).to_be_checked()
    page.get_by_role("button", name="Place order and pay").click()


def test_demo_payment_confirms_the_order(page: Page) -> None:
    _book_and_checkout(page, "jazz-a-lyon", "Card — test mode, no real money")
    expect(page.get_by_role("heading", name="Test payment", level=1)).to_be_visible()
    expect(page.get_by_role("note")).to_contain_text("No real money is taken")
    page.get_by_role("button", name=re.compile(r"^Pay €")).click()
    expect(page.get_by_role("heading", name=re.compile(r"^Order [A-Z0-9-]+$"), level=1)).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="Payment confirmed")).to_contain_text("camille@example.com")
    expect(page.get_by_text("Paid", exact=True)).to_be_visible()
    # The demo page cannot be used a second time for the same order.
    page.go_back()
    expect(page.get_by_text("This order cannot be paid here any more.")).to_be_visible()


def test_demo_payment_declined_releases_the_order(page: Page) -> None:
    _book_and_checkout(page, "stand-up-gala", "Card — test mode, no real money", quantity="1")
    page.get_by_role("button", name="Decline payment").click()
    expect(page.get_by_text("The payment was declined and the tickets were released.")).to_be_visible()
    expect(page.get_by_text("Payment declined", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("^Pay"))).to_have_count(0)


def _post_webhook(app: LiveApp, payload: bytes) -> dict:
    return post_signed_webhook(app.url, payload, E2E_WEBHOOK_SECRET)


def test_stripe_redirect_then_webhook_confirms_live(page: Page, live_app: LiveApp, stripe_service: FakeStripe) -> None:
    _book_and_checkout(page, "fillmore-revival", "Card, wallet or bank (secure payment by Stripe)")
    expect(page.get_by_role("heading", name="Stripe Checkout (test double)")).to_be_visible()
    session = stripe_service.sessions[page.url.rsplit("/", 1)[-1]]
    assert session["currency"] == "usd" and session["customer_email"] == "camille@example.com"

    # Back on the shop before Stripe's webhook: the page waits, then updates by itself.
    page.get_by_role("link", name="Back to the shop").click()
    expect(page.get_by_text("Waiting for the payment confirmation…")).to_be_visible()
    completed = {**session, "status": "complete", "payment_status": "paid"}
    assert _post_webhook(live_app, event_payload("checkout.session.completed", completed))["outcome"] == "paid"
    expect(page.get_by_role("status").filter(has_text="Payment confirmed")).to_be_visible()
    expect(page.get_by_text("Paid", exact=True)).to_be_visible()


def test_bank_transfer_shows_instructions(page: Page) -> None:
    _book_and_checkout(page, "tokyo-city-pop-night", "Bank transfer", quantity="1")
    expect(page.get_by_text("Awaiting your transfer", exact=True)).to_be_visible()
    code = page.get_by_role("heading", level=1).inner_text().removeprefix("Order ").strip()
    expect(page.get_by_text("IBAN")).to_be_visible()
    expect(page.locator("dd").filter(has_text=code)).to_be_visible()
    expect(page.get_by_text(re.compile(r"Your tickets stay reserved until"))).to_be_visible()


def test_tampered_order_link_shows_not_found(page: Page) -> None:
    page.goto("/orders/TK-AAAAAA/status?s=0000")
    expect(page.get_by_role("heading", name="Order not found")).to_be_visible()
    page.goto("/pay/demo/TK-AAAAAA?s=forged")
    expect(page.get_by_text("This order cannot be paid here any more.")).to_be_visible()
