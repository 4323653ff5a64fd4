"""Journey: a visitor of the organiser's own site (another loopback origin) buys a ticket through the
embedded widget: chooses a quantity, continues to checkout in a new tab of the shop, pays (demo) and sees
the confirmation. Sites that are not allowed get no data and cannot start a cart; nothing of the shop
may be framed anywhere."""

from __future__ import annotations

import re
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect
from sqlmodel import Session, select

from tests.e2e.accounts_helpers import unique_email
from tests.e2e.conftest import LiveApp
from ticketapp.db import make_engine
from ticketapp.models import Order, OrderItem, WidgetOrigin

SHOTS = Path("/tmp/widget-shots")
DEMO_CARD = "Card — test mode, no real money"
SLUG = "jazz-a-lyon"


def _host_page(app_url: str) -> bytes:
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Le Club — concerts</title>
<style>body{{font-family:Georgia,serif}}
.tickets{{--ticketapp-accent:#8b1e3f;--ticketapp-radius:2px}}</style>
</head><body><h1>Le Club</h1><p>Our next concert, tickets below.</p>
<div class="tickets"><script src="{app_url}/widget/v1/ticketapp.js" data-event="{SLUG}" async></script></div>
</body></html>""".encode()


@pytest.fixture
def organiser_site(live_app: LiveApp) -> Iterator[str]:
    """The organiser's site: a page on 127.0.0.1 (the shop is on localhost: another origin) with the tag."""
    page = _host_page(live_app.url)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    origin = f"http://127.0.0.1:{server.server_address[1]}"
    engine = make_engine(live_app.database_url)
    with Session(engine) as session:
        session.add(WidgetOrigin(origin=origin))
        session.commit()
    yield origin
    with Session(engine) as session:
        for row in session.exec(select(WidgetOrigin).where(WidgetOrigin.origin == origin)).all():
            session.delete(row)
        session.commit()
    engine.dispose()
    server.shutdown()
    server.server_close()


def _request(url: str, origin: str, data: bytes | None = None) -> tuple[int, dict[str, str]]:
    request = urllib.request.Request(url, data=data, headers={"Origin": origin})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers.items())
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers.items())


def test_a_visitor_buys_a_ticket_through_the_widget_on_another_site(
    browser: Browser, live_app: LiveApp, organiser_site: str
) -> None:
    SHOTS.mkdir(exist_ok=True)
    context = browser.new_context()
    page = context.new_page()
    page.goto(organiser_site)
    widget = page.get_by_role("region", name="Tickets")
    expect(widget.get_by_role("heading", name="Jazz à Lyon")).to_be_visible()
    page.screenshot(path=str(SHOTS / "widget.png"), full_page=True)
    accent = widget.get_by_role("button", name="Continue to checkout").evaluate(
        "b => getComputedStyle(b).backgroundColor"
    )
    assert accent == "rgb(139, 30, 63)"  # the page's --ticketapp-accent

    widget.get_by_role("button", name="Continue to checkout").click()
    expect(widget.get_by_role("alert")).to_have_text("Choose at least one ticket.")
    widget.get_by_label("Quantity of Standard").select_option("2")
    with page.expect_popup() as popup:
        widget.get_by_role("button", name="Continue to checkout").click()
    shop = popup.value
    expect(shop).to_have_url(re.compile(r"/checkout/?$"))
    assert shop.url.startswith(live_app.url)
    buyer = unique_email("widget-buyer")
    shop.get_by_label("Full name").fill("Widget Buyer")
    shop.get_by_label("E-mail").fill(buyer)
    shop.get_by_label("I accept the terms of sale").click()
    shop.get_by_label(DEMO_CARD).click()
    shop.get_by_role("button", name="Place order and pay").click()
    shop.get_by_role("button", name=re.compile(r"^Pay €")).click()
    expect(shop.get_by_role("heading", name=re.compile(r"^Order [A-Z0-9-]+$"), level=1)).to_be_visible()
    expect(shop.get_by_text("Paid", exact=True)).to_be_visible()
    shop.screenshot(path=str(SHOTS / "confirmation.png"), full_page=True)
    engine = make_engine(live_app.database_url)
    with Session(engine) as session:
        order = session.exec(select(Order).where(Order.buyer_email == buyer)).one()
        items = session.exec(select(OrderItem).where(OrderItem.order_id == order.id)).all()
    engine.dispose()
    assert order.status == "paid" and sum(item.quantity for item in items) == 2

    phone = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    phone.goto(organiser_site)
    expect(phone.get_by_role("region", name="Tickets").get_by_label("Quantity of Standard")).to_be_visible()
    phone.screenshot(path=str(SHOTS / "widget-phone.png"), full_page=True)


def test_other_sites_get_no_data_no_cart_and_no_page_of_the_shop_can_be_framed(
    live_app: LiveApp, organiser_site: str
) -> None:
    stranger = "http://127.0.0.1:9"
    status, headers = _request(f"{live_app.url}/widget/v1/events/{SLUG}.json", organiser_site)
    assert status == 200 and {k.lower(): v for k, v in headers.items()}["access-control-allow-origin"] == organiser_site
    status, headers = _request(f"{live_app.url}/widget/v1/events/{SLUG}.json", stranger)
    assert status == 403 and "access-control-allow-origin" not in {k.lower() for k in headers}
    status, _ = _request(f"{live_app.url}/widget/v1/checkout", stranger, b"event=jazz-a-lyon&qty-1=1")
    assert status == 403
    status, headers = _request(f"{live_app.url}/widget/v1/ticketapp.js", stranger)
    assert (
        status == 200 and {k.lower(): v for k, v in headers.items()}["cross-origin-resource-policy"] == "cross-origin"
    )
    for path in ("/", f"/events/{SLUG}", "/checkout"):
        _, headers = _request(f"{live_app.url}{path}", stranger)
        lowered = {k.lower(): v for k, v in headers.items()}
        assert "frame-ancestors 'none'" in lowered["content-security-policy"]
        assert lowered["x-frame-options"] == "DENY"
