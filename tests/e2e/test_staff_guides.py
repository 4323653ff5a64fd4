"""The staff guides' walk-throughs (docs/admin.md, docs/support.md, docs/door-staff.md), step by step in a
real browser. With DOCS_SCREENSHOTS=1 each step also saves the screenshot the guide embeds
(docs/img/*.png, palette-reduced so they stay small): the pictures are regenerated from the app.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys

from PIL import Image
from playwright.sync_api import Page, expect
from sqlmodel import Session, select

from tests.e2e.accounts_helpers import PASSWORD, create_user, sign_in_staff, unique_email
from tests.e2e.conftest import PROJECT_DIR, LiveApp
from tests.e2e.support_helpers import sign_in_as_agent
from tests.e2e.test_checkin_page import sold_tickets
from ticketapp.db import make_engine
from ticketapp.models import Order
from ticketapp.services.support.chat import post_customer_message, start_chat

IMAGES = PROJECT_DIR / "docs" / "img"
SCREENSHOTS = os.environ.get("DOCS_SCREENSHOTS") == "1"


def shot(page: Page, name: str) -> None:
    """Save docs/img/<name>.png when DOCS_SCREENSHOTS=1 (a 1100×720 view, 64 colours)."""
    if not SCREENSHOTS:
        return
    IMAGES.mkdir(parents=True, exist_ok=True)
    path = IMAGES / f"{name}.png"
    page.screenshot(path=path)
    with Image.open(path) as image:
        image.convert("RGB").quantize(colors=64).save(path, optimize=True)


def _wide(page: Page) -> None:
    page.set_viewport_size({"width": 1100, "height": 720})


def test_admin_guide_walk(page: Page, live_app: LiveApp) -> None:
    _wide(page)
    made = subprocess.run(
        [sys.executable, "-m", "ticketapp", "backup"],
        cwd=PROJECT_DIR,
        env=live_app.env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
    )
    assert made.returncode == 0, made.stderr
    archive = re.search(r"ticketapp-backup-\w+\.tar", made.stdout)
    assert archive is not None
    sold_tickets(live_app.database_url, live_app.data_dir)  # an order with tickets to look at
    email = unique_email("guide-admin")
    create_user(live_app.database_url, email, role="admin")
    sign_in_staff(page, live_app.database_url, email, PASSWORD)

    page.goto("/admin/events")
    expect(page.get_by_role("heading", name="Events", level=1)).to_be_visible()
    # Other tests add events to the shared app: the search finds the seeded one whatever page it is on.
    page.get_by_label("Search", exact=True).fill("Lyon")
    expect(page.get_by_role("cell", name="Jazz à Lyon")).to_be_visible()
    shot(page, "admin-events")

    page.goto("/admin/orders")
    expect(page.get_by_role("heading", name="Orders", level=1)).to_be_visible()
    expect(page.get_by_role("cell", name="Inès Laurent").first).to_be_visible()
    shot(page, "admin-orders")

    engine = make_engine(live_app.database_url)
    with Session(engine) as session:
        code = session.exec(select(Order.code).where(Order.buyer_name == "Inès Laurent")).first()
    engine.dispose()
    page.goto(f"/admin/orders/{code}")
    expect(page.get_by_role("heading", name=f"Order {code}", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="Audit trail", level=2)).to_be_visible()
    shot(page, "admin-order")

    page.goto("/admin/staff")
    expect(page.get_by_role("heading", name="Staff", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="Invite a staff member", level=2)).to_be_visible()
    shot(page, "admin-staff")

    page.get_by_role("navigation", name="Admin").get_by_role("link", name="Backups").click()
    expect(page.get_by_role("heading", name="Backups", level=1)).to_be_visible()
    expect(page.get_by_role("cell", name=archive.group(0))).to_be_visible()
    expect(page.get_by_text(re.compile(r"Last verified backup: .+ ago\."))).to_be_visible()
    expect(page.get_by_role("alert")).to_have_count(0)
    shot(page, "admin-backups")


def test_support_guide_walk(page: Page, live_app: LiveApp) -> None:
    _wide(page)
    engine = make_engine(live_app.database_url)
    with Session(engine) as session:
        chat = start_chat(session, None, guest_name="Lucie Martin", guest_email="lucie@example.com", topic="order")
        post_customer_message(session, chat, "Bonjour, my tickets did not arrive by e-mail.")
    engine.dispose()
    sign_in_as_agent(page, live_app.database_url)
    page.goto("/agent")
    expect(page.get_by_role("heading", name="Agent panel", level=1)).to_be_visible()
    expect(page.get_by_label("My status")).to_be_visible()
    expect(page.get_by_text("Lucie Martin").first).to_be_visible()
    shot(page, "agent-panel")


def test_door_staff_guide_walk(page: Page, live_app: LiveApp) -> None:
    page.set_viewport_size({"width": 480, "height": 820})  # the phone at the door
    event_id, (code, void_code, _), token = sold_tickets(live_app.database_url, live_app.data_dir)
    page.goto("/checkin")
    expect(page.get_by_role("heading", name="Check-in", level=1)).to_be_visible()
    page.get_by_label("Staff token").fill(token)
    shot(page, "door-unlock")
    page.get_by_role("button", name="Unlock").click()
    page.get_by_label("Event", exact=True).select_option(str(event_id))
    page.get_by_label("Ticket code").fill(code)
    page.get_by_role("button", name="Check in").click()
    expect(page.get_by_role("status").filter(has_text="let in")).to_contain_text("Valid: let in")
    shot(page, "door-valid")
    page.get_by_label("Ticket code").fill(code)
    page.get_by_role("button", name="Check in").click()
    expect(page.get_by_text("Already used")).to_be_visible()
    shot(page, "door-already-used")
    page.get_by_label("Ticket code").fill(void_code)
    page.get_by_role("button", name="Check in").click()
    expect(page.get_by_text("Void: refunded or cancelled")).to_be_visible()
    shot(page, "door-void")


def test_screenshots_are_small() -> None:
    """The committed pictures stay light (each under 150 KB)."""
    for path in IMAGES.glob("*.png"):
        assert path.stat().st_size < 150_000, path.name
