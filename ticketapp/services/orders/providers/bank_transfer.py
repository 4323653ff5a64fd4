"""Bank transfer: the buyer pays from their bank; an admin marks the order paid when it arrives."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session

from ticketapp.models import Order, Payment, utcnow
from ticketapp.services.orders.providers.base import AwaitingPayment, PaymentMethod, PaymentStart, status_url
from ticketapp.settings import get_settings


class BankTransferProvider:
    method = PaymentMethod.BANK_TRANSFER

    def is_available(self, total_minor: int) -> bool:
        return total_minor > 0

    def start(self, session: Session, order: Order) -> PaymentStart:
        # The status page shows the bank details; the seats wait for the transfer.
        until = utcnow() + timedelta(days=get_settings().bank_transfer_days)
        return PaymentStart(self.method, status_url(order), awaiting=AwaitingPayment(until, "bank transfer chosen"))

    def refund(self, payment: Payment, amount_minor: int, *, idempotency_key: str) -> str | None:
        return None  # paid back by hand, from the organiser's bank account
