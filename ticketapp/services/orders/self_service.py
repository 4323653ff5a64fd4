"""Buyer self-service refunds: what the event's policy gives back, the buyer's request, the admin's decision.

Each event says whether its buyers may ask for a refund (`Event.refund_mode`: "none", "automatic"
or "approval"), until how many days before it starts, and the fee kept (a fixed amount in minor
units, or basis points of what was paid for that event). An order spanning several events takes
the strictest: every event must allow it, the earliest deadline counts, one "approval" event makes
the whole request wait for an admin, and the fees add up.

The money moves only through `refunds.refund_order` (the one refund path: provider refund, void
tickets, seats freed, refund notice), which records the request's outcome in its own commit.
Each step writes one line of the order's trail: an automatic refund is the refund's own line; a
request that waits is noted when made and again when denied (an approval is the refund's line).
Unpaid orders are cancelled by `cancellation.cancel_by_buyer`, not here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import func
from sqlmodel import Session, col, select

from ticketapp.db import begin_write_locked
from ticketapp.i18n import msgid
from ticketapp.models import (
    Event,
    Order,
    OrderItem,
    OrderStatus,
    Refund,
    RefundRequest,
    RefundRequestStatus,
    Ticket,
    TicketType,
    utcnow,
)
from ticketapp.services.orders import lifecycle, self_service_mail
from ticketapp.services.orders.lifecycle import OrderError
from ticketapp.services.orders.payments import get_order_by_code
from ticketapp.services.orders.refunds import refund_order

MAX_REASON = 500
BASIS_POINTS = 10_000  # 100 %


class RefundMode(StrEnum):
    NONE = "none"
    AUTOMATIC = "automatic"
    APPROVAL = "approval"


class FeeKind(StrEnum):
    FIXED = "fixed"  # minor units of the event's currency
    PERCENT = "percent"  # basis points: 250 = 2.5 %


@dataclass(frozen=True)
class EventPolicy:
    """An event's self-service rules as the admin form sets them (see the fields on `Event`)."""

    refund_mode: str = RefundMode.NONE
    refund_days_before: int = 0
    refund_fee_kind: str = FeeKind.FIXED
    refund_fee_value: int = 0
    transfers_allowed: bool = True
    transfer_limit: int | None = None

    def problem(self) -> str:
        """Why these rules cannot be saved ("" when they can)."""
        if self.refund_mode not in set(RefundMode) or self.refund_fee_kind not in set(FeeKind):
            return msgid("Please choose a refund policy and a kind of fee.")
        if self.refund_fee_kind == FeeKind.PERCENT and self.refund_fee_value > BASIS_POINTS:
            return msgid("A refund fee cannot be more than 100 %.")
        if self.refund_days_before > 3650 or self.refund_fee_value < 0 or self.refund_days_before < 0:
            return msgid("Please enter whole numbers for capacities and limits.")
        return ""

    def apply(self, event: Event) -> None:
        for name in EventPolicy.__dataclass_fields__:
            setattr(event, name, getattr(self, name))

    @classmethod
    def of(cls, event: Event) -> EventPolicy:
        return cls(**{name: getattr(event, name) for name in cls.__dataclass_fields__})


NOT_YOURS = msgid("Order not found.")
NO_REFUNDS = msgid("Refunds are not offered for this event.")
TOO_LATE = msgid("The time to ask for a refund of this order has passed.")
NOT_PAID = msgid("Only a paid order can be refunded.")
PARTLY_REFUNDED = msgid("This order was already partly refunded; please contact us for the rest.")
ALREADY_ASKED = msgid("A refund was already requested for this order.")
TRANSFERRED = msgid("A ticket of this order was transferred to someone else, so the order can no longer be refunded.")
NOTHING_BACK = msgid("After the refund fee, nothing would be paid back.")
NOT_WAITING = msgid("This refund request is no longer waiting for a decision.")
REASON_NEEDED = msgid("Please give the buyer a reason for the refusal.")


@dataclass(frozen=True)
class RefundQuote:
    """What a request would give the buyer now; `refusal` says why not when it is not allowed."""

    refusal: str
    amount_minor: int
    fee_minor: int
    currency: str
    needs_approval: bool
    deadline: datetime | None

    @property
    def allowed(self) -> bool:
        return not self.refusal


def fee_for(kind: str, value: int, paid_minor: int) -> int:
    """The fee kept from `paid_minor`: a fixed amount or basis points (rounded half up), never more than paid."""
    fee = value if kind == FeeKind.FIXED else (paid_minor * value + BASIS_POINTS // 2) // BASIS_POINTS
    return max(0, min(fee, paid_minor))


def refund_deadline(event: Event) -> datetime:
    """The last moment a buyer may ask: `refund_days_before` days before the event starts."""
    return event.starts_at - timedelta(days=event.refund_days_before)


def _event_shares(session: Session, order_id: int) -> list[tuple[Event, int]]:
    """Each event of the order with what the buyer paid for it (discounts already taken off)."""
    rows = session.exec(
        select(Event, func.sum(OrderItem.unit_price_minor * OrderItem.quantity))
        .join(TicketType, col(TicketType.event_id) == Event.id)
        .join(OrderItem, col(OrderItem.ticket_type_id) == TicketType.id)
        .where(OrderItem.order_id == order_id)
        .group_by(col(Event.id))
        .order_by(col(Event.starts_at))
    ).all()
    return [(event, int(paid or 0)) for event, paid in rows]


def _blocking_state(session: Session, order: Order) -> str:
    """Why this order cannot be asked about at all, whatever the policy ("" when it can)."""
    if order.status == OrderStatus.PARTIALLY_REFUNDED:
        return PARTLY_REFUNDED
    if order.status != OrderStatus.PAID:
        return NOT_PAID
    asked = session.exec(select(RefundRequest.id).where(RefundRequest.order_id == order.id)).first()
    if asked is not None:
        return ALREADY_ASKED
    moved = session.exec(select(Ticket.id).where(Ticket.order_id == order.id, col(Ticket.holder_email).is_not(None)))
    return TRANSFERRED if moved.first() is not None else ""


def quote(session: Session, order: Order, now: datetime | None = None) -> RefundQuote:
    """What the event policies give back for `order` at `now`."""
    now = now or utcnow()
    shares = _event_shares(session, order.id or 0)
    modes = {event.refund_mode for event, _ in shares}
    deadline = min((refund_deadline(event) for event, _ in shares), default=None)
    fee = min(sum(fee_for(e.refund_fee_kind, e.refund_fee_value, paid) for e, paid in shares), order.total_minor)
    amount = order.total_minor - order.refunded_minor - fee
    refusal = (
        NO_REFUNDS
        if not shares or RefundMode.NONE in modes
        else _blocking_state(session, order)
        or (TOO_LATE if deadline is not None and now >= deadline else "")
        or (NOTHING_BACK if amount <= 0 else "")
    )
    return RefundQuote(
        refusal=refusal,
        amount_minor=max(amount, 0),
        fee_minor=fee,
        currency=order.currency,
        needs_approval=RefundMode.APPROVAL in modes,
        deadline=deadline,
    )


def buyer_order(session: Session, code: str, user_id: int | None, *, via_link: bool = True) -> Order:
    """The order the buyer holds: reached through its signed link (`via_link`, checked by the caller), or
    for an account's order only by that account signed in (the rule of `cancellation.buyer_may_cancel`);
    without the link, only the account's own orders. Anyone else's looks missing."""
    order = get_order_by_code(session, code)
    mine = order is not None and order.user_id is not None and order.user_id == user_id
    if order is None or not (mine or (via_link and order.user_id is None)):
        session.rollback()
        raise OrderError(NOT_YOURS)
    return order


def pending_request(session: Session, order_id: int) -> RefundRequest | None:
    statement = select(RefundRequest).where(
        RefundRequest.order_id == order_id, RefundRequest.status == RefundRequestStatus.PENDING
    )
    return session.exec(statement).first()


def latest_request(session: Session, order_id: int) -> RefundRequest | None:
    statement = select(RefundRequest).where(RefundRequest.order_id == order_id).order_by(col(RefundRequest.id).desc())
    return session.exec(statement).first()


def _record_refunded(
    request: RefundRequest, decided_by: int | None, now: datetime
) -> Callable[[Session, Refund], None]:
    """The `and_then` of `refund_order`: the request is written refunded in the refund's own commit."""

    def record(session: Session, refund: Refund) -> None:
        request.status = RefundRequestStatus.REFUNDED
        request.refund_id = refund.id
        request.decided_by = decided_by
        request.decided_at = now
        session.add(request)

    return record


def _new_request(order: Order, offer: RefundQuote, user_id: int | None, reason: str, now: datetime) -> RefundRequest:
    return RefundRequest(
        order_id=order.id or 0,
        amount_minor=offer.amount_minor,
        fee_minor=offer.fee_minor,
        currency=order.currency,
        reason=" ".join(reason.split())[:MAX_REASON],
        requested_by=user_id,
        created_at=now,
    )


def request_refund(
    session: Session,
    code: str,
    user_id: int | None,
    reason: str = "",
    now: datetime | None = None,
    *,
    via_link: bool = True,
) -> RefundRequest:
    """The buyer asks for their money back: refunded at once (automatic) or queued for an admin."""
    now = now or utcnow()
    order = buyer_order(session, code, user_id, via_link=via_link)
    offer = quote(session, order, now)
    if not offer.allowed:
        session.rollback()
        raise OrderError(offer.refusal)
    actor = user_id if order.user_id is not None else None
    fee_note = f", fee {offer.fee_minor} {order.currency} kept"
    request = _new_request(order, offer, user_id, reason, now)
    if not offer.needs_approval:
        # The refund path re-checks the order under its lock and writes the request with the refund.
        refund_order(
            session,
            order.code,
            actor_id=actor,
            reason=f"requested by the buyer{fee_note}",
            fee_minor=offer.fee_minor,
            and_then=_record_refunded(request, None, now),
        )
        return request
    begin_write_locked(session)
    order = session.get(Order, order.id, with_for_update=True, populate_existing=True) or order
    if not (offer := quote(session, order, now)).allowed:  # a second tab asked meanwhile
        session.rollback()
        raise OrderError(offer.refusal)
    session.add(request)
    lifecycle.note(
        session, order.id or 0, f"refund requested: {offer.amount_minor} {order.currency}{fee_note}", actor_id=actor
    )
    session.flush()
    self_service_mail.queue_request_received(session, order, request)  # commits the request, its note and mail
    return request


def approve(session: Session, request_id: int, *, actor_id: int, now: datetime | None = None) -> RefundRequest:
    """An admin approves a waiting request: the policy's amount goes back through the refund path."""
    now = now or utcnow()
    request = session.get(RefundRequest, request_id)
    if request is None or request.status != RefundRequestStatus.PENDING:
        session.rollback()
        raise OrderError(NOT_WAITING)
    order = session.get(Order, request.order_id)
    assert order is not None  # noqa: S101  (a foreign key)
    refund_order(
        session,
        order.code,
        actor_id=actor_id,
        reason=f"refund request approved, fee {request.fee_minor} {request.currency} kept",
        fee_minor=request.fee_minor,
        and_then=_record_refunded(request, actor_id, now),
    )
    return request


def deny(
    session: Session, request_id: int, reason: str, *, actor_id: int, now: datetime | None = None
) -> RefundRequest:
    """An admin refuses a waiting request with a reason the buyer reads in the e-mail."""
    clean = " ".join(reason.split())[:MAX_REASON]
    if not clean:
        raise OrderError(REASON_NEEDED)
    begin_write_locked(session)
    request = session.get(RefundRequest, request_id, with_for_update=True, populate_existing=True)
    if request is None or request.status != RefundRequestStatus.PENDING:
        session.rollback()
        raise OrderError(NOT_WAITING)
    request.status = RefundRequestStatus.DENIED
    request.decision_reason = clean
    request.decided_by = actor_id
    request.decided_at = now or utcnow()
    session.add(request)
    lifecycle.note(session, request.order_id, f"refund request denied: {clean}", actor_id=actor_id)
    order = session.get(Order, request.order_id)
    assert order is not None  # noqa: S101  (a foreign key)
    self_service_mail.queue_request_denied(session, order, request)  # commits the decision, its note and mail
    return request


@dataclass(frozen=True)
class QueuedRequest:
    request: RefundRequest
    order_code: str
    buyer: str


def waiting_requests(session: Session, limit: int = 200) -> list[QueuedRequest]:
    """The admin queue: requests waiting for a decision, oldest first."""
    rows = session.exec(
        select(RefundRequest, Order.code, Order.buyer_name, Order.buyer_email)
        .join(Order, col(Order.id) == RefundRequest.order_id)
        .where(RefundRequest.status == RefundRequestStatus.PENDING)
        .order_by(col(RefundRequest.created_at), col(RefundRequest.id))
        .limit(limit)
    ).all()
    return [QueuedRequest(request, code, f"{name} <{email}>") for request, code, name, email in rows]
