"""Buyer refund requests under the event's policy: deadline, fee, automatic or approved by an admin.

The money goes through the one refund path (refunds.refund_order): tickets void, refund notice mailed.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, select

from tests.factories import make_event, make_order, make_user, reload_order
from tests.support_smtp import MailSink
from ticketapp.models import (
    Event,
    Order,
    OrderLog,
    OrderStatus,
    Refund,
    RefundRequest,
    RefundRequestStatus,
    Ticket,
    TicketStatus,
    User,
)
from ticketapp.services.orders import self_service
from ticketapp.services.orders.lifecycle import OrderError
from ticketapp.services.tickets.issuing import issue_tickets


def _paid(
    session: Session,
    *,
    mode: str = "automatic",
    days: int = 2,
    kind: str = "fixed",
    fee: int = 0,
    user: User | None = None,
) -> Order:
    event, ticket_type = make_event(session, price_minor=2500, starts_in=timedelta(days=10))
    event.refund_mode, event.refund_days_before, event.refund_fee_kind, event.refund_fee_value = mode, days, kind, fee
    session.add(event)
    session.commit()
    order, _ = make_order(session, [(ticket_type, 2)], user_id=user.id if user else None)
    issue_tickets(session, order.id or 0)
    return order


def _notes(session: Session, order: Order) -> list[str]:
    return [row.note for row in session.exec(select(OrderLog).where(OrderLog.order_id == order.id)).all()]


def test_quote_keeps_a_fixed_or_percentage_fee(session: Session) -> None:
    fixed = _paid(session, fee=300)
    offer = self_service.quote(session, fixed)
    assert offer.allowed and (offer.amount_minor, offer.fee_minor, offer.needs_approval) == (4700, 300, False)
    percent = _paid(session, kind="percent", fee=1000, mode="approval")
    offer = self_service.quote(session, percent)
    assert offer.allowed and (offer.amount_minor, offer.fee_minor, offer.needs_approval) == (4500, 500, True)


def test_no_request_after_the_deadline_or_without_a_policy(session: Session) -> None:
    order = _paid(session, days=2)
    event = session.exec(select(Event)).first()
    assert event is not None
    late = event.starts_at - timedelta(days=2)
    assert self_service.quote(session, order, late - timedelta(seconds=1)).allowed
    assert self_service.quote(session, order, late).refusal == self_service.TOO_LATE
    with pytest.raises(OrderError) as refused:
        self_service.request_refund(session, order.code, None, now=late)
    assert "passed" in refused.value.translated("en")
    assert reload_order(session, order).status == OrderStatus.PAID
    closed = _paid(session, mode="none")
    assert self_service.quote(session, closed).refusal == self_service.NO_REFUNDS


def test_automatic_request_is_refunded_at_once_through_the_refund_path(
    session: Session, app_db: str, smtp: None, mail_sink: MailSink
) -> None:
    order = _paid(session, fee=300)
    request = self_service.request_refund(session, order.code, None, "cannot come")
    order = reload_order(session, order)
    assert order.status == OrderStatus.REFUNDED and order.refunded_minor == 4700
    stored = session.get(RefundRequest, request.id)
    assert stored is not None and stored.status == RefundRequestStatus.REFUNDED and stored.refund_id is not None
    [refund] = session.exec(select(Refund).where(Refund.order_id == order.id)).all()
    assert refund.amount_minor == 4700
    tickets = session.exec(select(Ticket).where(Ticket.order_id == order.id)).all()
    assert {t.status for t in tickets} == {TicketStatus.VOID}
    assert "refund of 4700 EUR: requested by the buyer, fee 300 EUR kept" in _notes(session, order)
    mail = mail_sink.wait_for(order.buyer_email, "Refund")
    assert "€47.00" in mail.text
    with pytest.raises(OrderError):  # once only
        self_service.request_refund(session, order.code, None)


def test_needs_approval_waits_then_the_admin_approves(
    session: Session, app_db: str, smtp: None, mail_sink: MailSink, admin: User
) -> None:
    order = _paid(session, mode="approval", kind="percent", fee=1000)
    request = self_service.request_refund(session, order.code, None, "sick")
    assert reload_order(session, order).status == OrderStatus.PAID
    assert mail_sink.wait_for(order.buyer_email, "Refund request").text.count("€45.00") == 1
    [queued] = self_service.waiting_requests(session)
    assert queued.order_code == order.code and queued.request.reason == "sick"
    self_service.approve(session, request.id or 0, actor_id=admin.id or 0)
    order = reload_order(session, order)
    assert order.status == OrderStatus.REFUNDED and order.refunded_minor == 4500
    assert self_service.waiting_requests(session) == []
    assert mail_sink.wait_for(order.buyer_email, "Refund for order").text.count("€45.00") == 1
    with pytest.raises(OrderError):  # decided: a second click changes nothing
        self_service.approve(session, request.id or 0, actor_id=admin.id or 0)
    assert len(session.exec(select(Refund).where(Refund.order_id == order.id)).all()) == 1


def test_the_admin_denies_with_a_reason_the_buyer_reads(
    session: Session, app_db: str, smtp: None, mail_sink: MailSink, admin: User
) -> None:
    order = _paid(session, mode="approval")
    request = self_service.request_refund(session, order.code, None)
    with pytest.raises(OrderError):
        self_service.deny(session, request.id or 0, "  ", actor_id=admin.id or 0)
    self_service.deny(session, request.id or 0, "Resale is open instead", actor_id=admin.id or 0)
    assert reload_order(session, order).status == OrderStatus.PAID
    mail_sink.wait_for(order.buyer_email, "Refund request", count=2)
    assert "declined" in mail_sink.mails_to(order.buyer_email)[-1].text
    assert "Reason: Resale is open instead" in mail_sink.mails_to(order.buyer_email)[-1].text
    assert "refund request denied: Resale is open instead" in _notes(session, order)
    assert not self_service.quote(session, reload_order(session, order)).allowed


def test_another_accounts_order_is_refused_and_nothing_changes(session: Session) -> None:
    owner, other = make_user(session, "owner@example.com"), make_user(session, "other@example.com")
    order = _paid(session, user=owner)
    for intruder in (other.id, None):
        with pytest.raises(OrderError) as refused:
            self_service.request_refund(session, order.code, intruder)
        assert refused.value.translated("fr") == "Commande introuvable."
    assert reload_order(session, order).status == OrderStatus.PAID
    assert session.exec(select(RefundRequest)).all() == []
    self_service.request_refund(session, order.code, owner.id)
    assert reload_order(session, order).status == OrderStatus.REFUNDED
