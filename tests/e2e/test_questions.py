"""Journey: an admin adds a required question to an event; a buyer who leaves it empty is told at the field,
answers it, pays with the demo card and may change the answer on the order page; the admin sees the answer
on the order."""

from __future__ import annotations

import re
import secrets
from pathlib import Path

from playwright.sync_api import Browser, Page, expect
from sqlmodel import Session

from tests.e2e.accounts_helpers import PASSWORD, create_user, sign_in_staff, unique_email
from tests.e2e.conftest import LiveApp
from tests.e2e.test_reflow import NARROW, OVERFLOWING
from tests.factories import make_event
from ticketapp.db import make_engine

SHOTS = Path("/tmp/questions-shots")
DEMO_CARD = "Card — test mode, no real money"
QUESTION = "Dietary needs"


def _event(database_url: str) -> tuple[int, str]:
    """An event of this test's own (a required question on a seeded event would stop other journeys)."""
    engine = make_engine(database_url)
    with Session(engine) as session:
        event, _ = make_event(session, title=f"Questions night {secrets.token_hex(2)}")
        session.commit()
        found = (event.id or 0, event.slug)
    engine.dispose()
    return found


def _reflows(page: Page, name: str) -> None:
    """At 320 px the page scrolls only vertically (tables scroll in their own box); shots at 390 px."""
    page.set_viewport_size(NARROW)
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= NARROW["width"], f"{name} is {width}px wide at 320px: {page.evaluate(OVERFLOWING)}"
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(SHOTS / f"{name}-phone.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_a_required_question_is_asked_at_checkout_and_its_answer_reaches_the_order(
    browser: Browser, live_app: LiveApp
) -> None:
    SHOTS.mkdir(exist_ok=True)
    event_id, slug = _event(live_app.database_url)
    admin = browser.new_context(base_url=live_app.url).new_page()
    email = unique_email("questions-admin")
    create_user(live_app.database_url, email, role="admin")
    sign_in_staff(admin, live_app.database_url, email, PASSWORD)
    admin.goto(f"/admin/events/edit?id={event_id}")
    admin.get_by_role("link", name="Checkout questions").click()
    expect(admin.get_by_role("heading", name=re.compile(r"^Questions · Questions night"), level=1)).to_be_visible()

    form = admin.get_by_role("form", name="Question")
    form.get_by_label("Question", exact=True).fill(QUESTION)
    form.get_by_label("Answer", exact=True).select_option(label="One choice")
    form.get_by_label("Options, one per line (for a choice)").fill("Only one")
    form.get_by_role("button", name="Save question").click()  # a choice of one: refused, nothing saved
    expect(admin.get_by_text(re.compile(r"^A choice needs 2 to 30 options"))).to_be_visible()
    expect(admin.get_by_text("No questions yet", exact=False)).to_be_visible()
    expect(form.get_by_label("Question", exact=True)).to_have_value(QUESTION)  # the form kept what was typed
    form.get_by_label("Answer", exact=True).select_option(label="Short text")
    form.get_by_label("Help text (optional)").fill("Vegan, halal, allergies…")
    form.get_by_label("Required").check()
    form.get_by_role("button", name="Save question").click()
    expect(admin.get_by_text(f"Question “{QUESTION}” saved.")).to_be_visible()
    expect(admin.get_by_role("table", name="Questions").get_by_role("row").filter(has_text=QUESTION)).to_contain_text(
        "Required"
    )
    admin.screenshot(path=str(SHOTS / "admin-questions-desktop.png"), full_page=True)
    _reflows(admin, "admin-questions")

    buyer = browser.new_context(base_url=live_app.url).new_page()
    buyer.goto(f"/events/{slug}")
    buyer.get_by_label("Quantity of Standard").select_option("1")
    buyer.get_by_role("button", name="Add to cart: Standard").click()
    expect(buyer.get_by_text("1 ticket added to your cart.")).to_be_visible()
    buyer.goto("/checkout")
    buyer.get_by_label("Full name").fill("Camille Question")
    buyer.get_by_label("E-mail").fill(unique_email("questions-buyer"))
    buyer.get_by_label("I accept the terms of sale").click()
    buyer.get_by_label(DEMO_CARD).click()
    buyer.get_by_role("button", name="Place order and pay").click()

    answer = buyer.get_by_label(f"{QUESTION} (required)")
    expect(buyer.get_by_role("alert")).to_contain_text(f"{QUESTION}: please answer this question.")
    expect(answer).to_have_attribute("aria-invalid", "true")
    expect(answer).to_have_attribute("aria-describedby", re.compile(r"checkout-error"))
    expect(answer).to_be_focused()
    buyer.screenshot(path=str(SHOTS / "checkout-error-desktop.png"), full_page=True)
    _reflows(buyer, "checkout-error")

    answer.fill("Vegan")
    buyer.get_by_role("button", name="Place order and pay").click()
    buyer.get_by_role("button", name=re.compile(r"^Pay €")).click()
    heading = buyer.get_by_role("heading", name=re.compile(r"^Order [A-Z0-9-]+$"), level=1)
    expect(heading).to_be_visible()
    expect(buyer.get_by_text("Paid", exact=True)).to_be_visible()
    code = heading.inner_text().split()[-1]
    mine = buyer.get_by_role("form", name="Your answers").get_by_label(f"{QUESTION} (required)")
    expect(mine).to_have_value("Vegan")
    mine.fill("Vegan, no nuts")
    buyer.get_by_role("button", name="Save my answers").click()
    expect(buyer.get_by_text("Your answers are saved.")).to_be_visible()
    buyer.screenshot(path=str(SHOTS / "order-answers-desktop.png"), full_page=True)
    _reflows(buyer, "order-answers")

    admin.goto(f"/admin/orders/{code}")
    answers = admin.get_by_label("Answers", exact=True)
    expect(answers).to_contain_text(QUESTION)
    expect(answers).to_contain_text("Vegan, no nuts")
    admin.screenshot(path=str(SHOTS / "admin-order-desktop.png"), full_page=True)
