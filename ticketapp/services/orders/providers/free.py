"""Free orders: nothing to collect, so the order is paid as soon as the buyer confirms it."""

from __future__ import annotations

from sqlmodel import Session

from ticketapp.models import Order, Payment
from ticketapp.services.orders.providers.base import PaymentMethod, PaymentStart, status_url


class FreeProvider:
    method = PaymentMethod.FREE

    def is_available(self, total_minor: int) -> bool:
        return total_minor == 0

    def start(self, session: Session, order: Order) -> PaymentStart:
        return PaymentStart(self.method, status_url(order), paid_now=True)

    def refund(self, payment: Payment, amount_minor: int, *, idempotency_key: str) -> str | None:
        return None  # no money was taken
