"""What every payment provider offers the order service (DESIGN.md "Payments").

A provider talks to the outside world (Stripe's API, the demo page, the buyer's bank)
and records its own `Payment` rows. It never changes an order's status: what starting a
payment means for the order (paid now, or paid later from outside) it says in its
`PaymentStart`, and the order service moves the order.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol, runtime_checkable

from sqlmodel import Session

from ticketapp.models import Order, Payment
from ticketapp.services.shared.origin import app_base_url
from ticketapp.services.shared.signing import sign


class PaymentMethod(StrEnum):
    """A provider's id, stored on `Order.payment_method` and `Payment.provider`."""

    STRIPE = "stripe"
    DEMO = "demo"
    BANK_TRANSFER = "bank_transfer"
    FREE = "free"


@dataclass(frozen=True)
class AwaitingPayment:
    """The money comes later, from outside the app: the order keeps its seats until `until`."""

    until: datetime
    note: str  # the audit-trail line for the move to awaiting_payment


@dataclass(frozen=True)
class PaymentStart:
    method: PaymentMethod
    redirect_url: str | None = None  # the buyer goes there next (Stripe, demo page, status page)
    paid_now: bool = False  # nothing to collect (a free order): the order is paid on the spot
    awaiting: AwaitingPayment | None = None


class PaymentProvider(Protocol):
    method: PaymentMethod

    def is_available(self, total_minor: int) -> bool:
        """Offered for an order of this total under the current settings."""
        ...

    def start(self, session: Session, order: Order) -> PaymentStart:
        """Hand the order over; adds the provider's Payment row, if any, without committing."""
        ...

    def refund(self, payment: Payment, amount_minor: int, *, idempotency_key: str) -> str | None:
        """Give money back through the provider; its refund id, or None when no money went through it."""
        ...


@dataclass(frozen=True)
class Captured:
    """What an authorised payment became at the provider once captured."""

    amount_minor: int
    currency: str


@runtime_checkable
class AuthorisingProvider(PaymentProvider, Protocol):
    """A provider that can authorise a payment now and take the money later (Stripe's manual capture)."""

    def capture(self, payment: Payment, *, idempotency_key: str) -> Captured:
        """Take the authorised money (raises PaymentGatewayError when the provider refuses, e.g. it lapsed)."""
        ...

    def release(self, payment: Payment, *, idempotency_key: str) -> None:
        """Let the authorisation go: nothing is charged (already released or lapsed counts as done)."""
        ...


def status_url(order: Order) -> str:
    """The buyer's signed order page, where every provider brings the buyer back."""
    return f"{app_base_url()}/orders/{order.code}/status?s={sign(order.code, 'order-status')}"
