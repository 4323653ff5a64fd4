"""The staff home page's figures: today's sales per currency and the work waiting for someone."""

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlmodel import Session

from tests.factories import make_event, make_order
from ticketapp.models import Order, OrderStatus, ReviewState, SupportTicket, utcnow
from ticketapp.models.support import SupportStatus
from ticketapp.services.analytics import overview


def _ticket(session: Session, status: str) -> None:
    now = utcnow()
    session.add(
        SupportTicket(
            reference=f"S{secrets.token_hex(5).upper()}",
            status=status,
            first_response_due_at=now,
            resolution_due_at=now,
        )
    )
    session.commit()


def _set(session: Session, order: Order, **values: object) -> None:
    for name, value in values.items():
        setattr(order, name, value)
    session.add(order)
    session.commit()


def test_today_sales_count_orders_paid_today_per_currency(session: Session) -> None:
    _, eur = make_event(session, price_minor=2500)
    _, yen = make_event(session, currency="JPY", price_minor=4000)
    make_order(session, [(eur, 2)])
    make_order(session, [(eur, 1)])
    make_order(session, [(yen, 1)])
    yesterday, _ = make_order(session, [(eur, 1)])
    _set(session, yesterday, paid_at=overview.day_start(utcnow()) - timedelta(minutes=1))
    make_order(session, [(eur, 1)], status=OrderStatus.AWAITING_PAYMENT)  # not paid: not a sale

    sales = overview.today_sales(session)

    assert sales == [overview.DaySales("EUR", 2, 7500), overview.DaySales("JPY", 1, 4000)]


def test_attention_counts_held_orders_waiting_transfers_and_open_requests(session: Session) -> None:
    _, standard = make_event(session)
    held, _ = make_order(session, [(standard, 1)])
    _set(session, held, review_state=ReviewState.HELD)
    transfer, _ = make_order(session, [(standard, 1)], status=OrderStatus.AWAITING_PAYMENT)
    _set(session, transfer, payment_method="bank_transfer")
    card, _ = make_order(session, [(standard, 1)], status=OrderStatus.PENDING)
    _set(session, card, payment_method="stripe")
    for status in (SupportStatus.NEW, SupportStatus.OPEN, SupportStatus.RESOLVED):
        _ticket(session, status)

    assert overview.needing_attention(session) == overview.Attention(
        held_for_review=1, awaiting_transfer=1, open_support=2
    )
