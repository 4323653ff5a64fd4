"""Refunds: whole orders or single tickets, through the provider that took the money."""

from __future__ import annotations

from collections.abc import Callable

from sqlmodel import Session, col, select

from ticketapp.db import begin_write_locked
from ticketapp.i18n import msgid
from ticketapp.models import PAID_STATUSES, Order, OrderItem, OrderStatus, Payment, Refund, Ticket, TicketStatus
from ticketapp.services.booking import seats
from ticketapp.services.orders import lifecycle
from ticketapp.services.orders.lifecycle import OrderError
from ticketapp.services.orders.payments import (
    PaymentMethod,
    PaymentOutcome,
    get_order_by_code,
    must_get,
    record_payment,
)
from ticketapp.services.orders.providers.registry import provider
from ticketapp.services.waitlist import announce as waitlist_announce


def _refundable_tickets(session: Session, order: Order, ticket_ids: list[int]) -> list[tuple[Ticket, int]]:
    rows = session.exec(
        select(Ticket, OrderItem.unit_price_minor)
        .join(OrderItem, col(OrderItem.id) == Ticket.order_item_id)
        .where(Ticket.order_id == order.id, col(Ticket.id).in_(ticket_ids))
    ).all()
    if len(rows) != len(set(ticket_ids)):
        raise OrderError(msgid("Some of these tickets do not belong to this order."))
    if any(ticket.status == TicketStatus.VOID for ticket, _ in rows):
        raise OrderError(msgid("Some of these tickets were already refunded."))
    return [(ticket, price) for ticket, price in rows]


def refund_order(
    session: Session,
    code: str,
    *,
    ticket_ids: list[int] | None = None,
    actor_id: int | None = None,
    reason: str = "",
    fee_minor: int = 0,
    and_then: Callable[[Session, Refund], None] | None = None,
) -> Refund:
    """Refund a whole order, or only some of its tickets; their tickets become void.

    `fee_minor` is kept back from a whole-order refund (a buyer's request under the event's refund
    policy); `and_then` writes the caller's own rows about this refund in the same commit."""
    order = get_order_by_code(session, code)
    if order is None:
        raise OrderError(msgid("Order not found."))
    if order.status not in PAID_STATUSES:
        raise OrderError(msgid("Only paid orders can be refunded."))
    remaining = order.total_minor - order.refunded_minor
    if ticket_ids:
        tickets = _refundable_tickets(session, order, ticket_ids)
        amount = sum(price for _, price in tickets)
    else:
        tickets = [(t, 0) for t in session.exec(select(Ticket).where(Ticket.order_id == order.id)).all()]
        amount = remaining - fee_minor
    if amount > remaining or amount < 0:
        raise OrderError(msgid("The refund is larger than what is left to refund."))
    payment = session.exec(select(Payment).where(Payment.order_id == order.id, Payment.status == "succeeded")).first()
    refund_count = len(session.exec(select(Refund.id).where(Refund.order_id == order.id)).all())
    provider_ref = (
        provider(payment.provider).refund(payment, amount, idempotency_key=f"refund-{order.code}-{refund_count + 1}")
        if payment is not None
        else None
    )
    # The money is back: record it in a write transaction holding the order (a full refund frees its seats).
    begin_write_locked(session)
    order = session.get(Order, order.id, with_for_update=True, populate_existing=True) or order
    refund = Refund(
        order_id=order.id or 0,
        payment_id=payment.id if payment else None,
        amount_minor=amount,
        currency=order.currency,
        provider_reference=provider_ref,
        reason=reason[:200],
        actor_user_id=actor_id,
    )
    session.add(refund)
    for ticket, _ in tickets:
        ticket.status = TicketStatus.VOID
        session.add(ticket)
    order.refunded_minor += amount
    full = (
        order.refunded_minor >= order.total_minor
        and not session.exec(
            select(Ticket.id).where(Ticket.order_id == order.id, Ticket.status == TicketStatus.VALID)
        ).first()
    )
    target = OrderStatus.REFUNDED if full or not ticket_ids else OrderStatus.PARTIALLY_REFUNDED
    if target == OrderStatus.REFUNDED:
        seats.release_order_of(session, order)
    lifecycle.move(
        session,
        order,
        target,
        f"refund of {amount} {order.currency}" + (f": {reason}" if reason else ""),
        actor_id=actor_id,
    )
    session.flush()  # the refund's id names its due notice
    lifecycle.refund_due(session, order.id or 0, refund.id or 0)
    if and_then is not None:
        and_then(session, refund)
    session.commit()
    lifecycle.announce_refund(order.id or 0, refund.id or 0)
    if target == OrderStatus.REFUNDED:
        waitlist_announce.seats_back_of_order(session, order.id or 0)
    return refund


def record_provider_refund(session: Session, intent_reference: str, amount_refunded_minor: int) -> str:
    """A refund made outside the app (e.g. Stripe's dashboard): bring the order in line."""
    payment = session.exec(select(Payment).where(Payment.intent_reference == intent_reference)).first()
    if payment is None:
        return "unknown payment"
    begin_write_locked(session)
    order = session.get(Order, payment.order_id, with_for_update=True, populate_existing=True) or must_get(
        session, payment.order_id
    )
    if amount_refunded_minor > payment.amount_minor:
        # Never more back than was paid: a signed but wrong (or forged-with-a-leaked-secret) event.
        lifecycle.flag(
            session,
            order,
            f"provider reported a refund of {amount_refunded_minor} {order.currency} "
            f"above the {payment.amount_minor} paid; capped",
        )
        amount_refunded_minor = payment.amount_minor
    missing = amount_refunded_minor - order.refunded_minor
    if missing <= 0:
        session.commit()
        return "already recorded"
    session.add(
        Refund(
            order_id=order.id or 0,
            payment_id=payment.id,
            amount_minor=missing,
            currency=order.currency,
            reason="refunded at the provider",
        )
    )
    order.refunded_minor += missing
    full = order.refunded_minor >= order.total_minor
    if full:
        for ticket in session.exec(select(Ticket).where(Ticket.order_id == order.id)).all():
            ticket.status = TicketStatus.VOID
            session.add(ticket)
    if order.status in PAID_STATUSES:
        if full:
            seats.release_order_of(session, order)
        lifecycle.move(
            session,
            order,
            OrderStatus.REFUNDED if full else OrderStatus.PARTIALLY_REFUNDED,
            f"refund of {missing} {order.currency} at the provider",
        )
    session.commit()
    if full:
        waitlist_announce.seats_back_of_order(session, order.id or 0)
    return "refund recorded"


def mark_bank_transfer_paid(session: Session, code: str, *, actor_id: int) -> PaymentOutcome:
    """An admin saw the transfer arrive on the bank account."""
    order = get_order_by_code(session, code)
    if order is None:
        raise OrderError(msgid("Order not found."))
    if order.payment_method != PaymentMethod.BANK_TRANSFER:
        raise OrderError(msgid("This order is not paid by bank transfer."))
    return record_payment(
        session,
        order.id or 0,
        provider=PaymentMethod.BANK_TRANSFER,
        reference=order.code,
        amount_minor=order.total_minor,
        currency=order.currency,
        actor_id=actor_id,
    )
