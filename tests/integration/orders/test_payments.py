"""Payments end to end at the service and HTTP level, with the real stripe library
talking to a local stand-in for Stripe's API, and webhooks signed with Stripe's scheme."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from sqlmodel import Session, select
from starlette.responses import PlainTextResponse
from starlette.testclient import TestClient

from tests.factories import checkout_object, make_pending_order, reload_order, signed_event
from tests.fakes.stripe_api import WEBHOOK_SECRET, FakeStripe, event_payload, sign_webhook
from ticketapp.api.routes import with_api_routes
from ticketapp.db import make_engine
from ticketapp.models import Order, OrderLog, OrderStatus, Payment, Refund, WebhookEvent, utcnow
from ticketapp.services.booking import checkout as order_service
from ticketapp.services.booking import holds, inventory
from ticketapp.services.orders import payments as order_payments
from ticketapp.services.orders.lifecycle import OrderError
from ticketapp.services.orders.payments import PaymentMethod, PaymentOutcome
from ticketapp.services.orders.providers.stripe_events import handle_stripe_event


async def _reflex_stand_in(scope, receive, send) -> None:
    await PlainTextResponse("reflex")(scope, receive, send)


@pytest.fixture
def client(app_db: str, fake_stripe: FakeStripe) -> TestClient:
    return TestClient(with_api_routes(_reflex_stand_in))


def _paid_logs(session: Session, order: Order) -> int:
    return len(session.exec(select(OrderLog).where(OrderLog.order_id == order.id, OrderLog.to_status == "paid")).all())


def _post(client: TestClient, payload: bytes, signature: str) -> object:
    return client.post("/api/stripe/webhook", content=payload, headers={"Stripe-Signature": signature})


# --- starting a Stripe payment --------------------------------------------------------------


def test_stripe_checkout_session_request_shape(session: Session, fake_stripe: FakeStripe) -> None:
    order, _ = make_pending_order(session, quantity=3, price_minor=4550)
    start = order_payments.begin_payment(session, order.code, "stripe")
    assert start.method is PaymentMethod.STRIPE
    [call] = fake_stripe.calls("POST", "/v1/checkout/sessions")
    form = call.form
    assert form["mode"] == "payment"
    assert form["line_items[0][price_data][currency]"] == "eur"
    assert form["line_items[0][price_data][unit_amount]"] == "4550"  # minor units
    assert form["line_items[0][quantity]"] == "3"
    assert form["line_items[0][price_data][product_data][name]"].startswith("Test Concert")
    assert form["metadata[order_id]"] == str(order.id)
    assert form["metadata[order_code]"] == order.code
    assert form["customer_email"] == "ada@example.com"
    assert call.headers["idempotency-key"] == f"checkout-{order.code}"
    assert call.headers["authorization"] == "Bearer sk_test_ticketapp"
    assert "payment_method_types[0]" not in form  # Stripe offers every method enabled for EUR
    assert int(form["expires_at"]) >= time.time() + 30 * 60
    assert form["success_url"].startswith(order_payments.status_url(order))
    assert start.redirect_url == fake_stripe.sessions[next(iter(fake_stripe.sessions))]["url"]
    payment = session.exec(select(Payment).where(Payment.order_id == order.id)).one()
    assert (payment.provider, payment.status, payment.amount_minor) == ("stripe", "pending", 13650)
    # Clicking "Pay" twice creates no second session (same idempotency key).
    order_payments.begin_payment(session, order.code, "stripe")
    assert len(fake_stripe.sessions) == 1
    assert len(session.exec(select(Payment).where(Payment.order_id == order.id)).all()) == 1


def test_jpy_amounts_are_sent_without_decimals(session: Session, fake_stripe: FakeStripe) -> None:
    order, _ = make_pending_order(session, quantity=2, price_minor=8500, currency="JPY")
    order_payments.begin_payment(session, order.code, "stripe")
    form = fake_stripe.calls("POST", "/v1/checkout/sessions")[0].form
    assert (form["line_items[0][price_data][currency]"], form["line_items[0][price_data][unit_amount]"]) == (
        "jpy",
        "8500",
    )


def test_demo_is_offered_only_without_stripe_keys(session: Session) -> None:
    assert order_payments.available_methods(1000) == [PaymentMethod.DEMO, PaymentMethod.BANK_TRANSFER]
    assert order_payments.available_methods(0) == [PaymentMethod.FREE]
    order, _ = make_pending_order(session)
    with pytest.raises(OrderError):
        order_payments.begin_payment(session, order.code, "stripe")
    with pytest.raises(OrderError):
        order_payments.begin_payment(session, order.code, "free")


# --- webhooks -------------------------------------------------------------------------------


def test_signed_completed_webhook_fulfils_once(session: Session, client: TestClient) -> None:
    order, ticket_type = make_pending_order(session)
    order_payments.begin_payment(session, order.code, "stripe")
    payload, signature = signed_event("checkout.session.completed", checkout_object(order), "evt_1")
    response = _post(client, payload, signature)
    assert response.status_code == 200, response.text
    assert response.json()["outcome"] == "paid"
    paid = reload_order(session, order)
    assert paid.status == OrderStatus.PAID and paid.paid_at is not None
    payment = session.exec(select(Payment).where(Payment.order_id == order.id)).one()
    assert (payment.status, payment.intent_reference) == ("succeeded", "pi_test_123")
    # Stripe retries the same event: processed once.
    again = _post(client, payload, sign_webhook(payload, WEBHOOK_SECRET))
    assert again.status_code == 200 and again.json()["outcome"] == "duplicate"
    assert _paid_logs(session, order) == 1
    # The sold seats stay counted after the payment window.
    later = utcnow() + timedelta(days=1)
    assert inventory.availability(session, [ticket_type.id], now=later)[ticket_type.id].sold == 2


@pytest.mark.parametrize(
    "tamper",
    ["bad_signature", "stale_timestamp", "no_header", "other_secret", "changed_body"],
)
def test_forged_webhooks_are_rejected_and_change_nothing(session: Session, client: TestClient, tamper: str) -> None:
    order, _ = make_pending_order(session)
    payload = event_payload("checkout.session.completed", checkout_object(order))
    headers = {"Stripe-Signature": sign_webhook(payload, WEBHOOK_SECRET)}
    if tamper == "bad_signature":
        headers["Stripe-Signature"] = headers["Stripe-Signature"][:-4] + "0000"
    elif tamper == "stale_timestamp":
        headers["Stripe-Signature"] = sign_webhook(payload, WEBHOOK_SECRET, timestamp=int(time.time()) - 3600)
    elif tamper == "no_header":
        headers = {}
    elif tamper == "other_secret":
        headers["Stripe-Signature"] = sign_webhook(payload, "whsec_attacker")
    elif tamper == "changed_body":
        payload = payload.replace(b'"paid"', b'"paid" ')
    response = client.post("/api/stripe/webhook", content=payload, headers=headers)
    assert response.status_code == 400
    assert reload_order(session, order).status == OrderStatus.PENDING
    assert session.exec(select(WebhookEvent)).all() == []


def test_unknown_order_is_rejected_without_recording(session: Session, client: TestClient) -> None:
    order, _ = make_pending_order(session)
    obj = checkout_object(order, metadata={"order_id": "999999", "order_code": "NOPE"})
    response = _post(client, *signed_event("checkout.session.completed", obj))
    assert response.status_code == 400
    assert session.exec(select(WebhookEvent)).all() == []
    # A real order id with the wrong code is not enough either.
    obj = checkout_object(order, metadata={"order_id": str(order.id), "order_code": "TK-FORGED"})
    assert _post(client, *signed_event("checkout.session.completed", obj)).status_code == 400
    assert reload_order(session, order).status == OrderStatus.PENDING


@pytest.mark.parametrize("field", ["amount_total", "currency"])
def test_wrong_amount_or_currency_flags_the_order(session: Session, client: TestClient, field: str) -> None:
    order, _ = make_pending_order(session)
    wrong = {"amount_total": 1} if field == "amount_total" else {"currency": "usd"}
    response = _post(client, *signed_event("checkout.session.completed", checkout_object(order, **wrong)))
    assert response.status_code == 200 and response.json()["outcome"] == "flagged_mismatch"
    flagged = reload_order(session, order)
    assert flagged.status == OrderStatus.PENDING
    assert "does not match" in (flagged.flagged_reason or "")


def test_two_webhooks_racing_fulfil_once(session: Session, db_url: str, fake_stripe: FakeStripe) -> None:
    order, _ = make_pending_order(session)
    order_payments.begin_payment(session, order.code, "stripe")
    events = [
        {"id": f"evt_race_{i}", "type": kind, "data": {"object": checkout_object(order)}}
        for i, kind in enumerate(["checkout.session.completed", "checkout.session.async_payment_succeeded"])
    ]
    results: list[str] = []
    barrier = threading.Barrier(len(events))

    def deliver(event: dict) -> None:
        engine = make_engine(db_url)
        with Session(engine, expire_on_commit=False) as own:
            barrier.wait()
            results.append(handle_stripe_event(own, event))
        engine.dispose()

    threads = [threading.Thread(target=deliver, args=(e,)) for e in events]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["already_paid", "paid"]
    assert _paid_logs(session, order) == 1


def test_async_payment_keeps_seats_then_succeeds_or_fails(session: Session, client: TestClient) -> None:
    order, ticket_type = make_pending_order(session)
    response = _post(
        client, *signed_event("checkout.session.completed", checkout_object(order, payment_status="unpaid"))
    )
    assert response.json()["outcome"] == "awaiting async payment"
    waiting = reload_order(session, order)
    assert waiting.status == OrderStatus.AWAITING_PAYMENT
    assert waiting.expires_at and waiting.expires_at > utcnow() + timedelta(days=4)
    failed = _post(client, *signed_event("checkout.session.async_payment_failed", checkout_object(order)))
    assert failed.json()["outcome"] == "failed"
    assert reload_order(session, order).status == OrderStatus.FAILED
    assert inventory.availability(session, [ticket_type.id])[ticket_type.id].remaining == 50


def test_expired_checkout_releases_the_seats(session: Session, client: TestClient) -> None:
    order, ticket_type = make_pending_order(session, quantity=4, capacity=4)
    assert inventory.availability(session, [ticket_type.id])[ticket_type.id].remaining == 0
    response = _post(client, *signed_event("checkout.session.expired", checkout_object(order, status="expired")))
    assert response.json()["outcome"] == "expired"
    assert reload_order(session, order).status == OrderStatus.EXPIRED
    assert inventory.availability(session, [ticket_type.id])[ticket_type.id].remaining == 4


def test_late_payment_takes_free_seats(session: Session, app_db: str, fake_stripe: FakeStripe) -> None:
    order, _ = make_pending_order(session)
    order_service.sweep_expired(session, now=utcnow() + timedelta(hours=2))
    assert reload_order(session, order).status == OrderStatus.EXPIRED
    outcome = order_payments.record_payment(
        session, order.id, provider="stripe", reference="cs_1", amount_minor=order.total_minor, currency="EUR"
    )
    assert outcome is PaymentOutcome.PAID
    assert reload_order(session, order).status == OrderStatus.PAID


def test_late_payment_for_sold_out_seats_is_refunded(session: Session, app_db: str, fake_stripe: FakeStripe) -> None:
    order, ticket_type = make_pending_order(session, quantity=2, capacity=2)
    order_payments.begin_payment(session, order.code, "stripe")
    # The window closes and someone else buys the two seats.
    later = utcnow() + timedelta(hours=2)
    order_service.sweep_expired(session, now=later)
    other = "c" * 43
    holds.set_hold_quantity(session, other, ticket_type.id, 2)
    [rival] = order_service.convert_cart_to_pending_order(
        session, other, buyer_name="Bob", buyer_email="bob@example.com"
    )
    outcome = order_payments.record_payment(
        session,
        order.id,
        provider="stripe",
        reference="cs_late",
        amount_minor=order.total_minor,
        currency="EUR",
        intent_reference="pi_late",
    )
    assert outcome is PaymentOutcome.REFUNDED_LATE
    refunded = reload_order(session, order)
    assert refunded.status == OrderStatus.REFUNDED and "refunded automatically" in (refunded.flagged_reason or "")
    [refund_call] = fake_stripe.calls("POST", "/v1/refunds")
    assert refund_call.form == {"payment_intent": "pi_late", "amount": str(order.total_minor)}
    # Never oversold: the rival's seats are intact.
    assert reload_order(session, rival).status == OrderStatus.PENDING
    assert inventory.availability(session, [ticket_type.id])[ticket_type.id].remaining == 0


def test_dispute_flags_the_order(session: Session, client: TestClient) -> None:
    order, _ = make_pending_order(session)
    _post(client, *signed_event("checkout.session.completed", checkout_object(order)))
    dispute = {"id": "dp_1", "object": "dispute", "payment_intent": "pi_test_123", "reason": "fraudulent"}
    assert _post(client, *signed_event("charge.dispute.created", dispute)).json()["outcome"] == "flagged"
    assert "dispute" in (reload_order(session, order).flagged_reason or "")


def test_refund_in_stripe_dashboard_is_recorded(session: Session, client: TestClient) -> None:
    order, _ = make_pending_order(session)
    _post(client, *signed_event("checkout.session.completed", checkout_object(order)))
    charge = {"id": "ch_1", "object": "charge", "payment_intent": "pi_test_123", "amount_refunded": 2500}
    assert _post(client, *signed_event("charge.refunded", charge)).json()["outcome"] == "refund recorded"
    partial = reload_order(session, order)
    assert (partial.status, partial.refunded_minor) == (OrderStatus.PARTIALLY_REFUNDED, 2500)
    charge["amount_refunded"] = 5000
    assert _post(client, *signed_event("charge.refunded", charge)).json()["outcome"] == "refund recorded"
    assert reload_order(session, order).status == OrderStatus.REFUNDED
    assert sum(r.amount_minor for r in session.exec(select(Refund)).all()) == 5000


def test_webhook_is_404_when_stripe_is_not_configured(session: Session, app_db: str) -> None:
    client = TestClient(with_api_routes(_reflex_stand_in))
    payload = event_payload("checkout.session.completed", {})
    assert client.post("/api/stripe/webhook", content=payload).status_code == 404


def test_huge_webhook_body_is_refused(client: TestClient) -> None:
    payload = b"{" + b" " * (600 * 1024) + b"}"
    response = client.post("/api/stripe/webhook", content=payload, headers={"Stripe-Signature": "t=1,v1=0"})
    assert response.status_code == 413
