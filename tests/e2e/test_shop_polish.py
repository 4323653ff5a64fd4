"""Rough edges of the shop found by walking it as a new customer (issue 15): header search,
the 404 page, a declined payment, cancelling an unpaid order, the per-customer cap, sign-out."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from playwright.sync_api import Page, expect
from sqlmodel import Session, select

from tests.e2e.accounts_helpers import PASSWORD, create_user, unique_email
from tests.e2e.shop_helpers import expect_cart_count
from tests.e2e.test_crafted_events import WAIT_S, _session_token
from tests.factories import make_order
from ticketapp.db import make_engine
from ticketapp.models import Event, Order, OrderLog, OrderStatus, TicketType
from ticketapp.services.booking.inventory import availability
from ticketapp.state.shop.payment import OrderPaymentState

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

from webbench.site import read_site
from webbench.tab import Tab

SHOTS = "/tmp/shoppolish-shots"
PHONE = {"width": 390, "height": 844}


def _shoot(page: Page, name: str) -> None:
    """Desktop and phone screenshots of the current page, for a person to look at."""
    page.screenshot(path=f"{SHOTS}/{name}-desktop.png", full_page=True)
    size = page.viewport_size
    page.set_viewport_size(PHONE)
    page.screenshot(path=f"{SHOTS}/{name}-phone.png", full_page=True)
    if size:
        page.set_viewport_size(size)


def test_header_search_opens_results_on_enter_and_on_its_button(page: Page) -> None:
    page.goto("/support")
    box = page.get_by_role("searchbox", name="Search events")
    box.fill("jazz")
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"/events/?\?q=jazz$"))
    expect(page.get_by_label("Search", exact=True)).to_have_value("jazz")
    expect(page.get_by_role("link", name="Jazz à Lyon")).to_be_visible()

    page.get_by_role("searchbox", name="Search events").fill("gala")
    page.get_by_role("button", name="Search events").click()
    expect(page).to_have_url(re.compile(r"/events/?\?q=gala$"))
    expect(page.get_by_label("Search", exact=True)).to_have_value("gala")
    _shoot(page, "header-search")


def test_unknown_address_shows_the_site_with_ways_back(page: Page) -> None:
    page.goto("/no-such-page")
    expect(page.get_by_role("heading", name="Page not found", level=1)).to_be_visible()
    expect(page.get_by_role("searchbox", name="Search events")).to_be_visible()  # the site header
    expect(page.get_by_role("contentinfo")).to_be_visible()  # and its footer
    _shoot(page, "not-found")
    page.get_by_label("Language").select_option("fr")
    expect(page.get_by_role("heading", name="Page introuvable", level=1)).to_be_visible()
    page.get_by_role("link", name="Voir tous les événements").click()
    expect(page).to_have_url(re.compile(r"/events$"))


def sign_in(page: Page, email: str) -> None:
    """As accounts_helpers.sign_in, with room for a loaded machine (argon2, redirect, reconnect)."""
    page.goto("/signin")
    page.get_by_label("E-mail", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible(timeout=30_000)


def _add(page: Page, slug: str, quantity: str, type_name: str = "Standard") -> None:
    page.goto(f"/events/{slug}")
    page.get_by_label(f"Quantity of {type_name}").select_option(quantity)
    page.get_by_role("button", name=f"Add to cart: {type_name}").click()


def _check_out(page: Page, method_label: str, email: str = "camille@example.com") -> None:
    page.goto("/checkout")
    page.get_by_label("Full name").fill("Camille Martin")
    page.get_by_label("E-mail").fill(email)
    terms = page.get_by_label("I accept the terms of sale")
    if terms.get_attribute("aria-checked") != "true":  # a "Try again" checkout remembers the first answer
        terms.click()
    expect(terms).to_be_checked()
    page.get_by_label(method_label).click()
    expect(page.get_by_label(method_label)).to_be_checked()
    page.get_by_role("button", name="Place order and pay").click()


DEMO_CARD = "Card — test mode, no real money"


def test_declined_payment_offers_try_again_with_the_same_tickets(page: Page) -> None:
    _add(page, "stand-up-gala", "2")
    expect(page.get_by_text("2 tickets added to your cart.")).to_be_visible()
    _check_out(page, DEMO_CARD)
    page.get_by_role("button", name="Decline payment").click()
    declined = page.get_by_text("Payment declined", exact=True)
    expect(declined).to_be_visible()
    expect(declined).to_have_attribute("data-accent-color", "red")  # not the colour of "Paid"
    _shoot(page, "payment-declined")

    page.get_by_role("button", name="Try again").click()
    expect(page).to_have_url(re.compile(r"/checkout/?$"))
    expect_cart_count(page, 2)
    page.get_by_label("Full name").fill("Camille Martin")
    page.get_by_label("E-mail").fill("camille@example.com")
    terms = page.get_by_label("I accept the terms of sale")
    if terms.get_attribute("aria-checked") != "true":  # a "Try again" checkout remembers the first answer
        terms.click()
    expect(terms).to_be_checked()
    page.get_by_label(DEMO_CARD).click()
    page.get_by_role("button", name="Place order and pay").click()
    page.get_by_role("button", name=re.compile(r"^Pay €")).click()
    paid = page.get_by_text("Paid", exact=True)
    expect(paid).to_be_visible()
    expect(paid).to_have_attribute("data-accent-color", "green")


def _order_of(database_url: str, code: str) -> tuple[str, list[tuple[str, int | None]]]:
    engine = make_engine(database_url)
    with Session(engine) as session:
        order = session.exec(select(Order).where(Order.code == code)).one()
        log = session.exec(select(OrderLog).where(OrderLog.order_id == order.id).order_by(OrderLog.id)).all()
        found = order.status, [(row.to_status, row.actor_user_id) for row in log]
    engine.dispose()
    return found


def _standard_of(database_url: str, slug: str) -> int:
    engine = make_engine(database_url)
    with Session(engine) as session:
        type_id = session.exec(
            select(TicketType.id)
            .join(Event, Event.id == TicketType.event_id)
            .where(Event.slug == slug, TicketType.name == "Standard")
        ).one()
    engine.dispose()
    return type_id or 0


def _free_seats(database_url: str, type_id: int) -> int:
    engine = make_engine(database_url)
    with Session(engine) as session:
        left = availability(session, [type_id])[type_id].remaining
    engine.dispose()
    return left


def _crafted_cancel(live_app, user_id: int, order_path: str, code: str) -> str:
    """Another customer's tab opens the order's signed link and sends the cancel event itself."""
    name = OrderPaymentState.get_full_name()
    tab = Tab(read_site(live_app.url), cookies={"ta_session": _session_token(live_app.database_url, user_id)})
    try:
        tab.open(order_path, {"code": code}, [])
        tab.wait_for(lambda t: t.get(name, "loaded") is True, WAIT_S, "order page")
        assert tab.get(name, "can_cancel") is False  # no button for them
        tab.send(f"{name}.cancel_order")
        tab.wait_for(lambda t: t.get(name, "error", "") != "", WAIT_S, "refusal")
        return tab.get(name, "error")
    finally:
        tab.close()


def test_buyer_cancels_an_unpaid_order_after_confirming_and_nobody_else_can(page: Page, live_app) -> None:
    email = unique_email("cancel")
    buyer = create_user(live_app.database_url, email)
    sign_in(page, email)
    type_id = _standard_of(live_app.database_url, "beethoven-cycle-i")
    _add(page, "beethoven-cycle-i", "2")
    expect(page.get_by_text("2 tickets added to your cart.")).to_be_visible()
    _check_out(page, "Bank transfer", email=email)
    expect(page.get_by_text("Awaiting your transfer", exact=True)).to_be_visible()
    code = page.get_by_role("heading", level=1).inner_text().removeprefix("Order ").strip()
    free_before = _free_seats(live_app.database_url, type_id)

    other = create_user(live_app.database_url, unique_email("intruder"))
    path = page.url.removeprefix(live_app.url)
    assert _crafted_cancel(live_app, other, path, code) == "This order can no longer be cancelled."
    assert _order_of(live_app.database_url, code)[0] == OrderStatus.AWAITING_PAYMENT

    page.get_by_role("button", name="Cancel order").click()
    page.get_by_role("button", name="Keep the order").click()  # changing one's mind changes nothing
    expect(page.get_by_text("Awaiting your transfer", exact=True)).to_be_visible()
    page.get_by_role("button", name="Cancel order").click()
    expect(page.get_by_role("group", name="Cancel order")).to_contain_text("Its tickets will be released")
    _shoot(page, "cancel-confirm")
    page.get_by_role("button", name="Yes, cancel the order").click()
    expect(page.get_by_text("Cancelled", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Cancel order")).to_have_count(0)
    status, log = _order_of(live_app.database_url, code)
    assert status == OrderStatus.CANCELLED and log[-1] == (OrderStatus.CANCELLED, buyer)
    assert _free_seats(live_app.database_url, type_id) == free_before + 2


def test_cap_per_customer_is_enforced_when_adding_to_the_cart(page: Page, live_app) -> None:
    email = unique_email("capped")
    buyer = create_user(live_app.database_url, email)
    engine = make_engine(live_app.database_url)
    with Session(engine, expire_on_commit=False) as session:
        event = session.exec(select(Event).where(Event.slug == "kendo-championship")).one()
        event.max_tickets_per_customer = 4
        session.add(event)
        session.commit()
        standard = session.get(TicketType, _standard_of(live_app.database_url, "kendo-championship"))
        make_order(session, [(standard, 3)], user_id=buyer, buyer_email=email)
    engine.dispose()
    sign_in(page, email)
    _add(page, "kendo-championship", "2")
    expect(page.get_by_text("At most 4 tickets per customer for this event: you can add 1 more.")).to_be_visible()
    expect_cart_count(page, 0)
    _shoot(page, "cap-message")
    _add(page, "kendo-championship", "1")
    expect(page.get_by_text("1 ticket added to your cart.")).to_be_visible()
    expect_cart_count(page, 1)


def test_sign_out_clears_the_cart_shown_in_the_browser(page: Page, live_app) -> None:
    email = unique_email("leaver")
    create_user(live_app.database_url, email)
    sign_in(page, email)
    _add(page, "lyon-tech-summit", "1")
    expect(page.get_by_text("1 ticket added to your cart.")).to_be_visible()
    expect_cart_count(page, 1)
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()
    expect_cart_count(page, 0)
    page.goto("/cart")
    expect(page.get_by_role("heading", name="Your cart", level=1)).to_be_visible()
    expect_cart_count(page, 0)
    expect(page.get_by_text("Lyon Tech Summit")).to_have_count(0)


def test_password_fields_have_a_show_password_toggle(page: Page) -> None:
    page.goto("/signin")
    password = page.get_by_label("Password", exact=True)
    toggle = page.get_by_role("button", name="Show password")
    password.fill("secret words")
    expect(password).to_have_attribute("type", "password")
    expect(toggle).to_have_attribute("aria-pressed", "false")
    toggle.click()
    expect(password).to_have_attribute("type", "text")
    expect(toggle).to_have_attribute("aria-pressed", "true")
    expect(password).to_have_value("secret words")
    _shoot(page, "show-password")
    toggle.click()
    expect(password).to_have_attribute("type", "password")
    page.goto("/signup")
    expect(page.get_by_role("button", name="Show password").first).to_have_attribute("aria-pressed", "false")
