"""What each Stripe webhook event does to our orders. Fulfilment happens only here.

A held order's session only authorises its payment (manual capture): Stripe reports that with
`payment_intent.amount_capturable_updated` and with a `checkout.session.completed` whose
payment_status is "unpaid" while its PaymentIntent is `requires_capture`. Either one records
the authorisation (the second finds it recorded); neither pays the order (`orders/authorisations.py`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from sqlmodel import Session, select

from ticketapp.models import Order, OrderStatus, Payment, WebhookEvent, utcnow
from ticketapp.services.booking import checkout
from ticketapp.services.orders import authorisations, lifecycle, refunds
from ticketapp.services.orders import payments as order_payments
from ticketapp.services.orders.providers.stripe import stripe_gateway
from ticketapp.services.orders.providers.stripe_webhooks import claim_event
from ticketapp.services.risk import attempts
from ticketapp.settings import get_settings

StripeObject = dict[str, Any]


class UnknownOrderError(Exception):
    """The event names no order of ours (answer 400; nothing is recorded)."""


def _order_for(session: Session, obj: StripeObject) -> Order:
    raw_id = (obj.get("metadata") or {}).get("order_id", "")
    order = session.get(Order, int(raw_id)) if str(raw_id).isdigit() else None
    if order is None or order.code != (obj.get("metadata") or {}).get("order_code"):
        raise UnknownOrderError(f"no order {raw_id!r}")
    return order


def _paid(session: Session, obj: StripeObject) -> str:
    order = _order_for(session, obj)
    outcome = order_payments.record_payment(
        session,
        order.id or 0,
        provider="stripe",
        reference=obj["id"],
        amount_minor=int(obj.get("amount_total") or 0),
        currency=str(obj.get("currency") or ""),
        intent_reference=obj.get("payment_intent"),
    )
    return str(outcome)


def _authorised(session: Session, order: Order, reference: str, intent: str, amount: int, currency: str) -> str:
    outcome = authorisations.record_authorisation(
        session,
        order.id or 0,
        provider="stripe",
        reference=reference,
        intent_reference=intent,
        amount_minor=amount,
        currency=currency,
    )
    return str(outcome)


def _intent_capturable(session: Session, obj: StripeObject) -> str:
    """payment_intent.amount_capturable_updated: a held order's payment is authorised, not taken."""
    order = _order_for(session, obj)
    if obj.get("status") != "requires_capture":
        return "not awaiting capture"
    amount = int(obj.get("amount_capturable") or 0)
    return _authorised(session, order, str(obj["id"]), str(obj["id"]), amount, str(obj.get("currency") or ""))


def _session_completed(session: Session, obj: StripeObject) -> str:
    if obj.get("payment_status") in ("paid", "no_payment_required"):
        return _paid(session, obj)
    order = _order_for(session, obj)
    if order.review_state is not None and obj.get("payment_intent"):
        # Made while the order was held: manual capture, so "unpaid" may mean "authorised". Stripe's word on it.
        intent = stripe_gateway().retrieve_intent(str(obj["payment_intent"]))
        if intent.status == "requires_capture":
            return _authorised(session, order, str(obj["id"]), intent.id, intent.amount_capturable, intent.currency)
    # Delayed methods (SEPA Debit, bank redirects) confirm later: keep the seats meanwhile.
    if order.status == OrderStatus.PENDING:
        until = utcnow() + timedelta(days=get_settings().bank_transfer_days)
        if not checkout.keep_seats_until(session, order.id or 0, until, "stripe: payment processing"):
            return "window closed, seats gone: the payment will be refunded if it arrives"
    return "awaiting async payment"


def _async_failed(session: Session, obj: StripeObject) -> str:
    order = _order_for(session, obj)
    return (
        "failed"
        if lifecycle.end_unpaid(session, order.id or 0, OrderStatus.FAILED, "stripe: payment failed")
        else "no change"
    )


def _intent_failed(session: Session, obj: StripeObject) -> str:
    """One card declined on Stripe's page (the buyer may try another): counted by the risk rules."""
    order = _order_for(session, obj)
    error = obj.get("last_payment_error") or {}
    card = ((error.get("payment_method") or {}).get("card") or {}).get("fingerprint") or ""
    attempts.record_attempt(session, order, declined=True, card=str(card), amount_minor=int(obj.get("amount") or 0))
    session.commit()
    return "decline recorded"


def _session_expired(session: Session, obj: StripeObject) -> str:
    order = _order_for(session, obj)
    ended = lifecycle.end_unpaid(session, order.id or 0, OrderStatus.EXPIRED, "stripe: checkout expired")
    return "expired" if ended else "no change"


def _charge_refunded(session: Session, obj: StripeObject) -> str:
    return refunds.record_provider_refund(
        session, str(obj.get("payment_intent") or ""), int(obj.get("amount_refunded") or 0)
    )


def _dispute_created(session: Session, obj: StripeObject) -> str:
    payment = session.exec(select(Payment).where(Payment.intent_reference == obj.get("payment_intent"))).first()
    order = session.get(Order, payment.order_id) if payment else None
    if order is None:
        return "unknown payment"
    lifecycle.flag(session, order, f"dispute opened: {obj.get('reason', 'unknown reason')}")
    session.commit()
    return "flagged"


HANDLERS: dict[str, Callable[[Session, StripeObject], str]] = {
    "checkout.session.completed": _session_completed,
    "checkout.session.async_payment_succeeded": _paid,
    "checkout.session.async_payment_failed": _async_failed,
    "checkout.session.expired": _session_expired,
    "payment_intent.payment_failed": _intent_failed,
    "payment_intent.amount_capturable_updated": _intent_capturable,
    "charge.refunded": _charge_refunded,
    "charge.dispute.created": _dispute_created,
}


def handle_stripe_event(session: Session, event: dict[str, Any]) -> str:
    """Process a verified event once. Returns what happened, for the log and the response."""
    handler = HANDLERS.get(event.get("type", ""))
    if handler is None:
        return "ignored"
    claim = claim_event(session, "stripe", event["id"], event["type"])
    if claim is None:
        return "duplicate"
    session.commit()  # claimed before acting: a concurrent duplicate now sees it
    try:
        outcome = handler(session, event["data"]["object"])
    except BaseException:
        session.rollback()
        _unclaim(session, claim.id)  # let Stripe's retry try again
        raise
    claim = session.get(WebhookEvent, claim.id)
    if claim is not None:
        claim.outcome = outcome[:200]
        session.add(claim)
        session.commit()
    return outcome


def _unclaim(session: Session, claim_id: int | None) -> None:
    claim = session.get(WebhookEvent, claim_id)
    if claim is not None:
        session.delete(claim)
        session.commit()
