"""SQL building blocks shared by every analytics figure: which orders count as sales in the filters,
which items belong to the filtered events, and date buckets that work on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Integer, cast, func
from sqlalchemy.sql import ColumnElement
from sqlmodel import Session, col, select

from ticketapp.models import Event, Order, OrderItem, OrderStatus, PromoCode, PromoRedemption, TicketType
from ticketapp.services.analytics.filters import Filters, Granularity

SOLD_STATUSES = (OrderStatus.PAID, OrderStatus.PARTIALLY_REFUNDED, OrderStatus.REFUNDED)


def dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def time_bucket(session: Session, column: Any, granularity: Granularity) -> ColumnElement[str]:
    """The start date ('YYYY-MM-DD', UTC) of the day/week/month holding `column`, on SQLite or PostgreSQL."""
    if dialect(session) == "postgresql":
        utc = func.timezone("UTC", column)
        return func.to_char(func.date_trunc(granularity.value, utc), "YYYY-MM-DD")
    if granularity == Granularity.DAY:
        return func.strftime("%Y-%m-%d", column)
    if granularity == Granularity.MONTH:
        return func.strftime("%Y-%m-01", column)
    # Weeks start on Monday: move to the coming Sunday (or stay), then back six days.
    return func.date(column, "weekday 0", "-6 days")


def weekday_hour(session: Session, column: Any) -> tuple[ColumnElement[int], ColumnElement[int]]:
    """(weekday 0=Sunday…6, hour 0…23) of a UTC timestamp."""
    if dialect(session) == "postgresql":
        utc = func.timezone("UTC", column)
        return cast(func.extract("dow", utc), Integer), cast(func.extract("hour", utc), Integer)
    return cast(func.strftime("%w", column), Integer), cast(func.strftime("%H", column), Integer)


def sale_conditions(filters: Filters) -> list[ColumnElement[bool]]:
    return [
        col(Order.status).in_(SOLD_STATUSES),
        col(Order.paid_at) >= filters.start,
        col(Order.paid_at) < filters.end,
        col(Order.currency) == filters.currency,
        *code_conditions(filters),
    ]


def code_conditions(filters: Filters) -> list[ColumnElement[bool]]:
    """An order-level condition: the order used the filtered promo code (a discount or a hidden type it unlocked)."""
    if not filters.promo_code:
        return []
    used = (
        select(PromoRedemption.order_id)
        .join(PromoCode, col(PromoCode.id) == PromoRedemption.promo_code_id)
        .where(PromoCode.code == filters.promo_code)
    )
    return [col(Order.id).in_(used)]


def event_conditions(filters: Filters) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if filters.event_ids:
        conditions.append(col(Event.id).in_(filters.event_ids))
    if filters.category:
        conditions.append(col(Event.category) == filters.category)
    return conditions


def unfiltered(filters: Filters) -> bool:
    return not filters.event_ids and not filters.category


def items_query(filters: Filters, *columns: Any, with_event: bool = False) -> Any:  # Select or SelectOfScalar
    """SELECT columns FROM sold order items in the filters.

    Ticket type and event are joined only when a column or filter needs them:
    on SQLite those two lookups per item are most of a chart's cost.
    """
    query = select(*columns).select_from(OrderItem).join(Order, col(Order.id) == OrderItem.order_id)
    if with_event or not unfiltered(filters):
        query = query.join(TicketType, col(TicketType.id) == OrderItem.ticket_type_id).join(
            Event, col(Event.id) == TicketType.event_id
        )
    return query.where(*sale_conditions(filters), *event_conditions(filters))


def sales_query(filters: Filters, *columns: Any) -> Any:  # Select or SelectOfScalar
    """SELECT columns FROM sold orders in the filters: one row per order, no item join.

    Without an event/category filter an order's revenue is its `total_minor`
    (the sum of its items); with one, callers needing revenue use `items_query`.
    """
    return select(*columns).select_from(Order).where(*sale_conditions(filters), *order_in_filtered_events(filters))


def order_in_filtered_events(filters: Filters) -> list[ColumnElement[bool]]:
    """An order-level condition: the order holds an item of the filtered events (if any filter)."""
    if not filters.event_ids and not filters.category:
        return []
    # IN (uncorrelated) lets the database build the order-id set once, instead of probing per order.
    holds_event = col(Order.id).in_(
        select(OrderItem.order_id)
        .join(TicketType, col(TicketType.id) == OrderItem.ticket_type_id)
        .join(Event, col(Event.id) == TicketType.event_id)
        .where(*event_conditions(filters))
    )
    return [holds_event]


LINE_TOTAL = OrderItem.quantity * OrderItem.unit_price_minor
