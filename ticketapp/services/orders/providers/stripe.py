"""Stripe Checkout: the buyer pays on Stripe's page; the signed webhook confirms (stripe_events).

An order the risk rules hold for review when its session is made is only authorised
(manual capture): the money is taken when an admin approves it and the authorisation is
cancelled when they reject it (`services/orders/authorisations.py`). The choice stays with
the order once it was held, so a repeated "Pay" replays the same session (idempotency key).
"""

from __future__ import annotations

from sqlmodel import Session, col, select

from ticketapp.models import Event, Order, OrderItem, Payment, ReviewState, TicketType
from ticketapp.services.catalog.translations import event_title, type_name
from ticketapp.services.orders.providers.base import Captured, PaymentMethod, PaymentStart, status_url
from ticketapp.services.orders.providers.stripe_gateway import CheckoutLine, CheckoutRequest, StripeGateway
from ticketapp.settings import get_settings

# Our languages Stripe Checkout's own pages speak; for the others (Arabic) Stripe picks from the browser.
STRIPE_CHECKOUT_LOCALES = frozenset({"en", "fr", "es", "de", "it"})


def stripe_configured() -> bool:
    """Both keys set: without the webhook secret no payment could ever be confirmed."""
    settings = get_settings()
    return bool(settings.stripe_secret_key and settings.stripe_webhook_secret)


def stripe_gateway() -> StripeGateway:
    settings = get_settings()
    return StripeGateway(settings.stripe_secret_key, settings.stripe_api_base or None)


def _checkout_lines(session: Session, order: Order) -> list[CheckoutLine]:
    rows = session.exec(
        select(OrderItem, TicketType, Event)
        .join(TicketType, col(TicketType.id) == OrderItem.ticket_type_id)
        .join(Event, col(Event.id) == TicketType.event_id)
        .where(OrderItem.order_id == order.id)
        .order_by(col(OrderItem.id))
    ).all()
    lang = order.locale  # Stripe's page names the tickets in the buyer's language
    return [
        CheckoutLine(f"{event_title(event, lang)} — {type_name(tt, lang)}", item.unit_price_minor, item.quantity)
        for item, tt, event in rows
    ]


def captured_on_approval(order: Order) -> bool:
    """Held for review (or approved after being held): Stripe authorises now and captures on approval."""
    return order.review_state in (ReviewState.HELD, ReviewState.APPROVED)


class StripeProvider:
    method = PaymentMethod.STRIPE

    def is_available(self, total_minor: int) -> bool:
        return total_minor > 0 and stripe_configured()

    def start(self, session: Session, order: Order) -> PaymentStart:
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
                locale=order.locale if order.locale in STRIPE_CHECKOUT_LOCALES else "auto",
                capture_manually=captured_on_approval(order),
            )
        )
        # Stripe answers a repeated "Pay" with the same session (idempotency key): one Payment row.
        existing = session.exec(
            select(Payment).where(Payment.provider == self.method, Payment.provider_reference == checkout.id)
        ).first()
        if existing is None:
            session.add(
                Payment(
                    order_id=order.id or 0,
                    provider=self.method,
                    provider_reference=checkout.id,
                    amount_minor=order.total_minor,
                    currency=order.currency,
                )
            )
        return PaymentStart(self.method, checkout.url)

    def refund(self, payment: Payment, amount_minor: int, *, idempotency_key: str) -> str | None:
        # Stripe refuses zero-amount refunds; a payment never confirmed has no intent to refund.
        if not payment.intent_reference or amount_minor <= 0:
            return None
        return stripe_gateway().refund(payment.intent_reference, amount_minor, idempotency_key=idempotency_key)

    def capture(self, payment: Payment, *, idempotency_key: str) -> Captured:
        intent = stripe_gateway().capture(payment.intent_reference or "", idempotency_key=idempotency_key)
        return Captured(intent.amount_received, intent.currency)

    def release(self, payment: Payment, *, idempotency_key: str) -> None:
        stripe_gateway().cancel(payment.intent_reference or "", idempotency_key=idempotency_key)
