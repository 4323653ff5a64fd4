"""The order audit trail: every status change, by every path, leaves exactly one log row with its actor.

Each test drives a real path (demo payment, Stripe webhooks through the signed HTTP
route and the local fake Stripe, bank transfer, refunds, admin and event
cancellation, the expiry sweep, late payments) and then reads the order's whole
trail. `_changes` keeps the rows that carry a status (notes such as "confirmation
e-mail sent" carry none); `_assert_unbroken` proves no change went unlogged: the
rows chain from "pending" to the order's current status, each row starting where
the previous one ended.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, select
from starlette.responses import PlainTextResponse
from starlette.testclient import TestClient

from tests.factories import checkout_object, make_pending_order, signed_event, token
from tests.fakes.stripe_api import FakeStripe
from ticketapp.api.routes import with_api_routes
from ticketapp.models import Order, OrderLog, OrderStatus, Refund, Ticket, TicketType, User, utcnow
from ticketapp.services.booking import checkout as order_service
from ticketapp.services.booking import holds
from ticketapp.services.catalog import events as admin_events
from ticketapp.services.orders import admin as admin_orders
from ticketapp.services.orders import lifecycle, trail
from ticketapp.services.orders import payments as order_payments
from ticketapp.services.orders.payments import PaymentMethod, PaymentOutcome
from ticketapp.settings import get_settings

Change = tuple[str, str, int | None]  # from status, to status, actor (None: the system)


@pytest.fixture
def webhooks(app_db: str, fake_stripe: FakeStripe) -> TestClient:
    async def reflex_stand_in(scope, receive, send) -> None:
        await PlainTextResponse("reflex")(scope, receive, send)

    return TestClient(with_api_routes(reflex_stand_in))


def _fresh(session: Session, order: Order) -> Order:
    session.rollback()  # other sessions (routes, jobs) changed the order: drop this snapshot
    session.expire_all()
    fresh = session.get(Order, order.id)
    assert fresh is not None
    return fresh


def _rows(session: Session, order: Order) -> list[OrderLog]:
    _fresh(session, order)
    return list(session.exec(select(OrderLog).where(OrderLog.order_id == order.id).order_by(OrderLog.id)).all())


def _changes(session: Session, order: Order) -> list[Change]:
    """The order's status rows, flags excluded (a flag repeats the status it leaves unchanged)."""
    return [
        (row.from_status, row.to_status, row.actor_user_id)
        for row in _rows(session, order)
        if row.to_status and not row.note.startswith("flagged: ")
    ]


def _assert_unbroken(session: Session, order: Order) -> None:
    statuses = [(row.from_status, row.to_status) for row in _rows(session, order) if row.to_status]
    reached = OrderStatus.PENDING.value
    for from_status, to_status in statuses:
        assert from_status == reached, f"a change to {from_status} left no log row"
        reached = to_status
    assert _fresh(session, order).status == reached


def _pay_demo(session: Session, order: Order, *, actor_id: int | None = None) -> PaymentOutcome:
    return order_payments.record_payment(
        session,
        order.id or 0,
        provider=PaymentMethod.DEMO,
        reference=f"demo-{order.code}",
        amount_minor=order.total_minor,
        currency=order.currency,
        actor_id=actor_id,
    )


def _second_order(session: Session, ticket_type: TicketType, quantity: int = 1) -> Order:
    cart = token()
    holds.set_hold_quantity(session, cart, ticket_type.id or 0, quantity)
    [order] = order_service.convert_cart_to_pending_order(
        session, cart, buyer_name="Bob", buyer_email="bob@example.com"
    )
    return order


def _post(client: TestClient, event_type: str, obj: dict, event_id: str) -> str:
    payload, signature = signed_event(event_type, obj, event_id)
    response = client.post("/api/stripe/webhook", content=payload, headers={"Stripe-Signature": signature})
    assert response.status_code == 200, response.text
    return response.json()["outcome"]


# --- payments -------------------------------------------------------------------------------------


def test_demo_payment_and_decline(session: Session) -> None:
    paid, ticket_type = make_pending_order(session)
    order_payments.begin_payment(session, paid.code, PaymentMethod.DEMO)
    assert _pay_demo(session, paid) is PaymentOutcome.PAID
    assert _changes(session, paid) == [("pending", "paid", None)]
    # The buyer declines on the demo page (what DemoPaymentState does).
    declined = _second_order(session, ticket_type)
    order_payments.begin_payment(session, declined.code, PaymentMethod.DEMO)
    lifecycle.end_unpaid(session, declined.id or 0, OrderStatus.FAILED, "demo: payment declined by the buyer")
    assert _changes(session, declined) == [("pending", "failed", None)]
    for order in (paid, declined):
        _assert_unbroken(session, order)


def test_stripe_webhooks_paid_processing_failed_expired_and_refunded_at_stripe(
    session: Session, webhooks: TestClient
) -> None:
    paid, ticket_type = make_pending_order(session)
    order_payments.begin_payment(session, paid.code, PaymentMethod.STRIPE)
    assert _post(webhooks, "checkout.session.completed", checkout_object(paid), "evt_paid") == "paid"
    # The same payment announced twice (another event id) changes nothing.
    again = _post(webhooks, "checkout.session.async_payment_succeeded", checkout_object(paid), "evt_paid_2")
    assert again == "already_paid"
    charge = {"id": "ch_1", "object": "charge", "payment_intent": "pi_test_123", "amount_refunded": 2500}
    assert _post(webhooks, "charge.refunded", charge, "evt_refund_1") == "refund recorded"
    charge["amount_refunded"] = paid.total_minor
    assert _post(webhooks, "charge.refunded", charge, "evt_refund_2") == "refund recorded"
    assert _changes(session, paid) == [
        ("pending", "paid", None),
        ("paid", "partially_refunded", None),
        ("partially_refunded", "refunded", None),
    ]

    delayed = _second_order(session, ticket_type)
    later = checkout_object(delayed, id="cs_delayed", payment_intent="pi_delayed", payment_status="unpaid")
    assert _post(webhooks, "checkout.session.completed", later, "evt_processing") == "awaiting async payment"
    assert _post(webhooks, "checkout.session.async_payment_failed", later, "evt_failed") == "failed"
    assert _changes(session, delayed) == [("pending", "awaiting_payment", None), ("awaiting_payment", "failed", None)]

    abandoned = _second_order(session, ticket_type)
    gone = checkout_object(abandoned, id="cs_gone", payment_intent=None, status="expired")
    assert _post(webhooks, "checkout.session.expired", gone, "evt_expired") == "expired"
    assert _changes(session, abandoned) == [("pending", "expired", None)]
    for order in (paid, delayed, abandoned):
        _assert_unbroken(session, order)


def test_bank_transfer_marked_paid_by_an_admin(session: Session, admin: User) -> None:
    order, _ = make_pending_order(session)
    order_payments.begin_payment(session, order.code, PaymentMethod.BANK_TRANSFER)
    assert admin_orders.mark_paid(session, admin.id or 0, order.code) is PaymentOutcome.PAID
    assert _changes(session, order) == [("pending", "awaiting_payment", None), ("awaiting_payment", "paid", admin.id)]
    _assert_unbroken(session, order)


def test_free_order(session: Session) -> None:
    order, _ = make_pending_order(session, price_minor=0)
    order_payments.begin_payment(session, order.code, PaymentMethod.FREE)
    assert _changes(session, order) == [("pending", "paid", None)]
    _assert_unbroken(session, order)


# --- refunds and cancellations ------------------------------------------------------------------------


def test_admin_refunds_part_then_the_rest_and_a_whole_order(session: Session, admin: User) -> None:
    order, ticket_type = make_pending_order(session, quantity=2)
    _pay_demo(session, order)
    first, second = session.exec(select(Ticket.id).where(Ticket.order_id == order.id).order_by(Ticket.id)).all()
    admin_orders.refund(session, admin.id or 0, order.code, [first or 0], "cannot come")
    admin_orders.refund(session, admin.id or 0, order.code, [second or 0], "cannot come either")
    assert _changes(session, order) == [
        ("pending", "paid", None),
        ("paid", "partially_refunded", admin.id),
        ("partially_refunded", "refunded", admin.id),
    ]
    whole = _second_order(session, ticket_type, quantity=2)
    _pay_demo(session, whole)
    admin_orders.refund(session, admin.id or 0, whole.code, None, "event moved")
    assert _changes(session, whole) == [("pending", "paid", None), ("paid", "refunded", admin.id)]
    for each in (order, whole):
        _assert_unbroken(session, each)


def test_admins_read_the_refund_in_the_trail_by_name_with_formatted_money(session: Session, admin: User) -> None:
    order, _ = make_pending_order(session, quantity=2, price_minor=2750)
    _pay_demo(session, order)
    first = session.exec(select(Ticket.id).where(Ticket.order_id == order.id).order_by(Ticket.id)).first()
    admin_orders.refund(session, admin.id or 0, order.code, [first or 0], "")
    detail = admin_orders.order_detail(session, order.code)
    assert detail is not None
    [refunded] = [
        line for line in trail.trail(detail.log, detail.actors, "fr") if line.to_status == "partially_refunded"
    ]
    assert (refunded.actor, refunded.note) == ("Boss", "Remboursement de 27,50\u00a0€")


def test_admin_cancels_an_unpaid_order_and_a_whole_event(session: Session, admin: User) -> None:
    unpaid, _ = make_pending_order(session)
    admin_orders.cancel_unpaid_order(session, admin.id or 0, unpaid.code)
    assert _changes(session, unpaid) == [("pending", "cancelled", admin.id)]

    paid, ticket_type = make_pending_order(session)
    _pay_demo(session, paid)
    waiting = _second_order(session, ticket_type)
    admin_events.cancel_event(session, admin.id or 0, ticket_type.event_id, refund_orders=True)
    assert _changes(session, paid) == [("pending", "paid", None), ("paid", "refunded", admin.id)]
    assert _changes(session, waiting) == [("pending", "cancelled", admin.id)]
    for order in (unpaid, paid, waiting):
        _assert_unbroken(session, order)


# --- the system's own paths -----------------------------------------------------------------------------


def test_expiry_sweep_writes_one_row_per_expired_order(session: Session) -> None:
    first, ticket_type = make_pending_order(session)
    second = _second_order(session, ticket_type)
    by_transfer = _second_order(session, ticket_type)
    order_payments.begin_payment(session, by_transfer.code, PaymentMethod.BANK_TRANSFER)
    paid = _second_order(session, ticket_type)
    _pay_demo(session, paid)
    after_all_windows = utcnow() + timedelta(days=get_settings().bank_transfer_days + 1)
    assert order_service.sweep_expired(session, now=after_all_windows)["orders"] == 3
    assert order_service.sweep_expired(session, now=after_all_windows)["orders"] == 0  # nothing twice
    assert _changes(session, first) == [("pending", "expired", None)]
    assert _changes(session, second) == [("pending", "expired", None)]
    assert _changes(session, by_transfer) == [
        ("pending", "awaiting_payment", None),
        ("awaiting_payment", "expired", None),
    ]
    assert _changes(session, paid) == [("pending", "paid", None)]
    assert {row.note for row in _rows(session, first)} == {lifecycle.EXPIRY_NOTE}
    for order in (first, second, by_transfer, paid):
        _assert_unbroken(session, order)


def test_late_payment_takes_free_seats_or_is_refunded_automatically(session: Session) -> None:
    lucky, _ = make_pending_order(session, quantity=2, capacity=10)
    order_service.sweep_expired(session, now=utcnow() + timedelta(hours=2))
    assert _pay_demo(session, lucky) is PaymentOutcome.PAID
    assert _changes(session, lucky) == [("pending", "expired", None), ("expired", "paid", None)]

    unlucky, ticket_type = make_pending_order(session, quantity=2, capacity=2)
    order_service.sweep_expired(session, now=utcnow() + timedelta(hours=2))
    _second_order(session, ticket_type, quantity=2)  # someone else takes the two seats
    assert _pay_demo(session, unlucky) is PaymentOutcome.REFUNDED_LATE
    assert _changes(session, unlucky) == [("pending", "expired", None), ("expired", "refunded", None)]
    flags = [row for row in _rows(session, unlucky) if row.note.startswith("flagged: ")]
    assert [(row.from_status, row.to_status) for row in flags] == [("expired", "expired")]
    for order in (lucky, unlucky):
        _assert_unbroken(session, order)


def test_payment_for_a_cancelled_order_is_refunded_and_the_order_stays_cancelled(session: Session, admin: User) -> None:
    order, _ = make_pending_order(session)
    admin_orders.cancel_unpaid_order(session, admin.id or 0, order.code)
    assert _pay_demo(session, order) is PaymentOutcome.REFUNDED_LATE
    assert _fresh(session, order).status == OrderStatus.CANCELLED
    assert _changes(session, order) == [("pending", "cancelled", admin.id)]
    [refund] = session.exec(select(Refund).where(Refund.order_id == order.id)).all()
    assert refund.amount_minor == order.total_minor
    _assert_unbroken(session, order)


def test_resending_the_confirmation_from_the_admin_notes_it_once_with_the_admin(session: Session, admin: User) -> None:
    order, _ = make_pending_order(session)
    _pay_demo(session, order)
    admin_orders.request_confirmation_resend(session, admin.id or 0, order.code)
    resent = [row for row in _rows(session, order) if row.note == "confirmation e-mail resent"]
    assert [(row.actor_user_id, row.from_status, row.to_status) for row in resent] == [(admin.id, "", "")]
