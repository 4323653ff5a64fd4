"""Journey: an admin creates an API token for an integration (a token without permissions is refused),
copies the secret shown once, the integration reads orders with it, the page shows its last use; the admin
revokes it and the API refuses it from then on."""

from __future__ import annotations

from pathlib import Path

import httpx
from playwright.sync_api import Page, expect

from tests.e2e.accounts_helpers import PASSWORD, create_user, sign_in_staff, unique_email
from tests.e2e.conftest import LiveApp

SHOTS = Path("/tmp/api-tokens-shots")


def _shots(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=str(SHOTS / f"{name}-desktop.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(SHOTS / f"{name}-phone.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_admin_creates_uses_and_revokes_an_api_token(page: Page, base_url: str, live_app: LiveApp) -> None:
    admin_email = unique_email("api-admin")
    create_user(live_app.database_url, admin_email, role="admin")
    sign_in_staff(page, live_app.database_url, admin_email, PASSWORD)
    page.goto("/admin/api-tokens")
    expect(page.get_by_role("heading", name="API tokens", level=1)).to_be_visible()
    form = page.get_by_role("form", name="Create an API token")

    # No permission chosen: refused, nothing created.
    form.get_by_label("Name").fill("CRM sync")
    form.get_by_role("button", name="Create token").click()
    expect(page.get_by_role("status").filter(has_text="Choose at least one permission.")).to_be_visible()

    form.get_by_label("Name").fill("CRM sync")
    form.get_by_label("Orders and tickets").select_option(label="Read and write")
    form.get_by_label("Customers").select_option(label="Read")
    form.get_by_role("button", name="Create token").click()
    expect(page.get_by_role("status").filter(has_text="Token “CRM sync” created.")).to_be_visible()
    secret = page.get_by_label("New token").input_value()
    assert secret.startswith("tka_")
    table = page.get_by_role("table", name="API tokens")
    row = table.get_by_role("row").filter(has_text="CRM sync")
    expect(row).to_contain_text("customers:read, orders:write")
    expect(row).to_contain_text("Never")
    _shots(page, "created")

    headers = {"Authorization": f"Bearer {secret}"}
    response = httpx.get(f"{base_url}/api/v1/orders", headers=headers, params={"limit": 5})
    assert response.status_code == 200 and "data" in response.json()
    assert httpx.get(f"{base_url}/api/v1/events", headers=headers).status_code == 403

    page.get_by_role("button", name="I have copied it").click()
    expect(page.get_by_label("New token")).to_have_count(0)
    page.reload()
    row = page.get_by_role("table", name="API tokens").get_by_role("row").filter(has_text="CRM sync")
    expect(row).not_to_contain_text("Never")
    expect(page.get_by_label("New token")).to_have_count(0)  # shown once: not after a reload

    row.get_by_role("button", name="Revoke").click()
    page.get_by_role("alertdialog").get_by_role("button", name="Revoke").click()
    expect(page.get_by_role("status").filter(has_text="Token “CRM sync” revoked")).to_be_visible()
    expect(row).to_contain_text("Revoked")
    expect(row.get_by_role("button", name="Revoke")).to_have_count(0)
    _shots(page, "revoked")
    refused = httpx.get(f"{base_url}/api/v1/orders", headers=headers)
    assert refused.status_code == 401 and refused.headers["content-type"].startswith("application/problem+json")

    page.goto("/api/v1/docs")
    expect(page.get_by_role("heading", name="Ticketapp organiser API", level=1)).to_be_visible()
    _shots(page, "reference")
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # readable on a phone, no sideways scroll
