"""axe-core (WCAG 2.0–2.2 A/AA) on every kind of page, in all six languages (Arabic right to left), light and dark:
no serious or critical violation anywhere. One signed-in staff account (e-mail not yet confirmed, so its
banner is audited too) reused by every run; each run buys through the demo provider on its way."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect
from sqlmodel import Session, select

from tests.e2e.a11y_helpers import axe_violations, describe
from tests.e2e.accounts_helpers import PASSWORD, create_user, sign_in_staff, unique_email
from tests.e2e.conftest import LiveApp
from tests.factories import make_order
from ticketapp.db import make_engine
from ticketapp.i18n.languages import SUPPORTED_LOCALES
from ticketapp.models import Event, TicketType

EVENT = "jazz-a-lyon"
SETTLE_MS = 15_000  # a first page of a browser connects and loads its language (slow on a loaded CI machine)
ANONYMOUS_PAGES = ["/", "/events?q=a", f"/events/{EVENT}", "/signin", "/signup", "/support"]


class Staff:
    def __init__(self, storage: dict, order_code: str) -> None:
        self.storage, self.order_code = storage, order_code


@pytest.fixture(scope="module")
def staff(browser: Browser, live_app: LiveApp) -> Staff:
    """An admin (admins pass the agent and door checks) with an order of their own."""
    email = unique_email("a11y-admin")
    user_id = create_user(live_app.database_url, email, role="admin", verified=False)
    engine = make_engine(live_app.database_url)
    with Session(engine) as session:
        event = session.exec(select(Event).where(Event.slug == EVENT)).one()
        ticket_type = session.exec(select(TicketType).where(TicketType.event_id == event.id)).first()
        order, _ = make_order(session, [(ticket_type, 1)], user_id=user_id, buyer_email=email)
        code = order.code
    engine.dispose()
    context = browser.new_context(base_url=live_app.url)
    context.set_default_timeout(15_000)
    sign_in_staff(context.new_page(), live_app.database_url, email, PASSWORD)
    storage = context.storage_state()
    context.close()
    return Staff(storage, code)


def _context(browser: Browser, live_app: LiveApp, lang: str, theme: str, storage: dict | None) -> BrowserContext:
    # bypass_csp: axe is injected as an inline script, which the app's CSP rightly refuses.
    context = browser.new_context(base_url=live_app.url, color_scheme=theme, storage_state=storage, bypass_csp=True)
    context.add_cookies([{"name": "lang", "value": lang, "url": live_app.url}])
    context.set_default_timeout(15_000)
    return context


def settle(page: Page, lang: str, theme: str) -> None:
    """The page as a visitor reads it: its h1, in their language and theme, nothing still loading."""
    expect(page.locator("main h1").first).to_be_visible(timeout=SETTLE_MS)
    expect(page.locator("html")).to_have_attribute("lang", lang, timeout=SETTLE_MS)
    if theme == "dark":
        expect(page.locator("html")).to_have_class(re.compile(r"\bdark\b"), timeout=SETTLE_MS)
    expect(page.locator("main .rt-Spinner")).to_have_count(0, timeout=SETTLE_MS)


class Audit:
    def __init__(self, lang: str, theme: str) -> None:
        self.lang, self.theme, self.report, self.pages = lang, theme, [], 0

    def check(self, page: Page, where: str | None = None) -> None:
        settle(page, self.lang, self.theme)
        found = axe_violations(page)
        self.pages += 1
        if found:
            self.report.append(describe(f"{self.lang}/{self.theme} {where or page.url}", found))

    def visit(self, page: Page, path: str) -> None:
        page.goto(path)
        self.check(page, path)


@pytest.fixture
def contexts(browser: Browser) -> Iterator[list[BrowserContext]]:
    opened: list[BrowserContext] = []
    yield opened
    for context in opened:
        context.close()


def _buy_with_demo(page: Page, audit: Audit) -> None:
    """Event → add → cart → checkout → demo payment → the paid order page, auditing each step."""
    page.goto(f"/events/{EVENT}")
    settle(page, audit.lang, audit.theme)
    page.locator("main li:has(select) button").first.click()
    expect(page.locator("main [role=status] a[href='/cart']")).to_be_visible()
    audit.check(page, "event page after adding")
    audit.visit(page, "/cart")
    audit.visit(page, "/checkout")
    page.locator("#buyer-name").fill("Camille Martin")
    page.locator("#accept-terms").click()
    page.locator("#method-demo").click()  # a controlled radio: checked once the server has it
    expect(page.locator("#method-demo")).to_be_checked()
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/pay/demo/"))
    audit.check(page, "demo payment page")
    page.locator("main button").first.click()
    expect(page).to_have_url(re.compile(r"/orders/[A-Z0-9-]+/status"))
    expect(page.locator("main [role=status] .rt-CalloutRoot")).to_be_visible()
    audit.check(page, "paid order page")


# Every language in light mode; dark mode in English, French and Arabic (right to left).
RUNS = [*((lang, "light") for lang in SUPPORTED_LOCALES), ("en", "dark"), ("fr", "dark"), ("ar", "dark")]


@pytest.mark.parametrize(("lang", "theme"), RUNS)
def test_no_serious_axe_violation_on_any_page(
    browser: Browser, live_app: LiveApp, staff: Staff, contexts: list[BrowserContext], lang: str, theme: str
) -> None:
    audit = Audit(lang, theme)
    anonymous = _context(browser, live_app, lang, theme, None)
    signed_in = _context(browser, live_app, lang, theme, staff.storage)
    contexts.extend([anonymous, signed_in])

    visitor = anonymous.new_page()
    for path in ANONYMOUS_PAGES:
        audit.visit(visitor, path)
    visitor.locator("#chat-launcher").click()
    expect(visitor.locator("#chat-panel")).to_be_visible()
    audit.check(visitor, "support page with the chat open")

    admin = signed_in.new_page()
    _buy_with_demo(admin, audit)
    for path in [
        "/account",
        f"/account/orders/{staff.order_code}",
        "/admin",
        "/admin/events",
        "/admin/events/edit?id=1",
        f"/admin/orders/{staff.order_code}",
        "/admin/customers",
        "/agent",
        "/checkin",
    ]:
        audit.visit(admin, path)

    assert audit.pages == len(ANONYMOUS_PAGES) + 1 + 5 + 9
    assert not audit.report, "axe found serious or critical violations:\n" + "\n".join(audit.report)
