"""Hidden ticket types: the organiser adds a hidden type and a code that unlocks it; a buyer without the code
does not see it, a buyer with the link (or the code typed on the event page) sees it and buys it; a crafted
websocket event adding it without the code is refused and holds nothing."""

from __future__ import annotations

import re
import secrets
import sys
from pathlib import Path

from playwright.sync_api import Browser, Page, expect
from sqlmodel import Session

from tests.e2e.accounts_helpers import PASSWORD, create_user, sign_in_staff, unique_email
from tests.e2e.conftest import LiveApp
from tests.factories import add_type, make_event
from ticketapp.db import make_engine
from ticketapp.models import TicketType
from ticketapp.state.shop.cart import CartState
from ticketapp.state.shop.catalog import EventPageState

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

from webbench.shop import LAYOUT_ON_MOUNT, call
from webbench.site import read_site
from webbench.tab import Tab

SHOTS = Path("/tmp/hidden-types-shots")
DEMO_CARD = "Card — test mode, no real money"
WAIT_S = 30.0


def _event(database_url: str, *, hidden: bool = False) -> tuple[int, str, int]:
    """A published event with a Standard type and a Presale type (hidden if asked); (event id, slug, presale id)."""
    engine = make_engine(database_url)
    with Session(engine, expire_on_commit=False) as session:
        event, _ = make_event(session, title=f"Presale Night {secrets.token_hex(3)}", price_minor=4000)
        presale = add_type(session, event, name="Presale", price_minor=2000, capacity=20)
        presale.hidden = hidden
        session.add(presale)
        session.commit()
    engine.dispose()
    return event.id or 0, event.slug, presale.id or 0


def _seats(database_url: str, type_id: int) -> tuple[int, int]:
    engine = make_engine(database_url)
    with Session(engine) as session:
        row = session.get(TicketType, type_id)
        assert row is not None
        seats = (row.held_count, row.sold_count)
    engine.dispose()
    return seats


def _shots(page: Page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=str(SHOTS / f"{name}-desktop.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(SHOTS / f"{name}-phone.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_the_organiser_hides_a_type_behind_a_code_and_only_its_holder_buys_it(
    browser: Browser, live_app: LiveApp
) -> None:
    event_id, slug, presale_id = _event(live_app.database_url)
    admin_email = unique_email("hidden-admin")
    create_user(live_app.database_url, admin_email, role="admin")
    admin = browser.new_context(base_url=live_app.url).new_page()
    sign_in_staff(admin, live_app.database_url, admin_email, PASSWORD)

    admin.goto(f"/admin/events/edit?id={event_id}")
    expect(admin.get_by_label("Title")).not_to_have_value("")
    row = admin.get_by_role("group", name="Ticket type 2")
    expect(row.get_by_label("Name")).to_have_value("Presale")
    row.get_by_label("Hidden: shown and sold only with a promo code that unlocks it").click()
    admin.get_by_role("button", name="Save event").click()
    expect(admin.get_by_role("status").filter(has_text="Saved.")).to_be_visible()

    code = f"FANS{secrets.token_hex(3).upper()}"
    admin.goto("/admin/codes")
    form = admin.get_by_role("form", name="Promo code")
    form.get_by_label("Code", exact=True).fill(code)
    form.get_by_label("Event", exact=True).select_option(value=str(event_id))
    form.get_by_label("Discount", exact=True).select_option(label="Percentage off")
    form.get_by_label("Value (percentage, or amount in the event's currency)").fill("10")
    unlocks = form.get_by_label("Unlocks these hidden ticket types (names, comma-separated; empty for none)")
    unlocks.fill("Standard")
    form.get_by_role("button", name="Save code").click()
    expect(admin.get_by_text("“Standard” is not hidden: mark it hidden in the event form first.")).to_be_visible()
    unlocks = form.get_by_label("Unlocks these hidden ticket types (names, comma-separated; empty for none)")
    unlocks.fill("presale")
    form.get_by_role("button", name="Save code").click()
    expect(admin.get_by_text(f"Promo code {code} saved.")).to_be_visible()

    stranger = browser.new_context(base_url=live_app.url).new_page()
    stranger.goto(f"/events/{slug}")
    expect(stranger.get_by_role("button", name="Add to cart: Standard")).to_be_visible()
    expect(stranger.get_by_text("Presale", exact=True)).to_have_count(0)
    stranger.get_by_role("textbox", name="Promo code").fill("WRONG-CODE")
    stranger.get_by_role("button", name="Apply").click()
    expect(stranger.get_by_text("This promo code does not exist.")).to_be_visible()
    expect(stranger.get_by_text("Presale", exact=True)).to_have_count(0)
    stranger.get_by_role("textbox", name="Promo code").fill(code.lower())  # the code box opens it too
    stranger.get_by_role("button", name="Apply").click()
    expect(stranger.get_by_role("button", name="Add to cart: Presale")).to_be_visible()

    buyer = browser.new_context(base_url=live_app.url).new_page()
    buyer.goto(f"/events/{slug}?code={code}")
    expect(
        buyer.get_by_text(f"Promo code {code} unlocked a ticket type; it will be applied in your cart.")
    ).to_be_visible()
    _shots(buyer, "event-unlocked")
    buyer.get_by_label("Quantity of Presale").select_option("2")
    buyer.get_by_role("button", name="Add to cart: Presale").click()
    expect(buyer.get_by_text("2 tickets added to your cart.")).to_be_visible()
    buyer.goto("/cart")
    expect(buyer.get_by_text(re.compile(rf"^Discount \({code}\): −€4\.00$"))).to_be_visible()
    buyer.get_by_role("link", name="Checkout").click()
    buyer.get_by_label("Full name").fill("Camille Presale")
    buyer.get_by_label("E-mail").fill(unique_email("hidden-buyer"))
    buyer.get_by_label("I accept the terms of sale").click()
    buyer.get_by_label(DEMO_CARD).click()
    buyer.get_by_role("button", name="Place order and pay").click()
    buyer.get_by_role("button", name=re.compile(r"^Pay €36\.00")).click()
    expect(buyer.get_by_role("heading", name=re.compile(r"^Order [A-Z0-9-]+$"), level=1)).to_be_visible()
    expect(buyer.get_by_text("Paid", exact=True)).to_be_visible()
    assert _seats(live_app.database_url, presale_id)[1] == 2

    admin.goto("/admin/codes")
    row = admin.get_by_role("row").filter(has_text=code)
    expect(row).to_contain_text("1 / ∞")
    expect(row).to_contain_text("€36.00")  # its revenue
    row.get_by_role("link", name=f"Sales with {code}").click()  # the dashboard filtered by the code
    expect(admin.get_by_role("heading", name="Sales analytics", level=1)).to_be_visible()
    expect(admin.get_by_role("textbox", name="Promo code")).to_have_value(code)
    expect(admin.get_by_role("group", name="Revenue", exact=True)).to_contain_text("€36.00")
    expect(admin.get_by_role("group", name="Orders", exact=True)).to_contain_text("1")
    expect(admin.get_by_role("group", name="Tickets", exact=True)).to_contain_text("2")
    admin.get_by_role("textbox", name="Promo code").fill("nobody-has-this")
    admin.get_by_role("button", name="Filter by code").click()
    expect(admin).to_have_url(re.compile(r"code=NOBODY-HAS-THIS"))
    expect(admin.get_by_role("group", name="Orders", exact=True)).to_contain_text("0")
    _shots(admin, "analytics-by-code")


def test_a_crafted_add_to_cart_of_a_hidden_type_without_its_code_is_refused(live_app: LiveApp) -> None:
    _, slug, presale_id = _event(live_app.database_url, hidden=True)
    tab = Tab(read_site(live_app.url))
    page = EventPageState.get_full_name()
    try:
        tab.open(f"/events/{slug}", {"slug": slug}, LAYOUT_ON_MOUNT)
        tab.wait_for(lambda t: t.hydrated and bool(t.get(page, "loaded")), WAIT_S, "event page")
        assert str(presale_id) not in {v["id"] for v in tab.get(page, "ticket_types", [])}
        tab.send(*call(EventPageState, "set_quantity", str(presale_id), "3"))  # not a type of the page: ignored
        tab.send(*call(EventPageState, "add_to_cart", str(presale_id)))
        tab.wait_for(lambda t: t.get(page, "feedback") == "This ticket type does not exist.", WAIT_S, "refusal")
        assert tab.get(page, "feedback_is_error") is True
        assert str(presale_id) not in tab.get(page, "quantities", {})
        assert not tab.get(CartState.get_full_name(), "item_count")
    finally:
        tab.close()
    assert _seats(live_app.database_url, presale_id) == (0, 0)
