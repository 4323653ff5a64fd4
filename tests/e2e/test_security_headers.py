"""Security headers in a real browser: Reflex's prod pages run under our CSP with no violation,
and the document responses carry the anti-framing and nosniff headers."""

from __future__ import annotations

import re

from playwright.sync_api import ConsoleMessage, Page, expect

from tests.e2e.accounts_helpers import create_user, sign_in, sign_in_staff, unique_email
from tests.e2e.conftest import LiveApp

PUBLIC_PAGES = ["/", "/events", "/events/jazz-a-lyon", "/signin", "/signup", "/cart", "/support", "/signout"]
STAFF_PAGES = ["/admin", "/admin/analytics?preset=7d", "/admin/orders", "/agent"]


def _watch_csp(page: Page) -> list[str]:
    violations: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            violations.append(f"{page.url}: {message.text}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: violations.append(f"{page.url}: {error}"))
    return violations


def _visit(page: Page, path: str) -> None:
    response = page.goto(path)
    assert response is not None
    headers = response.headers
    assert headers["x-frame-options"] == "DENY" and headers["x-content-type-options"] == "nosniff"
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    page.wait_for_load_state("networkidle")


def test_public_pages_run_under_the_csp(page: Page) -> None:
    violations = _watch_csp(page)
    for path in PUBLIC_PAGES:
        _visit(page, path)
    expect(page.get_by_role("heading", level=1).first).to_be_visible()
    assert violations == []


def test_staff_pages_and_charts_run_under_the_csp(page: Page, live_app: LiveApp) -> None:
    email = unique_email("csp-admin")
    create_user(live_app.database_url, email, "csp admin password", role="admin")
    violations = _watch_csp(page)
    sign_in_staff(page, live_app.database_url, email, "csp admin password")
    for path in STAFF_PAGES:
        _visit(page, path)
    assert violations == []


def test_opening_signout_does_not_sign_out_until_the_button_is_clicked(page: Page, live_app: LiveApp) -> None:
    email = unique_email("signout")
    create_user(live_app.database_url, email)
    sign_in(page, email)
    page.goto("/signout")  # what a link or <img> on another site would do
    expect(page.get_by_role("button", name="Sign out of this browser")).to_be_visible()
    page.goto("/account")
    expect(page).to_have_url(re.compile(r"/account/?$"))
    page.goto("/signout")
    page.get_by_role("button", name="Sign out of this browser").click()
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()
    page.goto("/account")
    expect(page).to_have_url(re.compile(r"/signin\?next="))
