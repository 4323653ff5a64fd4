"""The review queue: orders the risk rules held, with their reasons and the buyer's history.

Approve → a card payment that was only authorised (held when its Stripe session was made) is
captured first and recorded paid; then the tickets and confirmation mail go out through the
normal fulfilment job (the "order.paid" due record). Reject → an authorised payment is
cancelled at the provider (nothing was charged) and the order cancelled; a paid order (held
when its money arrived) is refunded through the refund path (its seats are released and the
buyer gets the refund notice); an unpaid one is cancelled. Both are audited (AdminAudit) and
logged on the order; a provider that refuses changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, or_, select

from ticketapp.i18n import msgid
from ticketapp.models import (
    PAID_STATUSES,
    PENDING_STATUSES,
    Order,
    OrderStatus,
    ReviewState,
    RiskAssessment,
    SecurityEvent,
    User,
)
from ticketapp.services.accounts.audit import audit
from ticketapp.services.errors import DomainError
from ticketapp.services.orders import authorisations, lifecycle, refunds
from ticketapp.services.orders.payments import PaymentOutcome, get_order_by_code

QUEUE_STATUSES = (*PAID_STATUSES, *PENDING_STATUSES)


class ReviewError(DomainError):
    """A refused review decision (nothing was changed)."""


class PaymentFate(StrEnum):
    """What a review decision did with the buyer's money (the admin is told)."""

    NONE = "none"  # not paid yet: it is handled when (if) the money arrives
    KEPT = "kept"  # paid before: the money stays
    CAPTURED = "captured"  # the authorisation was captured on approval
    REFUNDED = "refunded"
    RELEASED = "released"  # the authorisation was cancelled: nothing was charged


@dataclass(frozen=True)
class PastOrder:
    code: str
    status: str
    total_minor: int
    currency: str
    created_at: datetime


@dataclass(frozen=True)
class HeldOrder:
    order: Order
    score: int
    reasons: list[dict[str, Any]]
    ip: str
    account_created_at: datetime | None
    history: list[PastOrder] = field(default_factory=list)
    history_counts: dict[str, int] = field(default_factory=dict)
    security_events: int = 0
    authorised: bool = False  # the card payment is authorised, not taken: approval captures it


def _held_query() -> Any:
    return select(Order).where(Order.review_state == ReviewState.HELD, col(Order.status).in_(QUEUE_STATUSES))


def count_held(session: Session) -> int:
    return int(session.exec(select(func.count()).select_from(_held_query().subquery())).one())


def _buyer(order: Order) -> Any:
    if order.user_id is None:
        return col(Order.buyer_email) == order.buyer_email
    return or_(col(Order.user_id) == order.user_id, col(Order.buyer_email) == order.buyer_email)


def held_orders(session: Session, *, offset: int = 0, limit: int = 25) -> list[HeldOrder]:
    """Held orders, oldest first, each with the reasons and what the buyer did before."""
    orders = session.exec(_held_query().order_by(col(Order.created_at), col(Order.id)).offset(offset).limit(limit))
    return [_held(session, order) for order in orders]


def _held(session: Session, order: Order) -> HeldOrder:
    assessments = list(
        session.exec(select(RiskAssessment).where(RiskAssessment.order_id == order.id).order_by(col(RiskAssessment.id)))
    )
    reasons = [reason for a in assessments if a.decision != "allow" for reason in a.reasons]
    past = session.exec(
        select(Order).where(_buyer(order), Order.id != order.id).order_by(col(Order.created_at).desc()).limit(10)
    ).all()
    counts = dict(
        session.exec(
            select(Order.status, func.count()).where(_buyer(order), Order.id != order.id).group_by(col(Order.status))
        ).all()
    )
    user = session.get(User, order.user_id) if order.user_id else None
    events = 0
    if order.user_id is not None:
        events = int(session.exec(select(func.count()).where(SecurityEvent.user_id == order.user_id)).one())
    return HeldOrder(
        order=order,
        score=max((a.score for a in assessments), default=0),
        reasons=reasons,
        ip=assessments[0].ip if assessments else "",
        account_created_at=user.created_at if user else None,
        history=[PastOrder(o.code, o.status, o.total_minor, o.currency, o.created_at) for o in past],
        history_counts={str(k): int(v) for k, v in counts.items()},
        security_events=events,
        authorised=authorisations.authorised_payment(session, order) is not None,
    )


def _must_held(session: Session, code: str) -> Order:
    order = get_order_by_code(session, code)
    if order is None:
        raise ReviewError(msgid("Order not found."))
    if order.review_state != ReviewState.HELD:
        raise ReviewError(msgid("This order is not waiting for a review."))
    return order


def approve(session: Session, actor_id: int, code: str) -> PaymentFate:
    """Release a held order (commits): an authorised payment is captured and recorded paid first, then a
    paid order gets its tickets and confirmation mail. A refused capture changes nothing but the
    order's log and is told as a ReviewError."""
    order = _must_held(session, code)
    fate = PaymentFate.KEPT if order.status in PAID_STATUSES else PaymentFate.NONE
    try:
        captured = authorisations.capture_for_approval(session, order, actor_id=actor_id)
    except authorisations.AuthorisationError as refused:
        raise ReviewError(refused.message, **refused.values) from refused
    if captured is PaymentOutcome.PAID:
        fate = PaymentFate.CAPTURED
    elif captured is PaymentOutcome.REFUNDED_LATE:  # its seats lapsed and were sold meanwhile
        fate = PaymentFate.REFUNDED
    due_now = lifecycle.approve_review(session, order, actor_id=actor_id)
    audit(session, actor_id, "risk.review_approved", "order", order.id, code=order.code, payment=fate.value)
    session.commit()
    if due_now:
        lifecycle.announce_paid(order.id or 0)
    lifecycle.announce_status(order.code)
    return fate


def reject(session: Session, actor_id: int, code: str, reason: str) -> PaymentFate:
    """Refuse a held order (commits): cancel its card authorisation, refund it if paid (seats released,
    buyer told), and cancel it if not paid. A refused provider call changes nothing."""
    reason = " ".join(reason.split())
    if not reason:
        raise ReviewError(msgid("Please give a reason."))
    order = _must_held(session, code)
    try:
        released = authorisations.release_authorisation(session, order)
    except authorisations.AuthorisationError as refused:
        session.rollback()
        raise ReviewError(refused.message, **refused.values) from refused
    lifecycle.reject_review(session, order, actor_id=actor_id)
    fate = PaymentFate.RELEASED if released else PaymentFate.NONE
    if order.status in PAID_STATUSES:
        fate = PaymentFate.REFUNDED
    audit(
        session,
        actor_id,
        "risk.review_rejected",
        "order",
        order.id,
        code=order.code,
        reason=reason[:200],
        payment=fate.value,
    )
    if fate is PaymentFate.REFUNDED:
        try:
            refunds.refund_order(session, order.code, actor_id=actor_id, reason=f"risk review: {reason}"[:200])
        except DomainError:
            session.rollback()
            raise
        return fate
    session.commit()
    # Unpaid: ended like any unpaid order, which frees its seats under the type locks (booking/seats.py).
    note = f"risk review rejected: {reason}" + ("; card authorisation cancelled" if released else "")
    lifecycle.end_unpaid(session, order.id or 0, OrderStatus.CANCELLED, note, actor_id=actor_id)
    session.refresh(order)
    return fate
