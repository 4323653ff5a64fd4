"""Admin area guards from a browser (anonymous, customer), and funnel steps recorded by real shopping."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import create_engine, text

from tests.e2e.accounts_helpers import create_user, sign_in, unique_email
from tests.e2e.conftest import LiveApp

ADMIN_PAGES = [
    "/admin/analytics",
    "/admin/analytics?preset=7d&event=1",
    "/admin/events",
    "/admin/events/edit?id=1",
    "/admin/orders",
    "/admin/orders/ABC123",
    "/admin/customers",
    "/admin/staff",
    "/admin/backups",
    "/admin/waitlist",
]


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(page: Page, path: str) -> None:
    page.goto(path)
    expect(page).to_have_url(re.compile(r"/signin\?next="))
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    # No admin data or controls leak into the page.
    expect(page.get_by_role("navigation", name="Admin")).to_have_count(0)
    expect(page.get_by_role("table")).to_have_count(0)


def test_a_customer_gets_403_on_every_admin_page(page: Page, live_app: LiveApp) -> None:
    email = unique_email("nosy")
    create_user(live_app.database_url, email)
    sign_in(page, email)
    for path in ADMIN_PAGES:
        page.goto(path)
        expect(page.get_by_role("heading", name="Access denied", level=1)).to_be_visible()
        expect(page.get_by_role("table")).to_have_count(0)
    response = page.request.get(f"{live_app.url}/api/admin/orders.csv")
    assert response.status == 403


def test_csv_export_refuses_without_an_admin(page: Page, base_url: str) -> None:
    response = page.request.get(f"{base_url}/api/admin/orders.csv")
    assert response.status == 403
    assert "code,created_at" not in response.text()


def _funnel_rows(live_app: LiveApp) -> list[tuple[str, int]]:
    engine = create_engine(live_app.database_url)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT kind, event_id FROM page_event ORDER BY id")).all()
    engine.dispose()
    return [(str(kind), int(event_id)) for kind, event_id in rows]


def test_viewing_and_adding_to_cart_record_anonymous_funnel_steps(page: Page, live_app: LiveApp) -> None:
    before = _funnel_rows(live_app)
    page.goto("/events/jazz-a-lyon")
    expect(page.get_by_role("heading", name="Jazz à Lyon", level=1)).to_be_visible()
    page.get_by_role("button", name=re.compile(r"^Add to cart: .+$")).first.click()
    expect(page.get_by_role("status").filter(has_text="added to your cart")).to_be_visible()
    new = _funnel_rows(live_app)[len(before) :]
    assert [kind for kind, _ in new] == ["view", "cart"]
    assert new[0][1] == new[1][1] != 0
    page.reload()  # the same visit on the same day is not counted twice
    expect(page.get_by_role("heading", name="Jazz à Lyon", level=1)).to_be_visible()
    assert len(_funnel_rows(live_app)) == len(before) + 2
