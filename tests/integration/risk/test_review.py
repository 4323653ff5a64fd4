"""The review path end to end on real databases and a real SMTP sink: a held order is paid without
tickets; approving issues them and mails the buyer; rejecting refunds it and frees its seats."""

from __future__ import annotations

import secrets

import pytest
from sqlmodel import Session, select

from tests.factories import make_event, token
from tests.support_smtp import MailSink
from ticketapp.models import (
    AdminAudit,
    DueJob,
    Order,
    OrderStatus,
    PaymentAttempt,
    Refund,
    ReviewState,
    Ticket,
    TicketType,
    User,
)
from ticketapp.services.booking import checkout, holds
from ticketapp.services.booking.inventory import availability
from ticketapp.services.orders import payments as order_payments
from ticketapp.services.risk import review
from ticketapp.services.risk.rules import Client


def _suspect() -> str:
    """A disposable address (held for review), new in each test: the mail sink lives for the whole session."""
    return f"suspect-{secrets.token_hex(4)}@mailinator.com"


def _order(session: Session, ticket_type: TicketType, email: str = "", quantity: int = 2) -> Order:
    email = email or _suspect()
    cart = token()
    holds.set_hold_quantity(session, cart, ticket_type.id, quantity)
    [order] = checkout.convert_cart_to_pending_order(
        session, cart, buyer_name="Sus Pect", buyer_email=email, client=Client(ip="198.51.100.9", device="dev-held-1")
    )
    return order


def _pay(session: Session, order: Order) -> None:
    outcome = order_payments.record_payment(
        session,
        order.id or 0,
        provider="demo",
        reference=f"demo-{order.code}",
        amount_minor=order.total_minor,
        currency=order.currency,
    )
    assert outcome is order_payments.PaymentOutcome.PAID
    session.expire_all()


def _tickets(session: Session, order: Order) -> list[Ticket]:
    return list(session.exec(select(Ticket).where(Ticket.order_id == order.id)).all())


def test_a_held_order_is_paid_but_gets_no_tickets_until_approved(
    session: Session, app_db: str, smtp: None, mail_sink: MailSink, admin: User
) -> None:
    _, ticket_type = make_event(session, capacity=10)
    order = _order(session, ticket_type)
    assert order.review_state == ReviewState.HELD
    _pay(session, order)

    order = session.get(Order, order.id)
    assert order is not None and order.status == OrderStatus.PAID and order.review_state == ReviewState.HELD
    assert _tickets(session, order) == []
    assert mail_sink.mails_to(order.buyer_email) == []
    assert session.exec(select(DueJob).where(DueJob.kind == "order.paid")).all() == []
    assert availability(session, [ticket_type.id or 0])[ticket_type.id or 0].remaining == 8  # seats kept

    [queued] = review.held_orders(session)
    assert queued.order.code == order.code
    assert [r["rule"] for r in queued.reasons] == ["disposable"]
    assert queued.ip == "198.51.100.9"

    review.approve(session, admin.id or 0, order.code)
    session.expire_all()
    assert len(_tickets(session, order)) == 2
    [mail] = [m for m in mail_sink.mails_to(order.buyer_email) if order.code in m.subject]
    assert order.code in mail.text
    order = session.get(Order, order.id)
    assert order is not None and order.review_state == ReviewState.APPROVED
    assert review.held_orders(session) == []
    [row] = session.exec(select(AdminAudit).where(AdminAudit.action == "risk.review_approved")).all()
    assert row.actor_user_id == admin.id and row.target_id == order.id


def test_rejecting_a_held_order_refunds_it_and_frees_its_seats(
    session: Session, app_db: str, smtp: None, mail_sink: MailSink, admin: User
) -> None:
    _, ticket_type = make_event(session, capacity=10)
    order = _order(session, ticket_type)
    _pay(session, order)

    with pytest.raises(review.ReviewError, match="reason"):
        review.reject(session, admin.id or 0, order.code, "   ")
    session.expire_all()
    assert session.get(Order, order.id).status == OrderStatus.PAID  # type: ignore[union-attr]

    review.reject(session, admin.id or 0, order.code, "stolen card reported")
    session.expire_all()
    order = session.get(Order, order.id)
    assert order is not None and order.status == OrderStatus.REFUNDED and order.review_state == ReviewState.REJECTED
    [refund] = session.exec(select(Refund).where(Refund.order_id == order.id)).all()
    assert refund.amount_minor == order.total_minor and "stolen card" in refund.reason
    assert _tickets(session, order) == []
    assert availability(session, [ticket_type.id or 0])[ticket_type.id or 0].remaining == 10
    assert any(
        "refund" in m.subject.lower() or "rembours" in m.subject.lower() for m in mail_sink.mails_to(order.buyer_email)
    )
    [row] = session.exec(select(AdminAudit).where(AdminAudit.action == "risk.review_rejected")).all()
    assert row.details == {"code": order.code, "reason": "stolen card reported", "payment": "refunded"}

    with pytest.raises(review.ReviewError, match="not waiting"):
        review.approve(session, admin.id or 0, order.code)


def test_rejecting_an_unpaid_held_order_cancels_it(session: Session, app_db: str, admin: User) -> None:
    _, ticket_type = make_event(session, capacity=10)
    order = _order(session, ticket_type)
    review.reject(session, admin.id or 0, order.code, "fake buyer")
    session.expire_all()
    order = session.get(Order, order.id)
    assert order is not None and order.status == OrderStatus.CANCELLED
    assert availability(session, [ticket_type.id or 0])[ticket_type.id or 0].remaining == 10


def test_approving_an_unpaid_held_order_lets_its_payment_fulfil_it(
    session: Session, app_db: str, smtp: None, mail_sink: MailSink, admin: User
) -> None:
    _, ticket_type = make_event(session, capacity=10)
    order = _order(session, ticket_type)
    review.approve(session, admin.id or 0, order.code)
    _pay(session, order)
    assert len(_tickets(session, order)) == 2


def test_declines_after_checkout_hold_the_order_when_the_money_arrives(
    session: Session, app_db: str, smtp: None, mail_sink: MailSink
) -> None:
    _, ticket_type = make_event(session, capacity=10)
    order = _order(session, ticket_type, email=f"ada-{secrets.token_hex(4)}@example.com")
    assert order.review_state is None
    for n in range(3):  # three cards declined on the provider's page, then a fourth goes through
        session.add(
            PaymentAttempt(
                order_id=order.id,
                email=order.buyer_email,
                ip="198.51.100.9",
                device="dev-held-1",
                amount_minor=order.total_minor,
                currency="EUR",
                card=f"fp_{n}",
                declined=True,
            )
        )
    session.commit()
    _pay(session, order)
    order = session.get(Order, order.id)
    assert order is not None and order.status == OrderStatus.PAID and order.review_state == ReviewState.HELD
    assert _tickets(session, order) == []
    assert mail_sink.mails_to(order.buyer_email) == []
    [queued] = review.held_orders(session)
    assert {r["rule"] for r in queued.reasons} == {"velocity_failed_payments", "velocity_cards"}


def test_an_order_the_rules_let_through_is_delivered_as_before(
    session: Session, app_db: str, smtp: None, mail_sink: MailSink
) -> None:
    _, ticket_type = make_event(session, capacity=10)
    order = _order(session, ticket_type, email=f"ada-{secrets.token_hex(4)}@example.com")
    _pay(session, order)
    assert len(_tickets(session, order)) == 2
    assert len(mail_sink.mails_to(order.buyer_email)) == 1
