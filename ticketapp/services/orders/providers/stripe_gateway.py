"""The calls Ticketapp makes to Stripe's API, through the official library.

Checkout Sessions let Stripe offer every method it enables for the currency
(cards, Apple/Google Pay, SEPA Debit, iDEAL, Bancontact…), so no
`payment_method_types` is sent. Every write carries an idempotency key, so a
retried request never creates a second session or refund.

A session asked for with `capture_manually` only authorises the payment (its
PaymentIntent stops at `requires_capture`, and Stripe offers only the methods that
can do that): `capture` takes the money later, `cancel` lets the authorisation go.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from stripe import StripeClient, StripeError

from ticketapp.models import utcnow

# Stripe refuses Checkout Session expiries sooner than 30 minutes after creation.
MIN_SESSION_LIFETIME = timedelta(minutes=31)
MAX_SESSION_LIFETIME = timedelta(hours=23)


class PaymentGatewayError(Exception):
    """Stripe could not be reached or refused the request."""


@dataclass(frozen=True)
class CheckoutLine:
    name: str
    unit_amount_minor: int
    quantity: int


@dataclass(frozen=True)
class CheckoutRequest:
    order_id: int
    order_code: str
    currency: str
    lines: list[CheckoutLine]
    customer_email: str
    success_url: str
    cancel_url: str
    hold_expires_at: datetime | None
    locale: str = "auto"
    capture_manually: bool = False  # authorise only: the money is taken by `capture` (orders held for review)


@dataclass(frozen=True)
class CheckoutSessionRef:
    id: str
    url: str
    payment_intent: str | None = None


@dataclass(frozen=True)
class IntentRef:
    """What Ticketapp reads of a PaymentIntent."""

    id: str
    status: str  # requires_capture (authorised), succeeded, canceled, processing, …
    amount_capturable: int
    amount_received: int
    currency: str


def session_expiry(hold_expires_at: datetime | None, now: datetime | None = None) -> datetime:
    """Align the Stripe session with the cart hold, within the window Stripe accepts.

    A hold shorter than Stripe's minimum can lapse while the buyer is still on
    Stripe's page; the webhook then re-checks availability (see orders service).
    """
    now = now or utcnow()
    wanted = hold_expires_at or now + MAX_SESSION_LIFETIME
    return min(max(wanted, now + MIN_SESSION_LIFETIME), now + MAX_SESSION_LIFETIME)


class StripeGateway:
    def __init__(self, secret_key: str, api_base: str | None = None) -> None:
        base = {"api": api_base.rstrip("/")} if api_base else None
        self._client = StripeClient(secret_key, base_addresses=base, max_network_retries=2)  # type: ignore[arg-type]

    def create_checkout_session(self, request: CheckoutRequest) -> CheckoutSessionRef:
        metadata = {"order_id": str(request.order_id), "order_code": request.order_code}
        params = {
            "mode": "payment",
            "line_items": [
                {
                    "price_data": {
                        "currency": request.currency.lower(),
                        "unit_amount": line.unit_amount_minor,
                        "product_data": {"name": line.name},
                    },
                    "quantity": line.quantity,
                }
                for line in request.lines
            ],
            "customer_email": request.customer_email,
            "client_reference_id": request.order_code,
            "metadata": metadata,
            "payment_intent_data": {"metadata": metadata}
            | ({"capture_method": "manual"} if request.capture_manually else {}),
            "success_url": request.success_url,
            "cancel_url": request.cancel_url,
            "expires_at": int(session_expiry(request.hold_expires_at).timestamp()),
            "locale": request.locale,
        }
        try:
            session = self._client.v1.checkout.sessions.create(
                params,  # type: ignore[arg-type]
                {"idempotency_key": f"checkout-{request.order_code}"},
            )
        except StripeError as exc:
            raise PaymentGatewayError(str(exc)) from exc
        return CheckoutSessionRef(id=session.id, url=session.url or "", payment_intent=session.payment_intent)  # type: ignore[arg-type]

    def expire_checkout_session(self, session_id: str) -> None:
        try:
            self._client.v1.checkout.sessions.expire(session_id)
        except StripeError as exc:
            raise PaymentGatewayError(str(exc)) from exc

    def retrieve_intent(self, payment_intent: str) -> IntentRef:
        try:
            intent = self._client.v1.payment_intents.retrieve(payment_intent)
        except StripeError as exc:
            raise PaymentGatewayError(str(exc)) from exc
        return _intent_ref(intent)

    def capture(self, payment_intent: str, *, idempotency_key: str) -> IntentRef:
        """Take the whole authorised amount. An intent captured before (a retried approval) counts as done."""
        try:
            intent = self._client.v1.payment_intents.capture(
                payment_intent, options={"idempotency_key": idempotency_key}
            )
        except StripeError as exc:
            return self._already(payment_intent, "succeeded", exc)
        return _intent_ref(intent)

    def cancel(self, payment_intent: str, *, idempotency_key: str) -> IntentRef:
        """Let an authorisation go (nothing is charged). One cancelled already (or lapsed) counts as done."""
        try:
            intent = self._client.v1.payment_intents.cancel(
                payment_intent, options={"idempotency_key": idempotency_key}
            )
        except StripeError as exc:
            return self._already(payment_intent, "canceled", exc)
        return _intent_ref(intent)

    def _already(self, payment_intent: str, wanted: str, refused: StripeError) -> IntentRef:
        """Stripe refused the change: fine if the intent is already where we wanted it, else the refusal."""
        if refused.code == "payment_intent_unexpected_state":
            current = self.retrieve_intent(payment_intent)
            if current.status == wanted:
                return current
        raise PaymentGatewayError(refused.user_message or str(refused)) from refused

    def refund(self, payment_intent: str, amount_minor: int, *, idempotency_key: str) -> str:
        """Refund part or all of a payment; returns Stripe's refund id."""
        try:
            refund = self._client.v1.refunds.create(
                {"payment_intent": payment_intent, "amount": amount_minor},
                {"idempotency_key": idempotency_key},
            )
        except StripeError as exc:
            raise PaymentGatewayError(str(exc)) from exc
        return refund.id


def _intent_ref(intent: object) -> IntentRef:
    return IntentRef(
        id=str(getattr(intent, "id", "")),
        status=str(getattr(intent, "status", "")),
        amount_capturable=int(getattr(intent, "amount_capturable", 0) or 0),
        amount_received=int(getattr(intent, "amount_received", 0) or 0),
        currency=str(getattr(intent, "currency", "") or ""),
    )
