"""Cancelling an order that is still waiting for its payment: by an admin, or by its own buyer.

The seats are released and the change is logged by `lifecycle.end_unpaid` (the one writer of the
status); a card authorised for a held order is let go first, so nothing is charged later.
"""

from __future__ import annotations

from sqlmodel import Session

from ticketapp.i18n import msgid
from ticketapp.models import PENDING_STATUSES, Order, OrderStatus
from ticketapp.services.orders import authorisations, lifecycle
from ticketapp.services.orders.lifecycle import OrderError
from ticketapp.services.orders.payments import get_order_by_code

NOT_CANCELLABLE = msgid("Only an unpaid order can be cancelled; refund a paid order instead.")
BUYER_NOT_CANCELLABLE = msgid("This order can no longer be cancelled.")


def cancel_unpaid(session: Session, order: Order, note: str, *, actor_id: int | None) -> bool:
    """End an unpaid order as cancelled (commits); False when it was paid or ended meanwhile."""
    if order.status not in PENDING_STATUSES:
        return False
    if authorisations.release_authorisation(session, order):  # a card authorised for a held order: let it go
        session.commit()
    return lifecycle.end_unpaid(session, order.id or 0, OrderStatus.CANCELLED, note, actor_id=actor_id)


def buyer_may_cancel(order: Order, user_id: int | None) -> bool:
    """The buyer holding the order's signed link; for an account's order, only that account signed in."""
    return order.status in PENDING_STATUSES and (order.user_id is None or order.user_id == user_id)


def cancel_by_buyer(session: Session, code: str, user_id: int | None) -> None:
    """The buyer gave up an unpaid order from its page: its seats go back on sale at once."""
    order = get_order_by_code(session, code)
    if order is None or not buyer_may_cancel(order, user_id):
        session.rollback()
        raise OrderError(BUYER_NOT_CANCELLABLE)
    note = "cancelled by the buyer" if user_id is None or order.user_id is None else "cancelled by the customer"
    if not cancel_unpaid(session, order, note, actor_id=user_id if order.user_id is not None else None):
        raise OrderError(BUYER_NOT_CANCELLABLE)
