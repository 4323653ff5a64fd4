"""The staff home page's figures: today's sales per currency and the work waiting for someone.

"Today" is the UTC day (as every analytics figure); sales are paid orders as in `queries.SOLD_STATUSES`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from sqlalchemy import func
from sqlmodel import Session, col, select

from ticketapp.models import Order, OrderStatus, SupportTicket, utcnow
from ticketapp.services.analytics.queries import SOLD_STATUSES
from ticketapp.services.risk.review import count_held
from ticketapp.services.support.queue import OPEN_STATUSES


@dataclass(frozen=True)
class DaySales:
    currency: str
    orders: int
    revenue_minor: int


@dataclass(frozen=True)
class Attention:
    """How many orders and requests wait for a person; each links to the list that shows them."""

    held_for_review: int
    awaiting_transfer: int
    open_support: int


def day_start(now: datetime) -> datetime:
    return datetime.combine(now.date(), time(0), tzinfo=now.tzinfo)


def today_sales(session: Session, now: datetime | None = None) -> list[DaySales]:
    """Orders paid since midnight UTC, one line per currency (no conversion), largest count first."""
    start = day_start(now or utcnow())
    rows = session.exec(
        select(Order.currency, func.count(col(Order.id)), func.coalesce(func.sum(Order.total_minor), 0))
        .where(
            col(Order.status).in_(SOLD_STATUSES),
            col(Order.paid_at) >= start,
            col(Order.paid_at) < start + timedelta(days=1),
        )
        .group_by(col(Order.currency))
        .order_by(func.count(col(Order.id)).desc(), col(Order.currency))
    ).all()
    return [DaySales(str(currency), int(orders), int(revenue)) for currency, orders, revenue in rows]


def count_awaiting_transfer(session: Session) -> int:
    """Bank-transfer orders still waiting for the money (an admin marks them paid)."""
    query = select(func.count(col(Order.id))).where(
        Order.status == OrderStatus.AWAITING_PAYMENT, Order.payment_method == "bank_transfer"
    )
    return int(session.exec(query).one())


def count_open_support(session: Session) -> int:
    query = select(func.count(col(SupportTicket.id))).where(col(SupportTicket.status).in_(list(OPEN_STATUSES)))
    return int(session.exec(query).one())


def needing_attention(session: Session) -> Attention:
    return Attention(
        held_for_review=count_held(session),
        awaiting_transfer=count_awaiting_transfer(session),
        open_support=count_open_support(session),
    )
