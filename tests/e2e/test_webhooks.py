"""Journey: an organiser registers a webhook endpoint (seeing its secret once), a buyer pays an order in the
shop, the organiser's receiver gets the signed events and the organiser sees them in the delivery log,
then replays one. A bad URL is refused with its reason and nothing is registered."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.accounts_helpers import PASSWORD, create_user, sign_in_staff, unique_email
from tests.e2e.conftest import LiveApp
from tests.fakes.webhook_receiver import Receiver
from ticketapp.services.webhooks import signing

SHOTS = Path("/tmp/webhooks-shots")
DEMO_CARD = "Card — test mode, no real money"


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    started = Receiver().start()
    yield started
    started.stop()


def _buy(page: Page, email: str) -> str:
    page.goto("/events/jazz-a-lyon")
    page.get_by_label("Quantity of Standard").select_option("1")
    page.get_by_role("button", name="Add to cart: Standard").click()
    expect(page.get_by_text(re.compile(r"^1 ticket added to your cart\.$"))).to_be_visible()
    page.goto("/checkout")
    page.get_by_label("Full name").fill("Webhook Buyer")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("I accept the terms of sale").click()
    page.get_by_label(DEMO_CARD).click()
    page.get_by_role("button", name="Place order and pay").click()
    page.get_by_role("button", name=re.compile(r"^Pay €")).click()
    heading = page.get_by_role("heading", name=re.compile(r"^Order [A-Z0-9-]+$"), level=1)
    expect(heading).to_be_visible()
    return heading.inner_text().removeprefix("Order ")


def test_an_organiser_registers_an_endpoint_and_sees_a_delivery_arrive_in_the_log(
    browser: Browser, live_app: LiveApp, receiver: Receiver
) -> None:
    SHOTS.mkdir(exist_ok=True)
    admin = browser.new_context(base_url=live_app.url).new_page()
    email = unique_email("hooks-admin")
    create_user(live_app.database_url, email, role="admin")
    sign_in_staff(admin, live_app.database_url, email, PASSWORD)
    admin.goto("/admin")
    admin.get_by_role("navigation", name="Admin").get_by_role("link", name="Webhooks").click()
    expect(admin.get_by_role("heading", name="Webhooks", level=1)).to_be_visible()

    form = admin.get_by_role("form", name="Webhook endpoint")
    form.get_by_label("Endpoint URL").fill("http://169.254.169.254/latest/meta-data/")
    form.get_by_label(re.compile("^order.paid")).check()
    form.get_by_role("button", name="Save endpoint").click()
    expect(admin.get_by_text("The URL points at a link-local or reserved address, which is refused.")).to_be_visible()
    expect(form.get_by_label("Endpoint URL")).to_have_value("http://169.254.169.254/latest/meta-data/")

    form.get_by_label("Endpoint URL").fill(receiver.url)
    form.get_by_label("Description (optional)").fill("Our CRM")
    form.get_by_label(re.compile("^order.paid")).check()
    form.get_by_role("button", name="Save endpoint").click()
    expect(
        admin.get_by_text("Endpoint registered. Copy its signing secret now: it is shown only once.")
    ).to_be_visible()
    secret = admin.locator("#webhook-secret").inner_text()
    assert secret.startswith("whsec_")
    table = admin.get_by_role("table", name="Webhooks")
    expect(table.get_by_text(receiver.url, exact=True)).to_be_visible()
    admin.screenshot(path=str(SHOTS / "registered.png"), full_page=True)
    admin.get_by_role("button", name="I have copied it").click()
    expect(admin.locator("#webhook-secret")).to_have_count(0)

    buyer = browser.new_context(base_url=live_app.url).new_page()
    code = _buy(buyer, unique_email("hooks-buyer"))
    [request] = receiver.wait_for(1)
    assert request.event["type"] == "order.paid" and request.event["data"]["code"] == code
    stamp = int(request.headers["Webhook-Timestamp"])
    assert signing.verify(
        secret, request.headers["Webhook-Id"], stamp, request.body, request.headers["Webhook-Signature"]
    )

    admin.get_by_role("button", name=f"Delivery log {receiver.url}").click()
    log = admin.get_by_role("table", name="Delivery log")
    expect(log.get_by_role("row")).to_have_count(2)  # the header and one delivery
    row = log.get_by_role("row").nth(1)
    expect(row.get_by_text("order.paid", exact=True)).to_be_visible()
    expect(row.get_by_text("Delivered", exact=True)).to_be_visible()
    expect(row.get_by_role("cell", name="200", exact=True)).to_be_visible()
    row.get_by_text(request.headers["Webhook-Id"], exact=True).click()  # opens the payload
    expect(row.get_by_text(re.compile(re.escape(f'"code":"{code}"')))).to_be_visible()
    admin.set_viewport_size({"width": 390, "height": 844})
    admin.screenshot(path=str(SHOTS / "log-phone.png"), full_page=True)
    admin.set_viewport_size({"width": 1280, "height": 900})

    row.get_by_role("button", name=f"Replay {request.headers['Webhook-Id']}").click()
    expect(admin.get_by_text("The event was queued again; its new delivery is at the top of the log.")).to_be_visible()
    replayed = receiver.wait_for(2)[1]
    assert replayed.headers["Webhook-Id"] == request.headers["Webhook-Id"] and replayed.body == request.body
    expect(log.get_by_role("row")).to_have_count(3)
    admin.screenshot(path=str(SHOTS / "log.png"), full_page=True)

    # The widget's allowed sites, on the same page.
    site = admin.get_by_label("Site address")
    site.fill("https://club.example.org/concerts")
    admin.get_by_role("button", name="Allow this site").click()
    expect(admin.get_by_text("Enter only the site's address (scheme, host and port), without a path.")).to_be_visible()
    site.fill("https://club.example.org")
    admin.get_by_role("button", name="Allow this site").click()
    expect(admin.get_by_text("https://club.example.org may now embed the widget.")).to_be_visible()
    sites = admin.get_by_role("list", name="Sites allowed to embed the widget")
    expect(sites.get_by_text("https://club.example.org", exact=True)).to_be_visible()
    sites.get_by_role("button", name="Remove").click()
    admin.get_by_role("alertdialog").get_by_role("button", name="Remove").click()
    expect(admin.get_by_text("No site may embed the widget yet.")).to_be_visible()
