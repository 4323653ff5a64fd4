"""Starting and refunding a payment through each provider: what the order and the provider see."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, select

from tests.factories import checkout_object, make_pending_order, reload_order
from tests.fakes.stripe_api import FakeStripe
from ticketapp.models import Order, OrderLog, OrderStatus, Payment, Ticket, utcnow
from ticketapp.services.orders import payments as order_payments
from ticketapp.services.orders import refunds
from ticketapp.services.orders.payments import OrderError, PaymentMethod
from ticketapp.services.orders.providers.stripe_events import handle_stripe_event


def _notes(session: Session, order: Order) -> list[str]:
    return [log.note for log in session.exec(select(OrderLog).where(OrderLog.order_id == order.id)).all()]


@pytest.mark.parametrize("method", ["paypal", "", "STRIPE"])
def test_an_unknown_method_is_refused_and_changes_nothing(session: Session, method: str) -> None:
    order, _ = make_pending_order(session)
    with pytest.raises(OrderError) as refused:
        order_payments.begin_payment(session, order.code, method)
    assert refused.value.message == "This payment method is not available for this order."
    unchanged = reload_order(session, order)
    assert (unchanged.status, unchanged.payment_method) == (OrderStatus.PENDING, None)
    assert session.exec(select(Payment).where(Payment.order_id == order.id)).all() == []


def test_demo_start_sends_the_buyer_to_the_signed_demo_page(session: Session) -> None:
    order, _ = make_pending_order(session)
    start = order_payments.begin_payment(session, order.code, "demo")
    assert start.method is PaymentMethod.DEMO
    assert start.redirect_url and f"/pay/demo/{order.code}?s=" in start.redirect_url
    payment = session.exec(select(Payment).where(Payment.order_id == order.id)).one()
    assert (payment.provider, payment.status, payment.amount_minor) == ("demo", "pending", order.total_minor)
    assert reload_order(session, order).status == OrderStatus.PENDING


def test_bank_transfer_start_waits_for_the_transfer(session: Session) -> None:
    order, _ = make_pending_order(session)
    start = order_payments.begin_payment(session, order.code, "bank_transfer")
    assert start.redirect_url == order_payments.status_url(order)
    waiting = reload_order(session, order)
    assert (waiting.status, waiting.payment_method) == (OrderStatus.AWAITING_PAYMENT, "bank_transfer")
    assert waiting.expires_at and waiting.expires_at > utcnow() + timedelta(days=4)
    assert "bank transfer chosen" in _notes(session, order)


def test_free_start_pays_the_order_at_once(session: Session, app_db: str) -> None:
    order, _ = make_pending_order(session, price_minor=0)
    start = order_payments.begin_payment(session, order.code, "free")
    assert start.redirect_url == order_payments.status_url(order)
    assert reload_order(session, order).status == OrderStatus.PAID
    payment = session.exec(select(Payment).where(Payment.order_id == order.id)).one()
    assert (payment.provider, payment.status, payment.amount_minor) == ("free", "succeeded", 0)
    assert "paid via free" in _notes(session, order)


def test_a_stripe_payment_is_refunded_through_stripe(session: Session, app_db: str, fake_stripe: FakeStripe) -> None:
    order, _ = make_pending_order(session)
    order_payments.begin_payment(session, order.code, "stripe")
    event = {"id": "evt_paid", "type": "checkout.session.completed", "data": {"object": checkout_object(order)}}
    assert handle_stripe_event(session, event) == "paid"
    [first, _second] = session.exec(select(Ticket).where(Ticket.order_id == order.id)).all()
    refund = refunds.refund_order(session, order.code, ticket_ids=[first.id or 0])
    [call] = fake_stripe.calls("POST", "/v1/refunds")
    assert call.form == {"payment_intent": "pi_test_123", "amount": "2500"}
    assert call.headers["idempotency-key"] == f"refund-{order.code}-1"
    assert refund.provider_reference == fake_stripe.refunds[0]["id"]
    assert reload_order(session, order).status == OrderStatus.PARTIALLY_REFUNDED


def test_a_demo_payment_is_refunded_without_calling_stripe(
    session: Session, app_db: str, fake_stripe: FakeStripe
) -> None:
    order, _ = make_pending_order(session)
    order_payments.record_payment(
        session, order.id or 0, provider="demo", reference="demo-1", amount_minor=order.total_minor, currency="EUR"
    )
    refund = refunds.refund_order(session, order.code)
    assert refund.provider_reference is None and refund.amount_minor == order.total_minor
    assert fake_stripe.calls("POST", "/v1/refunds") == []
    assert reload_order(session, order).status == OrderStatus.REFUNDED


def test_stripe_down_is_a_clear_refusal_and_bank_transfer_still_works(
    session: Session, app_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The Stripe API does not answer (a closed port): the buyer gets a message, nothing is recorded,
    and the order can still be paid by transfer (docs/runbook.md "Payment provider down")."""
    import socket

    from ticketapp.settings import get_settings

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    monkeypatch.setenv("STRIPE_SECRET_KEY", "sk_test_ticketapp")
    monkeypatch.setenv("STRIPE_WEBHOOK_SECRET", "whsec_ticketapp")
    monkeypatch.setenv("STRIPE_API_BASE", f"http://127.0.0.1:{closed_port}")
    get_settings.cache_clear()
    try:
        order, _ = make_pending_order(session)
        with pytest.raises(OrderError) as refused:
            order_payments.begin_payment(session, order.code, "stripe")
        assert refused.value.message == order_payments.PROVIDER_UNAVAILABLE
        fresh = reload_order(session, order)
        assert fresh.status == OrderStatus.PENDING and fresh.payment_method != "stripe"
        assert session.exec(select(Payment).where(Payment.order_id == order.id)).all() == []
        start = order_payments.begin_payment(session, order.code, "bank_transfer")
        assert start.awaiting is not None
        assert reload_order(session, order).status == OrderStatus.AWAITING_PAYMENT
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()
