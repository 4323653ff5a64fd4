"""Promo codes at the till: is this code good for these tickets, what does it take off, and its uses.

A use is one order that got the discount. It counts while the order is paid, or pending with its
payment window open (the rule seats follow, `inventory.counts_as_sold`), so an order that expires
or is cancelled gives its use back with no writer. Uses are checked and recorded at order
conversion, under the promo code row's lock taken inside the seats' write transaction
(`booking.checkout`): two buyers racing for the last use are served one after the other.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, func, or_
from sqlmodel import Session, col, select

from ticketapp.i18n import msgid
from ticketapp.models import PAID_STATUSES, PENDING_STATUSES, DiscountKind, Order, PromoCode, PromoRedemption
from ticketapp.services.errors import DomainError

CODE_MAX = 40


class PromoError(DomainError):
    """A code that cannot be used for this cart, with the reason the buyer reads."""


UNKNOWN = msgid("This promo code does not exist.")
INACTIVE = msgid("This promo code is no longer active.")
NOT_YET_VALID = msgid("This promo code is not valid yet.")
EXPIRED = msgid("This promo code has expired.")
USED_UP = msgid("This promo code has been used up.")
BUYER_USED_UP = msgid("You have already used this promo code as often as allowed.")
NOT_FOR_THESE = msgid("This promo code does not apply to the tickets in your cart.")
MIN_QUANTITY = msgid("This promo code needs at least {count} eligible tickets in your cart.")


@dataclass(frozen=True)
class PricedLine:
    """One cart or order line as the code sees it."""

    ticket_type_id: int
    event_id: int
    unit_price_minor: int
    quantity: int


def normalize(text: str) -> str:
    """Codes are compared upper-cased, without surrounding spaces."""
    return text.strip().upper()[:CODE_MAX]


def find_code(session: Session, text: str) -> PromoCode | None:
    code = normalize(text)
    if not code:
        return None
    return session.exec(select(PromoCode).where(PromoCode.code == code)).first()


def lock_code(session: Session, text: str) -> PromoCode | None:
    """The code's row, locked for the caller's write transaction (PostgreSQL; SQLite's writer lock covers it)."""
    code = normalize(text)
    if not code:
        return None
    return session.exec(
        select(PromoCode).where(PromoCode.code == code).with_for_update().execution_options(populate_existing=True)
    ).first()


def counts_as_use(now: datetime) -> ColumnElement[bool]:
    """An order's redemption counts while it is paid, or pending in its payment window."""
    return or_(
        col(Order.status).in_(PAID_STATUSES),
        col(Order.status).in_(PENDING_STATUSES) & or_(col(Order.expires_at).is_(None), col(Order.expires_at) > now),
    )


def live_uses(session: Session, promo_id: int, now: datetime, buyer_email: str | None = None) -> int:
    """Uses that count now (`counts_as_use`), of everyone or of one buyer."""
    query = (
        select(func.coalesce(func.sum(PromoRedemption.uses), 0))
        .join(Order, col(Order.id) == PromoRedemption.order_id)
        .where(PromoRedemption.promo_code_id == promo_id, counts_as_use(now))
    )
    if buyer_email is not None:
        query = query.where(PromoRedemption.buyer_email == buyer_email.strip().lower())
    return int(session.exec(query).one())


def applies_to(promo: PromoCode, line: PricedLine) -> bool:
    if promo.event_id is not None and promo.event_id != line.event_id:
        return False
    return not promo.ticket_type_ids or line.ticket_type_id in promo.ticket_type_ids


def unlocks(promo: PromoCode, ticket_type_id: int) -> bool:
    """Does this code show and sell this hidden ticket type?"""
    return ticket_type_id in (promo.unlocks_ticket_type_ids or ())


def usable_now(promo: PromoCode, now: datetime) -> bool:
    """Active and within its dates (its uses are counted at checkout)."""
    try:
        discounts(promo, [], now, only_dates=True)
    except PromoError:
        return False
    return True


def unlocked_types(session: Session, text: str | None, now: datetime) -> frozenset[int]:
    """The hidden ticket types a cart's code shows and sells now (none without a usable code)."""
    promo = find_code(session, text) if text else None
    if promo is None or not promo.unlocks_ticket_type_ids or not usable_now(promo, now):
        return frozenset()
    return frozenset(promo.unlocks_ticket_type_ids)


def discount_per_ticket(promo: PromoCode, unit_price_minor: int) -> int:
    """What the code takes off one ticket of this price (never more than the price)."""
    if promo.kind == DiscountKind.AMOUNT_OFF:
        off = promo.value
    elif promo.kind == DiscountKind.PERCENT_OFF:
        off = (unit_price_minor * min(promo.value, 100) + 50) // 100  # rounded half up, per ticket
    else:
        off = unit_price_minor - promo.value
    return max(0, min(off, unit_price_minor))


def discounts(
    promo: PromoCode,
    lines: Sequence[PricedLine],
    now: datetime,
    *,
    uses: int = 0,
    buyer_uses: int = 0,
    uses_needed: int = 1,
    only_dates: bool = False,
) -> dict[int, int]:
    """The discount per ticket of each line's ticket type, or PromoError with the reason it cannot be used.

    `uses` and `buyer_uses` are the live uses so far; `uses_needed` how many this checkout takes;
    `only_dates` stops after the active flag and the dates (a link's code, before any ticket is chosen).
    """
    if not promo.active:
        raise PromoError(INACTIVE)
    if promo.valid_from is not None and now < promo.valid_from:
        raise PromoError(NOT_YET_VALID)
    if promo.valid_until is not None and now >= promo.valid_until:
        raise PromoError(EXPIRED)
    if only_dates:
        return {}
    if promo.max_uses is not None and uses + uses_needed > promo.max_uses:
        raise PromoError(USED_UP)
    if promo.max_uses_per_buyer is not None and buyer_uses + uses_needed > promo.max_uses_per_buyer:
        raise PromoError(BUYER_USED_UP)
    eligible = [line for line in lines if applies_to(promo, line)]
    if not eligible:
        if any(unlocks(promo, line.ticket_type_id) for line in lines):
            return {}  # a code that only opens hidden ticket types (a presale at the list price)
        raise PromoError(NOT_FOR_THESE)
    if sum(line.quantity for line in eligible) < promo.min_quantity:
        raise PromoError(MIN_QUANTITY, count=promo.min_quantity)
    return {line.ticket_type_id: discount_per_ticket(promo, line.unit_price_minor) for line in eligible}


def check_for_cart(
    session: Session, text: str, lines: Sequence[PricedLine], now: datetime
) -> tuple[PromoCode, dict[int, int]]:
    """The code and its discounts for a cart (the buyer is not known yet: per-buyer limits wait for checkout)."""
    promo = find_code(session, text)
    if promo is None:
        raise PromoError(UNKNOWN)
    uses = live_uses(session, promo.id or 0, now) if promo.max_uses is not None else 0
    return promo, discounts(promo, lines, now, uses=uses)


def check_locked(
    session: Session, promo: PromoCode, lines: Sequence[PricedLine], buyer_email: str, now: datetime, uses_needed: int
) -> dict[int, int]:
    """`discounts` at order conversion, for a code the caller locked (`lock_code`): every limit, the buyer's too."""
    uses = live_uses(session, promo.id or 0, now) if promo.max_uses is not None else 0
    mine = live_uses(session, promo.id or 0, now, buyer_email) if promo.max_uses_per_buyer is not None else 0
    return discounts(promo, lines, now, uses=uses, buyer_uses=mine, uses_needed=uses_needed)


def record_redemptions(
    session: Session,
    promo: PromoCode,
    orders: Iterable[Order],
    discount_by_order: dict[int, int],
    unlocked_orders: Collection[int] = (),
) -> None:
    """One use per order that got a discount or a hidden ticket type the code unlocks, in the conversion's
    transaction (the caller commits)."""
    for order in orders:
        off = discount_by_order.get(order.id or 0, 0)
        if off or (order.id or 0) in unlocked_orders:
            session.add(
                PromoRedemption(
                    promo_code_id=promo.id or 0,
                    order_id=order.id or 0,
                    buyer_email=order.buyer_email,
                    discount_minor=off,
                    created_at=order.created_at,
                )
            )
