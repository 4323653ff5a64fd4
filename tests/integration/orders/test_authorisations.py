"""Stripe payments of orders held for review are only authorised, captured on approval and cancelled on
rejection: the real stripe library against the local Stripe stand-in, webhooks signed with Stripe's scheme
and posted to the real route, real databases and a real SMTP sink."""

from __future__ import annotations

import secrets
import socket

import pytest
from sqlmodel import Session, select
from starlette.responses import PlainTextResponse
from starlette.testclient import TestClient

from tests.factories import make_pending_order, reload_order
from tests.fakes.stripe_api import WEBHOOK_SECRET, FakeStripe, event_payload, sign_webhook
from tests.support_smtp import MailSink
from ticketapp.api.routes import with_api_routes
from ticketapp.models import (
    AdminAudit,
    DueJob,
    Order,
    OrderLog,
    OrderStatus,
    Payment,
    Refund,
    ReviewState,
    Ticket,
    TicketType,
    User,
    WebhookEvent,
)
from ticketapp.services.booking.inventory import availability
from ticketapp.services.catalog import events as admin_events
from ticketapp.services.orders import admin as admin_orders
from ticketapp.services.orders import payments as order_payments
from ticketapp.services.orders.summary import summarize_order
from ticketapp.services.risk import review
from ticketapp.settings import get_settings


async def _reflex_stand_in(scope, receive, send) -> None:
    await PlainTextResponse("reflex")(scope, receive, send)


@pytest.fixture
def client(app_db: str, fake_stripe: FakeStripe) -> TestClient:
    return TestClient(with_api_routes(_reflex_stand_in))


def _held(session: Session, capacity: int = 10) -> tuple[Order, TicketType]:
    """A pending order from a disposable address: the risk rules hold it for review at checkout."""
    order, ticket_type = make_pending_order(
        session, capacity=capacity, buyer_email=f"suspect-{secrets.token_hex(4)}@mailinator.com"
    )
    assert order.review_state == ReviewState.HELD
    return order, ticket_type


def _pay_on_stripe(session: Session, fake: FakeStripe, order: Order) -> tuple[dict, dict]:
    """The buyer chooses Stripe and pays on its page: the completed session and its intent."""
    order_payments.begin_payment(session, order.code, "stripe")
    [checkout_session] = [s for s in fake.sessions.values() if s["metadata"]["order_code"] == order.code]
    return fake.pay(checkout_session["id"])


def _post(client: TestClient, event_type: str, obj: dict, event_id: str | None = None) -> dict:
    response = client.post(
        "/api/stripe/webhook",
        content=(body := event_payload(event_type, obj, event_id)),
        headers={"Stripe-Signature": sign_webhook(body, WEBHOOK_SECRET)},
    )
    assert response.status_code == 200, response.text
    return response.json()


def _authorise(session: Session, client: TestClient, fake: FakeStripe, order: Order) -> dict:
    _, intent = _pay_on_stripe(session, fake, order)
    assert intent["status"] == "requires_capture"
    assert _post(client, "payment_intent.amount_capturable_updated", intent)["outcome"] == "authorised"
    return intent


def _tickets(session: Session, order: Order) -> list[Ticket]:
    return list(session.exec(select(Ticket).where(Ticket.order_id == order.id)).all())


def _payment(session: Session, order: Order) -> Payment:
    return session.exec(select(Payment).where(Payment.order_id == order.id)).one()


def _remaining(session: Session, ticket_type: TicketType) -> int:
    return availability(session, [ticket_type.id or 0])[ticket_type.id or 0].remaining


def test_a_held_order_is_only_authorised_and_its_webhooks_pay_nothing(
    session: Session, client: TestClient, fake_stripe: FakeStripe, smtp: None, mail_sink: MailSink
) -> None:
    order, ticket_type = _held(session)
    checkout_session, intent = _pay_on_stripe(session, fake_stripe, order)
    [call] = fake_stripe.calls("POST", "/v1/checkout/sessions")
    assert call.form["payment_intent_data[capture_method]"] == "manual"
    assert call.form["payment_intent_data[metadata][order_code]"] == order.code
    assert (checkout_session["payment_status"], intent["status"]) == ("unpaid", "requires_capture")

    first = _post(client, "payment_intent.amount_capturable_updated", intent, "evt_auth_1")
    assert first["outcome"] == "authorised"
    held = reload_order(session, order)
    assert (held.status, held.review_state, held.paid_at) == (OrderStatus.AWAITING_PAYMENT, ReviewState.HELD, None)
    payment = _payment(session, order)
    assert (payment.status, payment.intent_reference) == ("authorised", intent["id"])
    assert _tickets(session, order) == []
    assert mail_sink.mails_to(order.buyer_email) == []
    assert session.exec(select(DueJob).where(DueJob.kind == "order.paid")).all() == []
    assert _remaining(session, ticket_type) == 8  # the seats wait for the review
    assert fake_stripe.intents[intent["id"]]["status"] == "requires_capture"  # nothing taken
    assert fake_stripe.calls("POST", f"/v1/payment_intents/{intent['id']}/capture") == []
    summary = summarize_order(session, order.code)
    assert summary is not None and summary.authorised and summary.in_review
    [queued] = review.held_orders(session)
    assert queued.order.code == order.code and queued.authorised

    # Stripe's other event for the same authorisation (its PaymentIntent read back from Stripe): recorded once.
    assert _post(client, "checkout.session.completed", checkout_session)["outcome"] == "already_recorded"
    assert fake_stripe.calls("GET", f"/v1/payment_intents/{intent['id']}")
    # A replay of the first event, and a forged one: nothing changes.
    assert _post(client, "payment_intent.amount_capturable_updated", intent, "evt_auth_1")["outcome"] == "duplicate"
    body = event_payload("payment_intent.amount_capturable_updated", intent)
    forged = client.post(
        "/api/stripe/webhook", content=body, headers={"Stripe-Signature": sign_webhook(body, "whsec_attacker")}
    )
    assert forged.status_code == 400
    assert reload_order(session, order).status == OrderStatus.AWAITING_PAYMENT
    assert _payment(session, order).status == "authorised"
    assert session.exec(select(OrderLog).where(OrderLog.order_id == order.id, OrderLog.to_status == "paid")).all() == []
    assert len(session.exec(select(WebhookEvent)).all()) == 2


def test_the_completed_session_alone_records_the_authorisation(
    session: Session, client: TestClient, fake_stripe: FakeStripe
) -> None:
    order, _ = _held(session)
    checkout_session, intent = _pay_on_stripe(session, fake_stripe, order)
    assert _post(client, "checkout.session.completed", checkout_session)["outcome"] == "authorised"
    assert reload_order(session, order).status == OrderStatus.AWAITING_PAYMENT
    assert _payment(session, order).status == "authorised"
    assert _post(client, "payment_intent.amount_capturable_updated", intent)["outcome"] == "already_recorded"


def test_an_order_not_held_keeps_automatic_capture(
    session: Session, client: TestClient, fake_stripe: FakeStripe
) -> None:
    order, _ = make_pending_order(session, buyer_email=f"ada-{secrets.token_hex(4)}@example.com")
    assert order.review_state is None
    checkout_session, intent = _pay_on_stripe(session, fake_stripe, order)
    assert "payment_intent_data[capture_method]" not in fake_stripe.calls("POST", "/v1/checkout/sessions")[0].form
    assert intent["status"] == "succeeded"
    assert _post(client, "checkout.session.completed", checkout_session)["outcome"] == "paid"
    assert reload_order(session, order).status == OrderStatus.PAID
    assert len(_tickets(session, order)) == 2


def test_approval_captures_the_payment_then_pays_issues_and_mails(
    session: Session, client: TestClient, fake_stripe: FakeStripe, smtp: None, mail_sink: MailSink, admin: User
) -> None:
    order, ticket_type = _held(session)
    intent = _authorise(session, client, fake_stripe, order)

    assert review.approve(session, admin.id or 0, order.code) is review.PaymentFate.CAPTURED
    [capture] = fake_stripe.calls("POST", f"/v1/payment_intents/{intent['id']}/capture")
    assert capture.headers["idempotency-key"] == f"capture-{order.code}"
    assert fake_stripe.intents[intent["id"]]["status"] == "succeeded"
    assert fake_stripe.intents[intent["id"]]["amount_received"] == order.total_minor
    paid = reload_order(session, order)
    assert (paid.status, paid.review_state) == (OrderStatus.PAID, ReviewState.APPROVED)
    assert paid.paid_at is not None
    assert _payment(session, order).status == "succeeded"
    assert len(_tickets(session, order)) == 2
    [mail] = [m for m in mail_sink.mails_to(order.buyer_email) if order.code in m.subject]
    assert order.code in mail.text
    assert _remaining(session, ticket_type) == 8
    [row] = session.exec(select(AdminAudit).where(AdminAudit.action == "risk.review_approved")).all()
    assert row.details == {"code": order.code, "payment": "captured"}
    moves = session.exec(
        select(OrderLog).where(OrderLog.order_id == order.id, OrderLog.from_status != OrderLog.to_status)
    )
    assert [(m.from_status, m.to_status, m.note, m.actor_user_id) for m in moves] == [
        ("pending", "awaiting_payment", "stripe: payment authorised, awaiting review", None),
        ("awaiting_payment", "paid", "paid via stripe", admin.id),
    ]
    assert fake_stripe.refunds == [] and review.held_orders(session) == []
    # Stripe's notice of the capture changes nothing more.
    completed = {**fake_stripe.sessions[_payment(session, order).provider_reference or ""], "payment_status": "paid"}
    assert _post(client, "checkout.session.completed", completed)["outcome"] == "already_paid"


def test_rejection_cancels_the_authorisation_and_frees_the_seats(
    session: Session, client: TestClient, fake_stripe: FakeStripe, smtp: None, mail_sink: MailSink, admin: User
) -> None:
    order, ticket_type = _held(session)
    intent = _authorise(session, client, fake_stripe, order)

    assert review.reject(session, admin.id or 0, order.code, "stolen card") is review.PaymentFate.RELEASED
    [cancel] = fake_stripe.calls("POST", f"/v1/payment_intents/{intent['id']}/cancel")
    assert cancel.headers["idempotency-key"] == f"release-{intent['id']}"
    assert fake_stripe.intents[intent["id"]]["status"] == "canceled"
    assert fake_stripe.calls("POST", "/v1/refunds") == [] and fake_stripe.refunds == []
    rejected = reload_order(session, order)
    assert (rejected.status, rejected.review_state) == (OrderStatus.CANCELLED, ReviewState.REJECTED)
    assert rejected.refunded_minor == 0
    assert session.exec(select(Refund).where(Refund.order_id == order.id)).all() == []
    assert _payment(session, order).status == "cancelled"
    assert _tickets(session, order) == []
    assert _remaining(session, ticket_type) == 10
    [row] = session.exec(select(AdminAudit).where(AdminAudit.action == "risk.review_rejected")).all()
    assert row.details == {"code": order.code, "reason": "stolen card", "payment": "released"}
    assert mail_sink.mails_to(order.buyer_email) == []  # no tickets, no refund notice: nothing was charged
    # A late copy of the authorisation event (a new id) releases nothing twice and sells nothing.
    assert _post(client, "payment_intent.amount_capturable_updated", intent)["outcome"] == "already_recorded"
    assert reload_order(session, order).status == OrderStatus.CANCELLED


def test_a_capture_that_fails_leaves_the_order_unpaid_and_in_review(
    session: Session, client: TestClient, fake_stripe: FakeStripe, smtp: None, mail_sink: MailSink, admin: User
) -> None:
    order, ticket_type = _held(session)
    intent = _authorise(session, client, fake_stripe, order)
    fake_stripe.lapse(intent["id"])  # the admin waited too long: Stripe cancelled the authorisation

    with pytest.raises(review.ReviewError) as refused:
        review.approve(session, admin.id or 0, order.code)
    assert refused.value.message == "The payment for order {code} could not be taken ({why}). " + (
        "Nothing was charged and the order stays in review: reject it to free its seats."
    )
    assert "status of canceled" in str(refused.value)
    assert "n’a pas pu être encaissé" in refused.value.translated("fr")
    unpaid = reload_order(session, order)
    assert (unpaid.status, unpaid.review_state, unpaid.paid_at) == (
        OrderStatus.AWAITING_PAYMENT,
        ReviewState.HELD,
        None,
    )
    assert _payment(session, order).status == "authorised"
    assert _tickets(session, order) == [] and mail_sink.mails_to(order.buyer_email) == []
    assert session.exec(select(DueJob).where(DueJob.kind == "order.paid")).all() == []
    assert session.exec(select(AdminAudit).where(AdminAudit.action == "risk.review_approved")).all() == []
    notes = [log.note for log in session.exec(select(OrderLog).where(OrderLog.order_id == order.id))]
    assert any(note.startswith("stripe capture refused:") for note in notes)
    assert [h.order.code for h in review.held_orders(session)] == [order.code]

    # Rejecting it then works: the lapsed authorisation counts as cancelled, and the seats come back.
    assert review.reject(session, admin.id or 0, order.code, "too late") is review.PaymentFate.RELEASED
    assert reload_order(session, order).status == OrderStatus.CANCELLED
    assert _remaining(session, ticket_type) == 10


def test_a_release_stripe_refuses_changes_nothing(
    session: Session, client: TestClient, fake_stripe: FakeStripe, admin: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    order, ticket_type = _held(session)
    _authorise(session, client, fake_stripe, order)
    with socket.socket() as probe:  # Stripe's API stops answering
        probe.bind(("127.0.0.1", 0))
        monkeypatch.setenv("STRIPE_API_BASE", f"http://127.0.0.1:{probe.getsockname()[1]}")
    get_settings.cache_clear()
    with pytest.raises(review.ReviewError, match="could not be cancelled"):
        review.reject(session, admin.id or 0, order.code, "fake buyer")
    still = reload_order(session, order)
    assert (still.status, still.review_state) == (OrderStatus.AWAITING_PAYMENT, ReviewState.HELD)
    assert _payment(session, order).status == "authorised"
    assert _remaining(session, ticket_type) == 8
    assert session.exec(select(AdminAudit)).all() == []


def test_an_authorisation_for_a_rejected_order_is_released_at_once(
    session: Session, client: TestClient, fake_stripe: FakeStripe, admin: User
) -> None:
    order, ticket_type = _held(session)
    order_payments.begin_payment(session, order.code, "stripe")
    review.reject(session, admin.id or 0, order.code, "fake buyer")  # while the buyer is on Stripe's page
    [checkout_session] = fake_stripe.sessions.values()
    _, intent = fake_stripe.pay(checkout_session["id"])

    assert _post(client, "payment_intent.amount_capturable_updated", intent)["outcome"] == "released"
    assert fake_stripe.intents[intent["id"]]["status"] == "canceled"
    assert fake_stripe.refunds == []
    cancelled = reload_order(session, order)
    assert cancelled.status == OrderStatus.CANCELLED
    assert "authorisation released, nothing charged" in (cancelled.flagged_reason or "")
    assert _payment(session, order).status == "cancelled"
    assert _remaining(session, ticket_type) == 10


def test_an_order_approved_before_its_payment_is_captured_when_authorised(
    session: Session, client: TestClient, fake_stripe: FakeStripe, smtp: None, mail_sink: MailSink, admin: User
) -> None:
    order, _ = _held(session)
    order_payments.begin_payment(session, order.code, "stripe")  # a manual-capture session, made while held
    assert review.approve(session, admin.id or 0, order.code) is review.PaymentFate.NONE
    order_payments.begin_payment(session, order.code, "stripe")  # "Pay" again: the same session
    assert len(fake_stripe.sessions) == 1
    _, intent = fake_stripe.pay(next(iter(fake_stripe.sessions)))

    assert _post(client, "payment_intent.amount_capturable_updated", intent)["outcome"] == "captured"
    assert fake_stripe.intents[intent["id"]]["status"] == "succeeded"
    paid = reload_order(session, order)
    assert (paid.status, paid.review_state) == (OrderStatus.PAID, ReviewState.APPROVED)
    assert len(_tickets(session, order)) == 2
    assert mail_sink.wait_for(order.buyer_email, order.code)


def test_a_signed_authorisation_for_another_amount_is_flagged_not_recorded(
    session: Session, client: TestClient, fake_stripe: FakeStripe
) -> None:
    order, _ = _held(session)
    _, intent = _pay_on_stripe(session, fake_stripe, order)
    outcome = _post(client, "payment_intent.amount_capturable_updated", {**intent, "amount_capturable": 1})
    assert outcome["outcome"] == "flagged_mismatch"
    flagged = reload_order(session, order)
    assert flagged.status == OrderStatus.PENDING and "does not match" in (flagged.flagged_reason or "")
    assert _payment(session, order).status == "pending"


@pytest.mark.parametrize("how", ["admin_cancels_the_order", "admin_cancels_the_event"])
def test_cancelling_an_authorised_order_lets_the_authorisation_go(
    session: Session, client: TestClient, fake_stripe: FakeStripe, admin: User, how: str
) -> None:
    order, ticket_type = _held(session)
    intent = _authorise(session, client, fake_stripe, order)
    if how == "admin_cancels_the_order":
        admin_orders.cancel_unpaid_order(session, admin.id or 0, order.code)
    else:
        result = admin_events.cancel_event(session, admin.id or 0, ticket_type.event_id, refund_orders=True)
        assert (result.cancelled_unpaid, result.failures) == (1, [])
    assert fake_stripe.intents[intent["id"]]["status"] == "canceled"
    assert fake_stripe.refunds == []
    assert reload_order(session, order).status == OrderStatus.CANCELLED
    assert _payment(session, order).status == "cancelled"
    assert _remaining(session, ticket_type) == 10
