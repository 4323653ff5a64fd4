"""The order state machine and payments (DESIGN.md "Payments").

pending → paid → partially_refunded / refunded / cancelled;
pending / awaiting_payment → expired / failed / cancelled.
Every change goes through `_move`, which checks the transition and writes the
audit trail. Seats are handled by `services.orders` (confirm / release).
"""

from __future__ import annotations

from enum import StrEnum

from sqlmodel import Session, col, select

from ticketapp.i18n import msgid
from ticketapp.models import (
    Order,
    OrderLog,
    OrderStatus,
    Payment,
    Refund,
    utcnow,
)
from ticketapp.services.booking import checkout as orders
from ticketapp.services.booking.checkout import PaymentConfirmation
from ticketapp.services.errors import DomainError
from ticketapp.services.orders.providers.base import PaymentMethod, PaymentStart
from ticketapp.services.orders.providers.base import status_url as status_url  # the orders API callers use
from ticketapp.services.orders.providers.registry import provider, providers_for

S = OrderStatus
TRANSITIONS: dict[OrderStatus, set[OrderStatus]] = {
    S.PENDING: {S.AWAITING_PAYMENT, S.PAID, S.CANCELLED, S.EXPIRED, S.FAILED},
    S.AWAITING_PAYMENT: {S.PAID, S.CANCELLED, S.EXPIRED, S.FAILED},
    S.PAID: {S.PARTIALLY_REFUNDED, S.REFUNDED, S.CANCELLED},
    S.PARTIALLY_REFUNDED: {S.PARTIALLY_REFUNDED, S.REFUNDED, S.CANCELLED},
    # A payment that lands after the window closed may still take free seats.
    S.EXPIRED: {S.PAID},
    S.FAILED: {S.PAID},
    S.CANCELLED: set(),
    S.REFUNDED: set(),
}


class OrderError(DomainError):
    """A refused order operation."""


class PaymentOutcome(StrEnum):
    PAID = "paid"
    ALREADY_PAID = "already_paid"
    FLAGGED_MISMATCH = "flagged_mismatch"
    REFUNDED_LATE = "refunded_late"
    UNKNOWN_ORDER = "unknown_order"


def can_move(current: str, target: str) -> bool:
    return OrderStatus(target) in TRANSITIONS[OrderStatus(current)]


def log(session: Session, order: Order, note: str, *, to: str = "", actor_id: int | None = None) -> None:
    session.add(
        OrderLog(
            order_id=order.id or 0,
            from_status=order.status,
            to_status=to or order.status,
            note=note[:500],
            actor_user_id=actor_id,
        )
    )


def move(session: Session, order: Order, target: OrderStatus, note: str, actor_id: int | None = None) -> None:
    if not can_move(order.status, target):
        raise OrderError(msgid("This order cannot go from {current} to {target}."), current=order.status, target=target)
    log(session, order, note, to=target, actor_id=actor_id)
    order.status = target
    order.updated_at = utcnow()
    session.add(order)


def flag(session: Session, order: Order, reason: str) -> None:
    """Mark an order for the fraud/support view without changing its status."""
    order.flagged_reason = reason[:200]
    log(session, order, f"flagged: {reason}")
    session.add(order)


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
    if order.status not in (OrderStatus.PENDING, OrderStatus.AWAITING_PAYMENT):
        raise OrderError(msgid("This order can no longer be paid."))
    if order.expires_at is not None and order.expires_at <= utcnow():
        raise OrderError(msgid("The time to pay this order has run out. Please book again."))
    return order


def begin_payment(session: Session, code: str, method: str) -> PaymentStart:
    """Hand a pending order to a payment method; returns where the buyer goes next."""
    order = _open_order(session, code)
    chosen = next((offered for offered in providers_for(order.total_minor) if offered.method == method), None)
    if chosen is None:
        raise OrderError(msgid("This payment method is not available for this order."))
    order.payment_method = chosen.method
    session.add(order)
    start = chosen.start(session, order)
    if start.awaiting is not None:
        order.expires_at = start.awaiting.until
        move(session, order, OrderStatus.AWAITING_PAYMENT, start.awaiting.note)
    session.commit()
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
    """Money arrived for an order: fulfil it once, or flag / refund when it can't be."""
    order = session.get(Order, order_id)
    if order is None:
        return PaymentOutcome.UNKNOWN_ORDER
    if amount_minor != order.total_minor or currency.upper() != order.currency:
        flag(session, order, f"{provider} payment {amount_minor} {currency.upper()} does not match the order total")
        session.commit()
        return PaymentOutcome.FLAGGED_MISMATCH
    previous = order.status
    session.commit()
    result = orders.confirm_order_paid(session, order_id)
    order = must_get(session, order_id)
    if result is PaymentConfirmation.ALREADY_PAID:
        return PaymentOutcome.ALREADY_PAID
    payment = _payment_row(session, order, provider, reference, intent_reference)
    if result is PaymentConfirmation.SEATS_GONE:
        return _refund_late_payment(session, order, payment)
    payment.status = "succeeded"
    session.add(payment)
    session.add(
        OrderLog(
            order_id=order_id,
            from_status=previous,
            to_status=OrderStatus.PAID,
            note=f"paid via {provider}",
            actor_user_id=actor_id,
        )
    )
    session.commit()
    _after_paid(order_id)
    return PaymentOutcome.PAID


def _payment_row(session: Session, order: Order, provider: str, reference: str, intent: str | None) -> Payment:
    payment = session.exec(
        select(Payment)
        .where(Payment.order_id == order.id, Payment.provider == provider, Payment.status == "pending")
        .order_by(col(Payment.id).desc())
    ).first()
    if payment is None:
        payment = Payment(
            order_id=order.id or 0, provider=provider, amount_minor=order.total_minor, currency=order.currency
        )
    payment.provider_reference = payment.provider_reference or reference
    payment.intent_reference = intent or payment.intent_reference
    session.add(payment)
    session.flush()
    return payment


def _refund_late_payment(session: Session, order: Order, payment: Payment) -> PaymentOutcome:
    flag(session, order, "paid after its seats were sold to others; refunded automatically")
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
            reason="late payment, seats gone",
        )
    )
    order.refunded_minor = payment.amount_minor
    log(session, order, "late payment refunded", to=OrderStatus.REFUNDED)
    order.status = OrderStatus.REFUNDED
    session.add(order)
    session.commit()
    return PaymentOutcome.REFUNDED_LATE


def _after_paid(order_id: int) -> None:
    """Slow follow-up (tickets, confirmation e-mail) runs as a background job."""
    from ticketapp.tasks import order_paid

    order_paid(order_id)


def end_unpaid(session: Session, order_id: int, status: OrderStatus, note: str, actor_id: int | None = None) -> bool:
    """Payment failed, expired or was abandoned: release the seats. False when not pending."""
    order = session.get(Order, order_id)
    if order is None:
        return False
    previous = order.status
    session.commit()
    if not orders.release_order(session, order_id, status):
        return False
    session.add(OrderLog(order_id=order_id, from_status=previous, to_status=status, note=note, actor_user_id=actor_id))
    session.commit()
    return True
