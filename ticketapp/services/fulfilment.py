"""What happens after an order is paid or refunded (run as background jobs)."""

from __future__ import annotations

from sqlmodel import Session

from ticketapp.models import Order


def after_payment(session: Session, order_id: int) -> None:
    """Issue the e-tickets and send the confirmation e-mail (idempotent)."""
    order = session.get(Order, order_id)
    if order is None:
        return


def after_refund(session: Session, order_id: int, refund_id: int) -> None:
    """Tell the customer about the refund."""
    order = session.get(Order, order_id)
    if order is None:
        return
