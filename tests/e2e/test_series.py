"""Journeys: an organiser creates a weekly series of 6 dates (skipping one) after a preview (bad input
refused); a buyer picks a date from the event page's picker, buys, and sees that date on the cart, the
order and the ticket; a sold-out date is marked in the picker and offers nothing to buy."""

from __future__ import annotations

import re
import secrets
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from playwright.sync_api import Page, expect
from sqlmodel import Session, col, select

from tests.e2e.accounts_helpers import PASSWORD, create_user, sign_in_staff, unique_email
from tests.e2e.conftest import LiveApp
from tests.factories import token
from ticketapp.db import make_engine
from ticketapp.models import Event, Role, TicketType, User, Venue, utcnow
from ticketapp.services.booking import holds
from ticketapp.services.catalog import series as series_service
from ticketapp.services.catalog.events import EventInput, TicketTypeInput
from ticketapp.services.catalog.series import DatePattern, SeriesInput
from ticketapp.services.shared.dates import format_event_date_long, format_event_datetime

SHOTS = Path("/tmp/series-shots")
DEMO_CARD = "Card — test mode, no real money"


def _shots(page: Page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=str(SHOTS / f"{name}-desktop.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(SHOTS / f"{name}-phone.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def _next_monday() -> date:
    today = datetime.now(UTC).date() + timedelta(days=14)
    return today + timedelta(days=(7 - today.weekday()) % 7)


def _series_with_a_sold_out_date(database_url: str) -> tuple[list[Event], str]:
    """A published series of 3 dates whose first date is sold out (held by others); (dates, venue zone)."""
    engine = make_engine(database_url)
    with Session(engine, expire_on_commit=False) as session:
        admin = session.exec(select(User).where(User.role == Role.ADMIN)).first()
        venue = session.exec(select(Venue).order_by(col(Venue.id))).first()
        assert admin is not None and venue is not None
        first = datetime.now(UTC).date() + timedelta(days=20)
        template = EventInput(
            title=f"Puppet Week {secrets.token_hex(3)}",
            category="theatre",
            venue_id=venue.id or 0,
            starts_at=utcnow(),
            ends_at=utcnow(),
            currency="EUR",
            ticket_types=[TicketTypeInput(name="Seat", price_minor=1500, capacity=3, max_per_order=3)],
        )
        pattern = DatePattern(first, first + timedelta(days=2), frozenset(range(7)), time(18, 0), 60, venue.timezone)
        made = series_service.create_series(session, admin.id or 0, SeriesInput(template, pattern, publish=True))
        dates = list(session.exec(select(Event).where(Event.series_id == made.id).order_by(col(Event.starts_at))).all())
        sold_out_type = session.exec(select(TicketType).where(TicketType.event_id == dates[0].id)).one()
        holds.add_to_cart(session, token(), sold_out_type.id or 0, 3)
        zone = venue.timezone
    engine.dispose()
    return dates, zone


def test_a_buyer_picks_a_date_buys_and_sees_that_date_on_the_order(page: Page, live_app: LiveApp) -> None:
    dates, zone = _series_with_a_sold_out_date(live_app.database_url)
    sold_out, chosen = dates[0], dates[1]
    sold_out_label = format_event_date_long(sold_out.starts_at, zone, "en")
    chosen_label = format_event_date_long(chosen.starts_at, zone, "en")

    # Search finds the series once, with its dates.
    page.goto(f"/events?q={sold_out.title.replace(' ', '+')}")
    card = page.get_by_role("article").filter(has_text=sold_out.title)
    expect(card).to_have_count(1)
    expect(card.get_by_text(re.compile(r"^3 dates from "))).to_be_visible()
    card.get_by_role("link", name=sold_out.title).click()

    # The sold-out date: marked in the picker, nothing to buy.
    picker = page.get_by_role("list", name="Choose a date")
    expect(picker.get_by_role("listitem")).to_have_count(3)
    expect(picker.get_by_text("Selected")).to_be_visible()
    expect(picker.get_by_role("listitem").first).to_contain_text("Sold out")
    expect(page.get_by_role("button", name="Add to cart: Seat")).to_have_count(0)
    expect(page.get_by_text("Sold out", exact=True).first).to_be_visible()
    _shots(page, "event-picker")

    picker.get_by_role("link", name=chosen_label).click()
    expect(page).to_have_url(re.compile(rf"/events/{chosen.slug}$"))
    expect(page.get_by_role("heading", name=sold_out.title, level=1)).to_be_visible()
    expect(page.get_by_text(chosen_label).first).to_be_visible()
    expect(picker.get_by_role("link", name=re.compile(re.escape(sold_out_label) + ", Sold out"))).to_be_visible()
    page.get_by_label("Quantity of Seat").select_option("2")
    page.get_by_role("button", name="Add to cart: Seat").click()
    expect(page.get_by_text("2 tickets added to your cart.")).to_be_visible()

    short = format_event_datetime(chosen.starts_at, zone, "en")
    page.goto("/cart")
    expect(page.get_by_text(short).first).to_be_visible()
    page.get_by_role("link", name="Checkout").click()
    page.get_by_label("Full name").fill("Camille Series")
    page.get_by_label("E-mail").fill(unique_email("series-buyer"))
    page.get_by_label("I accept the terms of sale").click()
    page.get_by_label(DEMO_CARD).click()
    page.get_by_role("button", name="Place order and pay").click()
    page.get_by_role("button", name=re.compile(r"^Pay €")).click()
    expect(page.get_by_role("heading", name=re.compile(r"^Order [A-Z0-9-]+$"), level=1)).to_be_visible()
    expect(page.get_by_text("Paid", exact=True)).to_be_visible()
    expect(page.get_by_text(re.compile(re.escape(short))).first).to_be_visible()
    _shots(page, "order")

    # Exactly the chosen date's seats were taken; the sold-out date kept its holds, the third is untouched.
    engine = make_engine(live_app.database_url)
    with Session(engine) as session:
        taken = {
            t.event_id: (t.sold_count, t.held_count)
            for t in session.exec(select(TicketType).where(col(TicketType.event_id).in_([d.id for d in dates])))
        }
    engine.dispose()
    assert taken == {dates[0].id: (0, 3), dates[1].id: (2, 0), dates[2].id: (0, 0)}


def test_an_organiser_creates_a_weekly_series_of_six_dates_skipping_one(page: Page, live_app: LiveApp) -> None:
    email = unique_email("series-admin")
    create_user(live_app.database_url, email, role="admin")
    sign_in_staff(page, live_app.database_url, email, PASSWORD)
    title = f"Yoga Tuesdays {secrets.token_hex(3)}"
    monday = _next_monday()
    skipped = monday + timedelta(days=15)  # the third Tuesday

    page.goto("/admin/series")
    expect(page.get_by_role("table", name="Event series")).to_be_visible()  # loaded: the demo series is listed
    form = page.get_by_role("form", name="New series")
    form.get_by_label("Title", exact=True).fill(title)
    form.get_by_label("Category", exact=True).select_option(label="Other")
    form.get_by_label("Venue", exact=True).select_option(label="Théâtre du Châtelet, Paris (Europe/Paris)")
    form.get_by_label("Currency", exact=True).fill("EUR")
    form.get_by_label("First day", exact=True).fill(monday.isoformat())
    form.get_by_label("Last day", exact=True).fill(
        (monday - timedelta(days=1)).isoformat()
    )  # before the first: refused
    form.get_by_label("Start time (venue time)", exact=True).fill("20:00")
    form.get_by_label("Duration (minutes)", exact=True).fill("90")
    form.get_by_label("Tuesday", exact=True).check()
    form.get_by_label(re.compile(r"^Ticket types, one a line")).fill("Mat; 12; 20")
    form.get_by_role("button", name="Preview dates").click()
    expect(page.get_by_text("The last day must not be before the first day.")).to_be_visible()
    expect(page.get_by_role("button", name="Create these dates")).to_have_count(0)

    form.get_by_label("Last day", exact=True).fill((monday + timedelta(days=43)).isoformat())  # 7 Tuesdays
    form.get_by_label(re.compile(r"^Days to skip")).fill(skipped.isoformat())
    form.get_by_label("Put the dates on sale at once", exact=True).check()
    form.get_by_role("button", name="Preview dates").click()
    expect(page.get_by_text("6 dates will be created.")).to_be_visible()
    preview = page.get_by_role("list", name="Preview")
    expect(preview.get_by_role("listitem")).to_have_count(6)
    skipped_label = format_event_date_long(
        datetime.combine(skipped, time(20, 0), tzinfo=__import__("zoneinfo").ZoneInfo("Europe/Paris")),
        "Europe/Paris",
        "en",
    )
    expect(preview.get_by_text(skipped_label)).to_have_count(0)
    _shots(page, "admin-preview")
    page.get_by_role("button", name="Create these dates").click()

    expect(page).to_have_url(re.compile(r"/admin/series/dates\?id=\d+$"))
    expect(page.get_by_role("heading", name=title, level=1)).to_be_visible()
    table = page.get_by_role("table", name="Dates")
    expect(table.get_by_role("row")).to_have_count(7)  # a header and 6 dates
    expect(table.get_by_text("On sale", exact=True)).to_have_count(6)
    expect(table.get_by_text("0 / 20", exact=True)).to_have_count(6)
    _shots(page, "admin-dates")
    page.goto("/admin/series")
    expect(page.get_by_role("table", name="Event series").get_by_role("row", name=re.compile(title))).to_contain_text(
        "6"
    )
