"""Journeys: a risky purchase is held for review and an admin approves or rejects it (paid by the demo
card, or only authorised on Stripe: captured on approval, cancelled on rejection); block lists
refuse a buyer at checkout; the security view filters, charts and tabulates the security log.
And a customer's crafted websocket events to the admin handlers change nothing."""

from __future__ import annotations

import re
import secrets
import time
import uuid
from pathlib import Path
from typing import Any

import socketio
from playwright.sync_api import Page, expect
from sqlmodel import Session, select

from tests.e2e.accounts_helpers import PASSWORD, create_user, sign_in_staff, unique_email
from tests.e2e.conftest import E2E_WEBHOOK_SECRET, LiveApp
from tests.fakes.stripe_api import FakeStripe, event_payload, post_signed_webhook
from tests.support_smtp import MailSink
from ticketapp.db import make_engine
from ticketapp.models import BlockEntry, BlockKind, Order, OrderStatus, ReviewState, Ticket, User
from ticketapp.services.accounts.security_log import ClientInfo
from ticketapp.services.accounts.sessions import SESSION_COOKIE, create_session
from ticketapp.state.account.auth import AuthState
from ticketapp.state.admin.risk import AdminBlocksState, AdminReviewState

SHOTS = Path(__file__).resolve().parents[2] / ".web-test" / "screenshots"


DEMO_CARD = "Card — test mode, no real money"
STRIPE = "Card, wallet or bank (secure payment by Stripe)"


def _checkout(page: Page, base: str, name: str, email: str, method_label: str = DEMO_CARD) -> None:
    """A guest puts one Standard ticket of "Jazz à Lyon" in the cart and places the order (demo card)."""
    page.goto(f"{base}/events/jazz-a-lyon")
    page.get_by_label("Quantity of Standard").select_option("1")
    page.get_by_role("button", name="Add to cart: Standard").click()
    expect(page.get_by_text("1 ticket added to your cart.")).to_be_visible()
    page.goto(f"{base}/checkout")
    expect(page.get_by_text(re.compile(r"^Total: "))).to_be_visible()  # the page has loaded the cart
    page.get_by_label("Full name").fill(name)
    page.get_by_label("E-mail").fill(email)
    terms = page.get_by_label("I accept the terms of sale")
    if not terms.is_checked():  # a second purchase in the same tab: still ticked from the first
        terms.click()
    expect(terms).to_be_checked()
    method = page.get_by_label(method_label)
    method.click()
    expect(method).to_be_checked()
    page.get_by_role("button", name="Place order and pay").click()


def _buy_held(page: Page, email: str) -> str:
    """A guest buys one ticket with a disposable address and pays (demo): the order is held."""
    _checkout(page, "", "Sam Risky", email)
    page.wait_for_url(re.compile(r"/pay/demo/[A-Z0-9]+"))
    code = re.search(r"/pay/demo/([A-Z0-9]+)", page.url).group(1)  # type: ignore[union-attr]
    page.get_by_role("button", name=re.compile(r"^Pay €")).click()
    expect(page.get_by_role("heading", name=f"Order {code}", level=1)).to_be_visible()
    expect(page.get_by_text("Paid — we are checking this order; your tickets will follow by e-mail")).to_be_visible()
    return code


def _post_webhook(live_app: LiveApp, event_type: str, obj: dict[str, Any]) -> str:
    return str(post_signed_webhook(live_app.url, event_payload(event_type, obj), E2E_WEBHOOK_SECRET)["outcome"])


def _authorise_held(page: Page, live_app: LiveApp, stripe: FakeStripe, email: str) -> tuple[str, str]:
    """A guest with a disposable address pays on Stripe's page: held at checkout, so only authorised."""
    _checkout(page, "", "Sam Risky", email, STRIPE)
    expect(page.get_by_role("heading", name="Stripe Checkout (test double)")).to_be_visible()
    checkout_session, intent = stripe.pay(page.url.rsplit("/", 1)[-1])
    assert intent["status"] == "requires_capture"
    page.get_by_role("link", name="Back to the shop").click()
    assert _post_webhook(live_app, "payment_intent.amount_capturable_updated", intent) == "authorised"
    expect(page.get_by_text("Payment authorised — we are checking this order", exact=True)).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="nothing is charged")).to_be_visible()
    return checkout_session["metadata"]["order_code"], intent["id"]


def _order(live_app: LiveApp, code: str) -> tuple[Order, int]:
    engine = make_engine(live_app.database_url)
    with Session(engine, expire_on_commit=False) as session:
        order = session.exec(select(Order).where(Order.code == code)).one()
        tickets = len(session.exec(select(Ticket).where(Ticket.order_id == order.id)).all())
    engine.dispose()
    return order, tickets


def _admin(page: Page, live_app: LiveApp) -> str:
    email = unique_email("risk-admin")
    create_user(live_app.database_url, email, role="admin")
    sign_in_staff(page, live_app.database_url, email, PASSWORD)
    return email


def test_an_admin_approves_one_held_order_and_rejects_another(
    page: Page, live_app: LiveApp, mail_sink: MailSink
) -> None:
    approved_buyer = f"held-{secrets.token_hex(3)}@mailinator.com"
    rejected_buyer = f"held-{secrets.token_hex(3)}@mailinator.com"
    approved = _buy_held(page, approved_buyer)
    rejected = _buy_held(page, rejected_buyer)
    order, tickets = _order(live_app, approved)
    assert (order.status, order.review_state, tickets) == (OrderStatus.PAID, ReviewState.HELD, 0)
    assert mail_sink.mails_to(approved_buyer) == []

    page.context.clear_cookies()
    _admin(page, live_app)
    page.goto("/admin/review")
    expect(page.get_by_role("heading", name="Orders held for review", level=1)).to_be_visible()
    card = page.get_by_role("article", name=approved)
    expect(card).to_contain_text("Disposable e-mail domain mailinator.com")
    expect(card).to_contain_text(approved_buyer)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "admin-review.png"), full_page=True)

    card.get_by_role("button", name="Approve").click()
    expect(page.get_by_role("status").filter(has_text=f"Order {approved} approved")).to_be_visible()
    expect(page.get_by_role("article", name=approved)).to_have_count(0)
    mail = mail_sink.wait_for(approved_buyer, approved)
    assert approved in mail.text
    order, tickets = _order(live_app, approved)
    assert (order.review_state, tickets) == (ReviewState.APPROVED, 1)

    other = page.get_by_role("article", name=rejected)
    other.get_by_role("button", name="Reject and refund").click()  # no reason: refused, nothing changes
    expect(page.get_by_role("status").filter(has_text="Please give a reason.")).to_be_visible()
    assert _order(live_app, rejected)[0].status == OrderStatus.PAID
    other.get_by_label("Reason for rejecting").fill("stolen card reported by the bank")
    other.get_by_role("button", name="Reject and refund").click()
    expect(page.get_by_role("status").filter(has_text=f"Order {rejected} rejected and refunded.")).to_be_visible()
    order, tickets = _order(live_app, rejected)
    assert (order.status, order.review_state, tickets) == (OrderStatus.REFUNDED, ReviewState.REJECTED, 0)


def test_stripe_payments_in_review_are_captured_on_approval_and_cancelled_on_rejection(
    page: Page, live_app: LiveApp, mail_sink: MailSink, stripe_service: FakeStripe
) -> None:
    approved_buyer = f"auth-{secrets.token_hex(3)}@mailinator.com"
    lapsed_buyer = f"auth-{secrets.token_hex(3)}@mailinator.com"
    approved, approved_intent = _authorise_held(page, live_app, stripe_service, approved_buyer)
    lapsed, lapsed_intent = _authorise_held(page, live_app, stripe_service, lapsed_buyer)
    order, tickets = _order(live_app, approved)
    assert (order.status, order.review_state, tickets) == (OrderStatus.AWAITING_PAYMENT, ReviewState.HELD, 0)
    assert mail_sink.mails_to(approved_buyer) == []

    page.context.clear_cookies()
    _admin(page, live_app)
    page.goto("/admin/review")
    card = page.get_by_role("article", name=approved)
    expect(card).to_contain_text("Card authorised, not charged yet: approving takes the payment, rejecting cancels it.")
    expect(card.get_by_role("button", name="Reject and refund")).to_have_count(0)
    card.get_by_role("button", name="Approve").click()
    expect(
        page.get_by_role("status").filter(has_text=f"Order {approved} approved: the card payment was taken")
    ).to_be_visible()
    assert stripe_service.intents[approved_intent]["status"] == "succeeded"
    assert approved in mail_sink.wait_for(approved_buyer, approved).text
    order, tickets = _order(live_app, approved)
    assert (order.status, order.review_state, tickets) == (OrderStatus.PAID, ReviewState.APPROVED, 1)

    stripe_service.lapse(lapsed_intent)  # left too long: Stripe let the authorisation go
    other = page.get_by_role("article", name=lapsed)
    other.get_by_role("button", name="Approve").click()
    expect(
        page.get_by_role("status").filter(has_text=f"The payment for order {lapsed} could not be taken")
    ).to_be_visible()
    order, tickets = _order(live_app, lapsed)
    assert (order.status, order.review_state, tickets) == (OrderStatus.AWAITING_PAYMENT, ReviewState.HELD, 0)
    other.get_by_label("Reason for rejecting").fill("authorisation expired")
    other.get_by_role("button", name="Reject and cancel the payment").click()
    expect(
        page.get_by_role("status").filter(has_text=f"Order {lapsed} rejected: the card authorisation was cancelled")
    ).to_be_visible()
    expect(page.get_by_role("article", name=lapsed)).to_have_count(0)
    order, tickets = _order(live_app, lapsed)
    assert (order.status, order.review_state, tickets) == (OrderStatus.CANCELLED, ReviewState.REJECTED, 0)
    assert not [r for r in stripe_service.refunds if r["payment_intent"] in (approved_intent, lapsed_intent)]


def test_a_blocked_domain_is_refused_at_checkout_until_the_block_is_removed(page: Page, live_app: LiveApp) -> None:
    domain = f"blocked-{secrets.token_hex(3)}.test"
    _admin(page, live_app)
    page.goto("/admin/blocks")
    form = page.get_by_role("form", name="Add a block")
    form.get_by_label("What to block").select_option(BlockKind.DOMAIN)
    form.get_by_label("Address, domain or range").fill("not a domain")
    form.get_by_label("Reason").fill("test")
    form.get_by_role("button", name="Block").click()
    expect(page.get_by_role("status").filter(has_text="Please enter a domain such as example.com.")).to_be_visible()
    form.get_by_label("What to block").select_option(BlockKind.DOMAIN)
    form.get_by_label("Address, domain or range").fill(domain)
    form.get_by_label("Reason").fill("chargebacks")
    form.get_by_label("Days (empty: until removed)").fill("7")
    form.get_by_role("button", name="Block").click()
    table = page.get_by_role("table", name="Block lists")
    expect(table.get_by_role("row").filter(has_text=domain)).to_contain_text("chargebacks")

    buyer = page.context.browser.new_page()  # type: ignore[union-attr]
    _checkout(buyer, live_app.url, "Blocked Buyer", f"someone@{domain}")
    expect(buyer.get_by_text("We could not accept this order.")).to_be_visible()
    engine = make_engine(live_app.database_url)
    with Session(engine) as session:
        assert session.exec(select(Order).where(Order.buyer_email == f"someone@{domain}")).all() == []
    engine.dispose()

    row = table.get_by_role("row").filter(has_text=domain)
    row.get_by_role("button", name="Remove").click()
    page.get_by_role("alertdialog").get_by_role("button", name="Remove").click()
    expect(page.get_by_role("status").filter(has_text="Block removed.")).to_be_visible()
    expect(table.get_by_role("row").filter(has_text=domain)).to_have_count(0)
    buyer.get_by_role("button", name="Place order and pay").click()
    expect(buyer.get_by_role("heading", name="Test payment", level=1)).to_be_visible()
    buyer.close()


def test_the_security_view_filters_and_shows_a_chart_and_a_table(page: Page, live_app: LiveApp) -> None:
    _buy_held(page, f"sec-{secrets.token_hex(3)}@mailinator.com")
    page.context.clear_cookies()
    admin_email = _admin(page, live_app)
    page.goto("/admin/security")
    expect(page.get_by_role("heading", name="Security events", level=1)).to_be_visible()
    events = page.get_by_role("table", name="Security events")
    expect(events.get_by_role("row").filter(has_text="Order held for review").first).to_be_visible()
    chart = page.get_by_role("region", name="Events over time")
    expect(chart.locator("svg.main-svg").first).to_be_visible(timeout=30_000)  # Plotly's own drawing
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "admin-security.png"), full_page=True)

    filters = page.get_by_role("form", name="Security event filters")
    filters.get_by_label("Kind of event").select_option(label="Signed in")
    filters.get_by_label("Account (e-mail or id)").fill(admin_email)
    filters.get_by_role("button", name="Show").click()
    expect(events.get_by_role("row").filter(has_text="Order held for review")).to_have_count(0)
    expect(events.get_by_role("row").filter(has_text=admin_email).first).to_contain_text("Signed in")

    chart.get_by_role("button", name="View as table").click()
    expect(chart.get_by_role("table")).to_contain_text("Signed in")

    filters.get_by_label("From date").fill("2030-01-02")
    filters.get_by_label("To date").fill("2030-01-01")
    filters.get_by_role("button", name="Show").click()
    expect(page.get_by_role("status").filter(has_text="The end date is before the start date.")).to_be_visible()


# --- a customer's crafted websocket events ---------------------------------------------------------

ROOT = "reflex___state____state"


class _Tab:
    """Reflex's websocket protocol, spoken directly (python-socketio against /_event)."""

    def __init__(self, url: str, cookies: dict[str, str]) -> None:
        self.token = str(uuid.uuid4())
        self.sio = socketio.Client(reconnection=False)
        self.deltas: list[dict[str, Any]] = []
        self.sio.on("event", lambda update: self.deltas.append(update.get("delta") or {}), namespace="/_event")
        cookie = "; ".join(f"{k}={v}" for k, v in cookies.items())
        self.sio.connect(
            f"{url}?token={self.token}",
            socketio_path="/_event",
            transports=["websocket"],
            namespaces=["/_event"],
            headers={"Cookie": cookie},  # the client sends the Origin (url's) itself
        )
        storage = {f"{AuthState.get_full_name()}.browser_token_rx_state_": cookies.get(SESSION_COOKIE, "")}
        self.call(f"{ROOT}.hydrate_and_load", {"vars": storage}, answer=(ROOT, "is_hydrated_rx_state_"))

    def call(self, handler: str, payload: dict[str, Any], *, answer: tuple[str, str], timeout: float = 15) -> Any:
        """Send one event; wait for the server's delta setting `answer` (state, var) and return that value."""
        seen = len(self.deltas)
        event = {"name": handler, "payload": payload, "router_data": {"pathname": "/admin/review", "asPath": "/"}}
        self.sio.emit("event", event, namespace="/_event")
        state, var = answer
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for delta in self.deltas[seen:]:
                if var in delta.get(state, {}):
                    return delta[state][var]
            self.sio.sleep(0.05)
        raise AssertionError(f"no answer to {handler}")

    def value(self, state: str, var: str) -> Any:
        return next((d[state][var] for d in reversed(self.deltas) if var in d.get(state, {})), None)


def test_a_customers_crafted_events_to_the_admin_handlers_change_nothing(live_app: LiveApp, page: Page) -> None:
    code = _buy_held(page, f"crafted-{secrets.token_hex(3)}@mailinator.com")
    engine = make_engine(live_app.database_url)
    with Session(engine, expire_on_commit=False) as session:
        customer = User(email=unique_email("crafty"), display_name="Crafty", role="customer")
        session.add(customer)
        session.commit()
        token, _ = create_session(session, customer, False, ClientInfo(ip="127.0.0.1"))
        session.add(BlockEntry(kind=BlockKind.EMAIL, value=f"keep-{secrets.token_hex(3)}@example.com", reason="x"))
        session.commit()
        blocks_before = [(b.id, b.value) for b in session.exec(select(BlockEntry)).all()]
    tab = _Tab(live_app.url, {SESSION_COOKIE: token})
    review, blocks = AdminReviewState.get_full_name(), AdminBlocksState.get_full_name()
    try:
        refused = [
            tab.call(f"{review}.approve", {"code": code}, answer=(review, "forbidden_rx_state_")),
            tab.call(
                f"{review}.reject", {"form": {"code": code, "reason": "x"}}, answer=(review, "forbidden_rx_state_")
            ),
            tab.call(
                f"{blocks}.add",
                {"form": {"kind": "domain", "value": "example.com", "reason": "crafted"}},
                answer=(blocks, "forbidden_rx_state_"),
            ),
        ]
        for block_id, _ in blocks_before:
            refused.append(
                tab.call(f"{blocks}.remove", {"block_id": str(block_id)}, answer=(blocks, "forbidden_rx_state_"))
            )
        # The server knew who sent them: a signed-in customer, not an anonymous tab.
        assert tab.value(AuthState.get_full_name(), "user_role_rx_state_") == "customer"
    finally:
        tab.sio.disconnect()
    assert refused and all(r is True for r in refused)  # each handler ran and refused (the 403 panel)
    with Session(engine, expire_on_commit=False) as session:
        order = session.exec(select(Order).where(Order.code == code)).one()
        assert (order.status, order.review_state) == (OrderStatus.PAID, ReviewState.HELD)
        assert [(b.id, b.value) for b in session.exec(select(BlockEntry)).all()] == blocks_before
    engine.dispose()
