"""Payment tries, declined or paid: what the failed-payment, distinct-card and card-testing rules count.

Where a try came from (IP, device cookie) is the order's checkout assessment: a webhook from
the provider knows no browser.
"""

from __future__ import annotations

from sqlmodel import Session, col, select

from ticketapp.models import Order, PaymentAttempt, RiskAssessment, utcnow


def record_attempt(
    session: Session, order: Order, *, declined: bool, card: str = "", amount_minor: int | None = None
) -> PaymentAttempt:
    """Add one try for `order` to the session (the caller commits with its own change)."""
    origin = session.exec(
        select(RiskAssessment).where(RiskAssessment.order_id == order.id).order_by(col(RiskAssessment.id)).limit(1)
    ).first()
    attempt = PaymentAttempt(
        at=utcnow(),
        order_id=order.id,
        email=order.buyer_email,
        user_id=order.user_id,
        ip=origin.ip if origin else "",
        device=origin.device if origin else "",
        amount_minor=order.total_minor if amount_minor is None else amount_minor,
        currency=order.currency,
        card=card[:64],
        declined=declined,
    )
    session.add(attempt)
    return attempt
