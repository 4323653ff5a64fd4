"""Security headers in a real browser: Reflex's prod pages run under our CSP with no violation,
and the document responses carry the anti-framing and nosniff headers.

The CSP allows only the hashed inline scripts of each page. A reload is a conditional request (304): the
first hash-only policy broke there (the 304 carried a policy without hashes, which replaced the page's,
so no inline script ran and /signin never connected), hence the journeys below reload pages."""

from __future__ import annotations

import re

from playwright.sync_api import ConsoleMessage, Page, expect

from tests.e2e.accounts_helpers import PASSWORD, create_user, sign_in, sign_in_staff, unique_email
from tests.e2e.conftest import LiveApp

PUBLIC_PAGES = ["/", "/events", "/events/jazz-a-lyon", "/signin", "/signup", "/cart", "/support", "/signout"]
STAFF_PAGES = ["/admin", "/admin/analytics?preset=7d", "/admin/orders", "/agent"]


# The browser's own report of each blocked script, style or connection, sent to the console.
REPORT_VIOLATIONS = """
document.addEventListener('securitypolicyviolation', (e) => console.error(
  `Content-Security-Policy violation: ${e.effectiveDirective} blocked ${e.blockedURI}`
  + ` at ${e.sourceFile}:${e.lineNumber}`));
"""


def _watch_csp(page: Page) -> list[str]:
    violations: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            violations.append(f"{page.url}: {message.text}")

    page.add_init_script(REPORT_VIOLATIONS)
    page.on("console", on_console)
    page.on("pageerror", lambda error: violations.append(f"{page.url}: {error}"))
    return violations


def _visit(page: Page, path: str) -> None:
    response = page.goto(path)
    assert response is not None
    headers = response.headers
    assert headers["x-frame-options"] == "DENY" and headers["x-content-type-options"] == "nosniff"
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert "'unsafe-inline'" not in _script_src(headers["content-security-policy"])
    page.wait_for_load_state("networkidle")


def _script_src(policy: str) -> str:
    return policy.split("script-src ", 1)[1].split(";", 1)[0]


def _sign_in_form(page: Page, email: str) -> None:
    """Sign in on the /signin page already open; the button is enabled only once the page is connected."""
    page.get_by_label("E-mail", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    expect(page.get_by_role("button", name="Sign in")).to_be_enabled()
    page.get_by_role("button", name="Sign in").click()
    # A document navigation (/auth/session sets the cookie) and a new websocket: slower on a loaded machine.
    expect(page.get_by_role("button", name="Sign out")).to_be_visible(timeout=15_000)


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


def test_sign_in_out_reload_and_purchase_run_under_the_csp(page: Page, live_app: LiveApp) -> None:
    email = unique_email("csp-buyer")
    create_user(live_app.database_url, email)
    violations = _watch_csp(page)
    _visit(page, "/signin")
    _sign_in_form(page, email)

    # The purchase pages: event, cart, checkout, then the payment page.
    _visit(page, "/events/jazz-a-lyon")
    page.get_by_role("button", name="Add to cart: Standard").click()
    expect(page.get_by_text("1 ticket added to your cart.")).to_be_visible()
    page.get_by_role("link", name="View cart").click()
    expect(page.get_by_role("heading", name="Your cart", level=1)).to_be_visible()
    page.reload()  # a cached page revalidated (304) keeps its own script hashes
    page.get_by_role("link", name="Checkout").click()
    page.get_by_label("Full name").fill("Camille Martin")
    page.get_by_label("I accept the terms of sale").click()
    page.get_by_label("Card — test mode, no real money").click()
    page.get_by_role("button", name="Place order and pay").click()
    expect(page.get_by_role("heading", name="Test payment", level=1)).to_be_visible()

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()
    _visit(page, "/signin")
    page.reload()
    _sign_in_form(page, email)
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
