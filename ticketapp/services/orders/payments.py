"""Payments (DESIGN.md "Payments"): starting one, and recording the money when it arrives.

Status changes and their audit trail go through `services.orders.lifecycle`; seats
are handled by `services.booking.checkout` (confirm / release).
"""

from __future__ import annotations

import logging
from enum import StrEnum
from typing import Literal

from sqlmodel import Session, col, select

from ticketapp.db import begin_write_locked
from ticketapp.i18n import msgid
from ticketapp.models import (
    PENDING_STATUSES,
    Order,
    OrderStatus,
    Payment,
    Refund,
    utcnow,
)
from ticketapp.services.booking import checkout as orders
from ticketapp.services.booking import seats
from ticketapp.services.booking.checkout import PaymentConfirmation
from ticketapp.services.orders import lifecycle
from ticketapp.services.orders.lifecycle import OrderError
from ticketapp.services.orders.providers.base import PaymentMethod, PaymentStart
from ticketapp.services.orders.providers.base import status_url as status_url  # the orders API callers use
from ticketapp.services.orders.providers.registry import provider, providers_for
from ticketapp.services.orders.providers.stripe_gateway import PaymentGatewayError
from ticketapp.services.risk import screening


class PaymentOutcome(StrEnum):
    PAID = "paid"
    ALREADY_PAID = "already_paid"
    FLAGGED_MISMATCH = "flagged_mismatch"
    REFUNDED_LATE = "refunded_late"
    UNKNOWN_ORDER = "unknown_order"


def must_get(session: Session, order_id: int) -> Order:
    order = session.get(Order, order_id)
    if order is None:
        raise OrderError(msgid("Order not found."))
    return order


def get_order_by_code(session: Session, code: str) -> Order | None:
    return session.exec(select(Order).where(Order.code == code.strip().upper())).first()


# --- starting a payment -------------------------------------------------------------


def available_methods(total_minor: int) -> list[PaymentMethod]:
    return [offered.method for offered in providers_for(total_minor)]


def _open_order(session: Session, code: str) -> Order:
    order = get_order_by_code(session, code)
    if order is None:
        raise OrderError(msgid("Order not found."))
    if order.status not in PENDING_STATUSES:
        raise OrderError(msgid("This order can no longer be paid."))
    if order.expires_at is not None and order.expires_at <= utcnow():
        raise OrderError(msgid("The time to pay this order has run out. Please book again."))
    return order


PROVIDER_UNAVAILABLE = msgid(
    "Card payment is not available right now. Please try again in a few minutes, or choose bank transfer."
)


def begin_payment(session: Session, code: str, method: str) -> PaymentStart:
    """Hand a pending order to a payment method; returns where the buyer goes next."""
    begin_write_locked(session)  # SQLite: queue with the other writers instead of polling for the lock
    try:
        order = _open_order(session, code)
        chosen = next((offered for offered in providers_for(order.total_minor) if offered.method == method), None)
        if chosen is None:
            raise OrderError(msgid("This payment method is not available for this order."))
    except OrderError:
        session.rollback()
        raise
    order.payment_method = chosen.method
    session.add(order)
    try:
        start = chosen.start(session, order)
    except PaymentGatewayError as exc:
        # The provider does not answer (docs/runbook.md "Payment provider down"): nothing is
        # recorded, the order keeps its seats, and the buyer can try again or pay another way.
        session.rollback()
        logging.getLogger(__name__).warning("payment provider unavailable for order %s: %s", code, exc)
        raise OrderError(PROVIDER_UNAVAILABLE) from exc
    session.commit()
    if start.awaiting is not None and not orders.keep_seats_until(
        session, order.id or 0, start.awaiting.until, start.awaiting.note
    ):
        raise OrderError(msgid("The time to pay this order has run out. Please book again."))
    if chosen.method == PaymentMethod.BANK_TRANSFER:
        from ticketapp.services.orders.mail import send_bank_transfer_details  # mail reads summaries of us

        send_bank_transfer_details(session, order.id or 0)
    if start.paid_now:
        record_payment(
            session,
            order.id or 0,
            provider=chosen.method,
            reference=order.code,
            amount_minor=order.total_minor,
            currency=order.currency,
        )
    return start


# --- money received -------------------------------------------------------------------


def lock_order_for_money(
    session: Session, order_id: int, amount_minor: int, currency: str, what: str
) -> Order | Literal["unknown", "mismatch"]:
    """Begin the write and lock the order money arrived for; a wrong amount flags the order (committed).

    "unknown": no such order (rolled back). "mismatch": `what` ("stripe payment", "stripe authorisation")
    does not match the order total. Otherwise the locked order, the transaction still open."""
    begin_write_locked(session)
    order = session.get(Order, order_id, with_for_update=True, populate_existing=True)
    if order is None:
        session.rollback()
        return "unknown"
    if amount_minor != order.total_minor or currency.upper() != order.currency:
        lifecycle.flag(session, order, f"{what} {amount_minor} {currency.upper()} does not match the order total")
        session.commit()
        return "mismatch"
    return order


def record_payment(
    session: Session,
    order_id: int,
    *,
    provider: str,
    reference: str,
    amount_minor: int,
    currency: str,
    intent_reference: str | None = None,
    actor_id: int | None = None,
) -> PaymentOutcome:
    """Money arrived for an order: fulfil it once, or flag / refund when it can't be.

    One locked transaction: the order row, the inventory only when its seats must be
    retaken (a late payment), the payment row and the status change commit together.
    """
    order = lock_order_for_money(session, order_id, amount_minor, currency, f"{provider} payment")
    if not isinstance(order, Order):
        return PaymentOutcome.UNKNOWN_ORDER if order == "unknown" else PaymentOutcome.FLAGGED_MISMATCH
    screening.screen_payment(session, order)  # before the tickets: the payment-time risk rules may hold it
    result = orders.confirm_locked(session, order, f"paid via {provider}", actor_id)
    if result is PaymentConfirmation.ALREADY_PAID:
        session.rollback()
        return PaymentOutcome.ALREADY_PAID
    payment = _payment_row(session, order, provider, reference, intent_reference)
    if result is PaymentConfirmation.CONFIRMED:
        payment.status = "succeeded"
        session.add(payment)
        session.commit()
        lifecycle.announce_paid(order_id)
        lifecycle.announce_status(order.code)
        return PaymentOutcome.PAID
    session.flush()  # the refund names the payment
    if result is PaymentConfirmation.SEATS_GONE:
        return _refund_late_payment(
            session, order, payment, "paid after its seats were sold to others", "late payment, seats gone"
        )
    return _refund_late_payment(
        session, order, payment, f"paid after it was {order.status}", f"late payment, order {order.status}"
    )


def _payment_row(session: Session, order: Order, provider: str, reference: str, intent: str | None) -> Payment:
    payment = session.exec(
        select(Payment)
        .where(
            Payment.order_id == order.id,
            Payment.provider == provider,
            col(Payment.status).in_(("pending", "authorised")),  # authorised: captured on approval
        )
        .order_by(col(Payment.id).desc())
    ).first()
    if payment is None:
        payment = Payment(
            order_id=order.id or 0, provider=provider, amount_minor=order.total_minor, currency=order.currency
        )
    payment.provider_reference = payment.provider_reference or reference
    payment.intent_reference = intent or payment.intent_reference
    session.add(payment)
    return payment


def _refund_late_payment(
    session: Session, order: Order, payment: Payment, why: str, refund_reason: str
) -> PaymentOutcome:
    lifecycle.flag(session, order, f"{why}; refunded automatically")
    payment.status = "refunded"
    session.add(payment)
    refund_ref = provider(payment.provider).refund(
        payment, payment.amount_minor, idempotency_key=f"late-refund-{order.code}"
    )
    session.add(
        Refund(
            order_id=order.id or 0,
            payment_id=payment.id,
            amount_minor=payment.amount_minor,
            currency=order.currency,
            provider_reference=refund_ref,
            reason=refund_reason,
        )
    )
    order.refunded_minor = payment.amount_minor
    if lifecycle.can_move(order.status, OrderStatus.REFUNDED):  # a cancelled order stays cancelled
        seats.release_order_of(session, order)  # counted only if a refund races its own window (never, today)
        lifecycle.move(session, order, OrderStatus.REFUNDED, "late payment refunded")
    session.add(order)
    session.commit()
    return PaymentOutcome.REFUNDED_LATE
