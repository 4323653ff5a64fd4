"""The order state machine: the only place that changes `Order.status` and writes `OrderLog`.

pending → awaiting_payment → paid → partially_refunded → refunded;
pending / awaiting_payment → cancelled / expired / failed.
A payment that lands after its window closed takes the seats if they are still
free (expired / failed → paid) or is refunded at once (→ refunded).

Every status change writes exactly one log row with its from/to status and its
actor (None when the system did it), bulk paths included. Notes (an e-mail sent,
a name changed) and flags are log rows that change no status. After the commit
that made an order paid or refunded, `announce_paid` / `announce_refund` emit the
hooks that start the follow-up jobs; that work is recorded as due in the commit itself
(`mark_paid`, `refund_due`), so a lost job is re-enqueued by the reconciler.
The invoice (and its number) is written by `mark_paid`, and a credit note by every move to a refunded or
cancelled status, in the same transaction (services/invoicing/numbering).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import insert, literal, update
from sqlalchemy import select as core_select  # sqlmodel's select takes at most four columns
from sqlmodel import Session, col, select

from ticketapp.db import begin_write_locked
from ticketapp.i18n import msgid
from ticketapp.models import PAID_STATUSES, PENDING_STATUSES, Order, OrderLog, OrderStatus, ReviewState, utcnow
from ticketapp.models.types import UTCDateTime
from ticketapp.services import hooks
from ticketapp.services.booking import seats
from ticketapp.services.errors import DomainError
from ticketapp.services.invoicing import numbering as invoices
from ticketapp.services.risk import attempts
from ticketapp.services.shared import bus, due
from ticketapp.services.waitlist import announce as waitlist_announce
from ticketapp.services.webhooks import events as webhook_events

S = OrderStatus
TRANSITIONS: dict[OrderStatus, set[OrderStatus]] = {
    S.PENDING: {S.AWAITING_PAYMENT, S.PAID, S.CANCELLED, S.EXPIRED, S.FAILED, S.REFUNDED},
    S.AWAITING_PAYMENT: {S.PAID, S.CANCELLED, S.EXPIRED, S.FAILED, S.REFUNDED},
    S.PAID: {S.PARTIALLY_REFUNDED, S.REFUNDED, S.CANCELLED},
    S.PARTIALLY_REFUNDED: {S.PARTIALLY_REFUNDED, S.REFUNDED, S.CANCELLED},
    # A payment that lands after the window closed may still take free seats, or is refunded.
    S.EXPIRED: {S.PAID, S.REFUNDED},
    S.FAILED: {S.PAID, S.REFUNDED},
    S.CANCELLED: set(),
    S.REFUNDED: set(),
}
# Where an unpaid order may end; its seats stop counting as sold.
UNPAID_ENDINGS = (S.CANCELLED, S.FAILED, S.EXPIRED)
# Where a paid order's invoice is corrected by a credit note for what is no longer sold.
CREDITED_ENDINGS = (S.PARTIALLY_REFUNDED, S.REFUNDED, S.CANCELLED)
EXPIRY_NOTE = "payment window closed"


class OrderError(DomainError):
    """A refused order operation."""


def can_move(current: str, target: str) -> bool:
    return OrderStatus(target) in TRANSITIONS[OrderStatus(current)]


def _log(
    session: Session,
    order_id: int,
    note: str,
    *,
    from_status: str = "",
    to_status: str = "",
    actor_id: int | None = None,
    at: datetime | None = None,
) -> None:
    session.add(
        OrderLog(
            order_id=order_id,
            at=at or utcnow(),
            from_status=from_status,
            to_status=to_status,
            note=note[:500],
            actor_user_id=actor_id,
        )
    )


def move(
    session: Session,
    order: Order,
    target: OrderStatus,
    note: str,
    *,
    actor_id: int | None = None,
    now: datetime | None = None,
) -> None:
    """Change the order's status and log it; the caller commits (with whatever else changed)."""
    if not can_move(order.status, target):
        raise OrderError(msgid("This order cannot go from {current} to {target}."), current=order.status, target=target)
    now = now or utcnow()
    _log(session, order.id or 0, note, from_status=order.status, to_status=target, actor_id=actor_id, at=now)
    order.status = target
    order.updated_at = now
    session.add(order)
    if target in CREDITED_ENDINGS:
        _credit(session, order, actor_id, now)
    if target == OrderStatus.PAID:
        webhook_events.record(session, "order.paid", webhook_events.order_data(order), now=now)
    elif target == OrderStatus.CANCELLED:
        webhook_events.record(session, "order.cancelled", webhook_events.order_data(order), now=now)


def _credit(session: Session, order: Order, actor_id: int | None, now: datetime) -> None:
    """Refunded or cancelled: the credit note, in the transaction that records it (numbering.credit_to_match)."""
    credit = invoices.credit_to_match(session, order, now)
    if credit is not None:
        _log(session, order.id or 0, f"credit note {credit.code} issued", actor_id=actor_id, at=now)


def mark_paid(session: Session, order: Order, note: str, *, actor_id: int | None = None, now: datetime) -> None:
    """The money is in and the seats are the order's: the caller holds the inventory locks and commits."""
    move(session, order, OrderStatus.PAID, note, actor_id=actor_id, now=now)
    order.paid_at = now
    # The invoice and its number belong to the payment's transaction: never a paid order without one, never a
    # number taken by a payment that rolled back (numbering.allocate).
    invoice = invoices.issue_for_paid(session, order, now)
    if invoice is not None:
        _log(session, order.id or 0, f"invoice {invoice.code} issued", actor_id=actor_id, at=now)
    if order.review_state == ReviewState.HELD:
        _log(session, order.id or 0, "tickets held for risk review", actor_id=actor_id, at=now)
        return  # the tickets wait for an admin's approval (approve_review records them due)
    due.record(session, "order.paid", order.id or 0, order_id=order.id or 0)


def hold_for_review(session: Session, order: Order, reasons: str) -> None:
    """The risk rules want a human look: once paid, the order's tickets wait for an admin (the caller commits).

    Held before its payment starts, a card payment is only authorised (orders/authorisations.py)."""
    order.review_state = ReviewState.HELD
    _log(session, order.id or 0, f"held for risk review: {reasons}", from_status=order.status, to_status=order.status)
    session.add(order)


def approve_review(session: Session, order: Order, *, actor_id: int) -> bool:
    """An admin approved a held order: if it is paid, its tickets and confirmation are due now (the caller
    commits, then calls `announce_paid` when this returns True). An authorised card payment is captured
    and recorded paid (`authorisations.capture_for_approval`) before this is called."""
    _decide_review(session, order, ReviewState.APPROVED, actor_id)
    if order.status not in PAID_STATUSES:
        return False  # not paid yet: it is fulfilled the normal way when the money arrives
    due.record(session, "order.paid", order.id or 0, order_id=order.id or 0)
    return True


def reject_review(session: Session, order: Order, *, actor_id: int) -> None:
    """An admin rejected a held order (the caller releases its authorisation, refunds or cancels it)."""
    _decide_review(session, order, ReviewState.REJECTED, actor_id)


def _decide_review(session: Session, order: Order, decision: ReviewState, actor_id: int) -> None:
    """The one place a review decision is written, with its line in the order's log."""
    if order.review_state != ReviewState.HELD:
        raise OrderError(msgid("This order is not waiting for a review."))
    order.review_state = decision
    _log(
        session,
        order.id or 0,
        f"risk review: {decision.value}",
        from_status=order.status,
        to_status=order.status,
        actor_id=actor_id,
    )
    session.add(order)


def refund_due(session: Session, order_id: int, refund_id: int) -> None:
    """In the transaction that records a refund: its notice to the customer is due (the caller commits)."""
    due.record(session, "order.refunded", refund_id, order_id=order_id, refund_id=refund_id)
    order = session.get(Order, order_id)
    if order is not None:
        webhook_events.record(session, "order.refunded", webhook_events.order_data(order) | {"refund_id": refund_id})


def note(session: Session, order_id: int, text: str, *, actor_id: int | None = None) -> None:
    """Something happened to the order without changing its status (an e-mail sent, a name changed)."""
    _log(session, order_id, text, actor_id=actor_id)


def flag(session: Session, order: Order, reason: str) -> None:
    """Mark an order for the fraud/support view without changing its status."""
    order.flagged_reason = reason[:200]
    _log(session, order.id or 0, f"flagged: {reason}", from_status=order.status, to_status=order.status)
    session.add(order)


def end_unpaid(session: Session, order_id: int, target: OrderStatus, note: str, *, actor_id: int | None = None) -> bool:
    """Payment failed, expired or was abandoned: end the order, which frees its seats (commits).

    False when the order is no longer waiting for payment (paid, or ended already).
    """
    if target not in UNPAID_ENDINGS:
        raise ValueError(f"an unpaid order cannot end as {target}")
    begin_write_locked(session)
    order = session.get(Order, order_id, with_for_update=True, populate_existing=True)
    if order is None or order.status not in PENDING_STATUSES:
        session.rollback()
        return False
    seats.release_order_of(session, order)
    move(session, order, target, note, actor_id=actor_id)
    if target == OrderStatus.FAILED:  # a declined payment: the risk rules count these
        attempts.record_attempt(session, order, declined=True)
    session.commit()
    announce_status(order.code)
    waitlist_announce.seats_back_of_order(session, order_id)
    return True


def lapsed_orders(session: Session, now: datetime) -> list[int]:
    """Pending orders whose payment window closed, locked (the caller's write transaction).

    PostgreSQL: rows another transaction is paying right now are skipped and seen by
    the next sweep. On SQLite the caller's write transaction already excludes other writers.
    """
    rows = session.exec(
        select(Order.id)
        .where(col(Order.status).in_(PENDING_STATUSES), col(Order.expires_at) <= now)
        .order_by(col(Order.id))
        .with_for_update(skip_locked=True)
    ).all()
    return [order_id for order_id in rows if order_id is not None]


def expire_orders(session: Session, lapsed: list[int], now: datetime) -> int:
    """Expire the `lapsed_orders` (their seats already released), one log row each; the caller commits.

    Set-based: one INSERT … SELECT writes their log rows and one UPDATE their status.
    """
    if not lapsed:
        return 0
    chosen = col(Order.id).in_(lapsed)
    rows = core_select(
        col(Order.id),
        literal(now, UTCDateTime()),
        col(Order.status),
        literal(OrderStatus.EXPIRED.value),
        literal(EXPIRY_NOTE),
    ).where(chosen)
    columns = ["order_id", "at", "from_status", "to_status", "note"]
    session.exec(insert(OrderLog).from_select(columns, rows))
    session.exec(update(Order).where(chosen).values(status=OrderStatus.EXPIRED, updated_at=now))
    return len(lapsed)


def announce_status(code: str) -> None:
    """After a commit that changed the order's status: its open order page reads it again."""
    bus.publish(bus.order_topic(code))


def announce_paid(order_id: int) -> None:
    """After the commit that made the order paid: its tickets and confirmation follow as a job."""
    hooks.emit_due("order.paid", order_id=order_id)


def announce_refund(order_id: int, refund_id: int) -> None:
    """After the commit that recorded a refund: the customer's refund notice follows as a job."""
    hooks.emit_due("order.refunded", order_id=order_id, refund_id=refund_id)
