"""Authorised payments: money the buyer's bank has promised but that is not taken yet.

An order the risk rules hold for review when its Stripe session is made is paid in two
steps (Stripe's manual capture, `providers/stripe.py`):

- the webhook reports the authorisation (`record_authorisation`): the order waits as
  awaiting_payment with its seats for `AUTHORISATION_DAYS`, its Payment row says
  "authorised"; it is not paid and no ticket is issued;
- an admin approves (`capture_for_approval`): the provider takes the money, then the order
  becomes paid through `payments.record_payment`, the one writer of the paid fact (its
  tickets and mail follow once the approval is written, `lifecycle.approve_review`);
- or rejects (`release_authorisation`): the authorisation is cancelled (nothing was
  charged, so nothing is refunded) and the order is cancelled, which frees its seats. An admin
  cancelling the order or its event releases it the same way.

An authorisation that arrives for an order that can no longer be sold (rejected, cancelled,
expired, its lapsed seats sold) is released at once; one that arrives for an order an admin
approved before it was paid is captured at once. Provider calls happen outside the database
transaction, before anything is written: a refused call changes nothing.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from enum import StrEnum

from sqlmodel import Session, col, select

from ticketapp.db import begin_write_locked
from ticketapp.i18n import msgid
from ticketapp.models import PENDING_STATUSES, Order, Payment, ReviewState, utcnow
from ticketapp.services.booking import checkout
from ticketapp.services.errors import DomainError
from ticketapp.services.orders import lifecycle
from ticketapp.services.orders.payments import PaymentOutcome, lock_order_for_money, record_payment
from ticketapp.services.orders.providers.registry import authorising_provider
from ticketapp.services.orders.providers.stripe_gateway import PaymentGatewayError

# Stripe cancels an uncaptured online card authorisation after 7 days: the seats wait as long.
AUTHORISATION_DAYS = 7
AUTHORISED = "authorised"  # Payment.status: promised, not taken
RELEASED = "cancelled"  # Payment.status: the authorisation was let go, nothing was charged
AUTHORISED_NOTE = "payment authorised, awaiting review"

log = logging.getLogger(__name__)


class AuthorisationOutcome(StrEnum):
    AUTHORISED = "authorised"  # waiting for the review
    ALREADY_RECORDED = "already_recorded"  # the other webhook of the pair, or a replay
    CAPTURED = "captured"  # approved before the money came: taken and paid now
    CAPTURE_FAILED = "capture_failed"
    RELEASED = "released"  # the order cannot be sold any more: nothing charged
    FLAGGED_MISMATCH = "flagged_mismatch"
    UNKNOWN_ORDER = "unknown_order"


class AuthorisationError(DomainError):
    """The provider refused to capture or release an authorisation (nothing was changed)."""


CAPTURE_REFUSED = msgid(
    "The payment for order {code} could not be taken ({why}). Nothing was charged and the order "
    "stays in review: reject it to free its seats."
)
RELEASE_REFUSED = msgid(
    "The card authorisation for order {code} could not be cancelled ({why}). Nothing was changed; "
    "please try again in a few minutes."
)


def authorised_payment(session: Session, order: Order) -> Payment | None:
    """The order's payment that waits to be captured, if any."""
    return session.exec(
        select(Payment)
        .where(Payment.order_id == order.id, Payment.status == AUTHORISED)
        .order_by(col(Payment.id).desc())
    ).first()


def _row_for(session: Session, order: Order, provider: str, reference: str, intent: str) -> Payment:
    """The Payment row of this intent: the one recorded before, else the pending one `start` made, else new."""
    found = session.exec(
        select(Payment).where(
            Payment.order_id == order.id, Payment.provider == provider, Payment.intent_reference == intent
        )
    ).first()
    found = (
        found
        or session.exec(
            select(Payment)
            .where(Payment.order_id == order.id, Payment.provider == provider, Payment.status == "pending")
            .order_by(col(Payment.id).desc())
        ).first()
    )
    payment = found or Payment(
        order_id=order.id or 0, provider=provider, amount_minor=order.total_minor, currency=order.currency
    )
    payment.provider_reference = payment.provider_reference or reference
    payment.intent_reference = intent
    return payment


def record_authorisation(
    session: Session,
    order_id: int,
    *,
    provider: str,
    reference: str,
    intent_reference: str,
    amount_minor: int,
    currency: str,
) -> AuthorisationOutcome | PaymentOutcome:
    """The provider reports an authorised, uncaptured payment (commits): keep it for the review.

    Never marks a held order paid: that happens only when the money is captured.
    """
    order = lock_order_for_money(session, order_id, amount_minor, currency, f"{provider} authorisation")
    if not isinstance(order, Order):
        return AuthorisationOutcome.UNKNOWN_ORDER if order == "unknown" else AuthorisationOutcome.FLAGGED_MISMATCH
    payment = _row_for(session, order, provider, reference, intent_reference)
    if payment.status != "pending":
        session.rollback()
        return AuthorisationOutcome.ALREADY_RECORDED
    until = utcnow() + timedelta(days=AUTHORISATION_DAYS)
    why = _unsellable(order)
    if why or not checkout.keep_seats_locked(session, order, until, f"{provider}: {AUTHORISED_NOTE}"):
        why = why or "authorised after its seats were sold to others"
        session.rollback()
        return _release_arrived(session, order_id, provider, reference, intent_reference, why)
    payment.status = AUTHORISED
    session.add(payment)
    session.commit()
    lifecycle.announce_status(order.code)
    if order.review_state != ReviewState.APPROVED:
        return AuthorisationOutcome.AUTHORISED
    try:  # an admin approved it while the buyer was paying: take the money now
        outcome = _capture(session, order, payment, actor_id=None)
    except AuthorisationError as refused:
        lifecycle.flag(session, order, f"approved, but the capture was refused: {refused.values.get('why')}")
        session.commit()
        return AuthorisationOutcome.CAPTURE_FAILED
    return AuthorisationOutcome.CAPTURED if outcome is PaymentOutcome.PAID else outcome


def _unsellable(order: Order) -> str:
    """Why an authorisation for this order must be let go at once ("" when it may wait for its review)."""
    if order.review_state == ReviewState.REJECTED:
        return "authorised after the review rejected it"
    if order.review_state not in (ReviewState.HELD, ReviewState.APPROVED):
        return "authorised, but the order was not held for review"
    if order.status not in PENDING_STATUSES:
        return f"authorised after it was {order.status}"
    return ""


def _release_arrived(
    session: Session, order_id: int, provider: str, reference: str, intent: str, why: str
) -> AuthorisationOutcome:
    """An authorisation for an order we will not sell: let it go, then record that (commits).

    A refused release raises PaymentGatewayError: the webhook answers an error and the provider retries.
    """
    arrived = Payment(order_id=order_id, provider=provider, intent_reference=intent, amount_minor=0, currency="")
    authorising_provider(provider).release(arrived, idempotency_key=f"release-{intent}")
    begin_write_locked(session)
    order = session.get(Order, order_id, with_for_update=True, populate_existing=True)
    if order is None:
        session.rollback()
        return AuthorisationOutcome.UNKNOWN_ORDER
    payment = _row_for(session, order, provider, reference, intent)
    payment.status = RELEASED
    session.add(payment)
    lifecycle.flag(session, order, f"{why}; authorisation released, nothing charged")
    session.commit()
    return AuthorisationOutcome.RELEASED


def _capture(session: Session, order: Order, payment: Payment, *, actor_id: int | None) -> PaymentOutcome:
    """Take the authorised money, then record it through the paid path (commits)."""
    try:
        captured = authorising_provider(payment.provider).capture(payment, idempotency_key=f"capture-{order.code}")
    except PaymentGatewayError as exc:
        log.warning("capture refused for order %s: %s", order.code, exc)
        lifecycle.note(session, order.id or 0, f"{payment.provider} capture refused: {exc}", actor_id=actor_id)
        session.commit()
        raise AuthorisationError(CAPTURE_REFUSED, code=order.code, why=str(exc)) from exc
    return record_payment(
        session,
        order.id or 0,
        provider=payment.provider,
        reference=payment.provider_reference or payment.intent_reference or order.code,
        amount_minor=captured.amount_minor,
        currency=captured.currency,
        intent_reference=payment.intent_reference,
        actor_id=actor_id,
    )


def capture_for_approval(session: Session, order: Order, *, actor_id: int) -> PaymentOutcome | None:
    """An admin approves a held order: capture its authorised payment and record it paid (commits).

    None when nothing waits to be captured. Raises AuthorisationError when the provider refuses
    (e.g. the authorisation lapsed): nothing is paid and the order stays in review.
    """
    payment = authorised_payment(session, order)
    if payment is None:
        return None
    outcome = _capture(session, order, payment, actor_id=actor_id)
    session.refresh(order)
    return outcome


def release_authorisation(session: Session, order: Order) -> bool:
    """An order with an authorised payment is rejected or cancelled: cancel the authorisation at the
    provider, before the order ends (the caller commits, with its decision). False when nothing is
    authorised; AuthorisationError when the provider refuses."""
    payment = authorised_payment(session, order)
    if payment is None:
        return False
    try:
        authorising_provider(payment.provider).release(payment, idempotency_key=f"release-{payment.intent_reference}")
    except PaymentGatewayError as exc:
        log.warning("release refused for order %s: %s", order.code, exc)
        raise AuthorisationError(RELEASE_REFUSED, code=order.code, why=str(exc)) from exc
    payment.status = RELEASED
    session.add(payment)
    return True
