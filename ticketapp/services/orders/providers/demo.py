"""The built-in test payment page: `make run` sells tickets end to end without Stripe keys."""

from __future__ import annotations

from sqlmodel import Session

from ticketapp.models import Order, Payment
from ticketapp.services.orders.providers.base import PaymentMethod, PaymentStart
from ticketapp.services.orders.providers.stripe import stripe_configured
from ticketapp.services.shared.origin import app_base_url
from ticketapp.services.shared.signing import sign
from ticketapp.settings import get_settings


def demo_payment_url(order: Order) -> str:
    return f"{app_base_url()}/pay/demo/{order.code}?s={sign(order.code, 'demo-pay')}"


class DemoProvider:
    method = PaymentMethod.DEMO

    def is_available(self, total_minor: int) -> bool:
        # The default without Stripe; next to Stripe only when DEMO_PAYMENTS asks for it.
        return total_minor > 0 and (not stripe_configured() or get_settings().demo_payments)

    def start(self, session: Session, order: Order) -> PaymentStart:
        session.add(
            Payment(
                order_id=order.id or 0, provider=self.method, amount_minor=order.total_minor, currency=order.currency
            )
        )
        return PaymentStart(self.method, demo_payment_url(order))

    def refund(self, payment: Payment, amount_minor: int, *, idempotency_key: str) -> str | None:
        return None  # test money: nothing to give back
