"""Payments (DESIGN.md "Payments"): starting one, and recording the money when it arrives.

Status changes and their audit trail go through `services.orders.lifecycle`; seats
are handled by `services.booking.checkout` (confirm / release).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from sqlmodel import Session, col, select

from ticketapp.i18n import msgid
from ticketapp.models import (
    PENDING_STATUSES,
    Event,
    Order,
    OrderItem,
    OrderStatus,
    Payment,
    Refund,
    TicketType,
    utcnow,
)
from ticketapp.services.booking import checkout as orders
from ticketapp.services.booking.checkout import PaymentConfirmation
from ticketapp.services.orders import lifecycle
from ticketapp.services.orders.lifecycle import OrderError
from ticketapp.services.orders.providers.stripe_gateway import CheckoutLine, CheckoutRequest, StripeGateway
from ticketapp.services.shared.signing import sign
from ticketapp.settings import get_settings


class PaymentMethod(StrEnum):
    STRIPE = "stripe"
    DEMO = "demo"
    BANK_TRANSFER = "bank_transfer"
    FREE = "free"


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


@dataclass(frozen=True)
class PaymentStart:
    method: PaymentMethod
    redirect_url: str | None = None  # the buyer goes there next (Stripe, demo page, status page)


def available_methods(total_minor: int) -> list[PaymentMethod]:
    if total_minor == 0:
        return [PaymentMethod.FREE]
    settings = get_settings()
    methods = [PaymentMethod.STRIPE] if settings.stripe_enabled else []
    if not settings.stripe_enabled or settings.demo_payments:
        methods.append(PaymentMethod.DEMO)
    return [*methods, PaymentMethod.BANK_TRANSFER]


def stripe_gateway() -> StripeGateway:
    settings = get_settings()
    return StripeGateway(settings.stripe_secret_key, settings.stripe_api_base or None)


def status_url(order: Order) -> str:
    return f"{get_settings().base_url}/orders/{order.code}/status?s={sign(order.code, 'order-status')}"


def demo_payment_url(order: Order) -> str:
    return f"{get_settings().base_url}/pay/demo/{order.code}?s={sign(order.code, 'demo-pay')}"


def _checkout_lines(session: Session, order: Order) -> list[CheckoutLine]:
    rows = session.exec(
        select(OrderItem, TicketType, Event)
        .join(TicketType, col(TicketType.id) == OrderItem.ticket_type_id)
        .join(Event, col(Event.id) == TicketType.event_id)
        .where(OrderItem.order_id == order.id)
        .order_by(col(OrderItem.id))
    ).all()
    return [
        CheckoutLine(f"{event.title} — {tt.name}", item.unit_price_minor, item.quantity) for item, tt, event in rows
    ]


def _open_order(session: Session, code: str) -> Order:
    order = get_order_by_code(session, code)
    if order is None:
        raise OrderError(msgid("Order not found."))
    if order.status not in PENDING_STATUSES:
        raise OrderError(msgid("This order can no longer be paid."))
    if order.expires_at is not None and order.expires_at <= utcnow():
        raise OrderError(msgid("The time to pay this order has run out. Please book again."))
    return order


def begin_payment(session: Session, code: str, method: str) -> PaymentStart:
    """Hand a pending order to a payment method; returns where the buyer goes next."""
    order = _open_order(session, code)
    if method not in available_methods(order.total_minor):
        raise OrderError(msgid("This payment method is not available for this order."))
    chosen = PaymentMethod(method)
    order.payment_method = chosen
    session.add(order)
    if chosen is PaymentMethod.FREE:
        session.commit()
        record_payment(
            session, order.id or 0, provider="free", reference=order.code, amount_minor=0, currency=order.currency
        )
        return PaymentStart(chosen, status_url(order))
    if chosen is PaymentMethod.BANK_TRANSFER:
        order.expires_at = utcnow() + timedelta(days=get_settings().bank_transfer_days)
        lifecycle.move(session, order, OrderStatus.AWAITING_PAYMENT, "bank transfer chosen")
        session.commit()
        return PaymentStart(chosen, status_url(order))
    if chosen is PaymentMethod.DEMO:
        session.add(
            Payment(order_id=order.id or 0, provider="demo", amount_minor=order.total_minor, currency=order.currency)
        )
        session.commit()
        return PaymentStart(chosen, demo_payment_url(order))
    return _begin_stripe(session, order)


def _begin_stripe(session: Session, order: Order) -> PaymentStart:
    url = status_url(order)
    checkout = stripe_gateway().create_checkout_session(
        CheckoutRequest(
            order_id=order.id or 0,
            order_code=order.code,
            currency=order.currency,
            lines=_checkout_lines(session, order),
            customer_email=order.buyer_email,
            success_url=url,
            cancel_url=f"{url}&cancelled=1",
            hold_expires_at=order.expires_at,
            locale=order.locale if order.locale in ("en", "fr") else "auto",
        )
    )
    existing = session.exec(
        select(Payment).where(Payment.provider == "stripe", Payment.provider_reference == checkout.id)
    ).first()
    if existing is None:
        session.add(
            Payment(
                order_id=order.id or 0,
                provider="stripe",
                provider_reference=checkout.id,
                amount_minor=order.total_minor,
                currency=order.currency,
            )
        )
    session.commit()
    return PaymentStart(PaymentMethod.STRIPE, checkout.url)


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
        lifecycle.flag(
            session, order, f"{provider} payment {amount_minor} {currency.upper()} does not match the order total"
        )
        session.commit()
        return PaymentOutcome.FLAGGED_MISMATCH
    session.commit()
    result = orders.confirm_order_paid(session, order_id, note=f"paid via {provider}", actor_id=actor_id)
    order = must_get(session, order_id)
    if result is PaymentConfirmation.ALREADY_PAID:
        return PaymentOutcome.ALREADY_PAID
    payment = _payment_row(session, order, provider, reference, intent_reference)
    if result is PaymentConfirmation.SEATS_GONE:
        return _refund_late_payment(
            session, order, payment, "paid after its seats were sold to others", "late payment, seats gone"
        )
    if result is PaymentConfirmation.NOT_PAYABLE:
        return _refund_late_payment(
            session, order, payment, f"paid after it was {order.status}", f"late payment, order {order.status}"
        )
    payment.status = "succeeded"
    session.add(payment)
    session.commit()
    lifecycle.announce_paid(order_id)
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


def _refund_late_payment(
    session: Session, order: Order, payment: Payment, why: str, refund_reason: str
) -> PaymentOutcome:
    lifecycle.flag(session, order, f"{why}; refunded automatically")
    payment.status = "refunded"
    session.add(payment)
    refund_ref = None
    if payment.provider == "stripe" and payment.intent_reference:
        refund_ref = stripe_gateway().refund(
            payment.intent_reference, payment.amount_minor, idempotency_key=f"late-refund-{order.code}"
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
        lifecycle.move(session, order, OrderStatus.REFUNDED, "late payment refunded")
    session.add(order)
    session.commit()
    return PaymentOutcome.REFUNDED_LATE
