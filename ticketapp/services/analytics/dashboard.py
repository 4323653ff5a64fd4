"""Sales analytics for the admin dashboard, computed with SQL aggregates only.

Definitions (one place, so every chart agrees):
- a *sale* is an order that was paid (status paid, partially_refunded or refunded),
  dated by `paid_at` (UTC); its revenue is the sum of its items at the price paid;
- *refunds* are `Refund` rows, dated by their creation;
- money is reported per currency: every money figure is for `Filters.currency`;
  there is no exchange-rate conversion between currencies.
An order can hold several events (one order per currency), so event and category
figures are computed per order item; an order-level refund counts for an event
filter when the order holds at least one item of the filtered events.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import distinct, func
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import Select

from ticketapp.models import Event, EventStatus, Order, OrderItem, PageEvent, PageEventKind, Refund, TicketType, utcnow
from ticketapp.services.analytics.filters import Filters, Granularity
from ticketapp.services.analytics.queries import (
    LINE_TOTAL,
    code_conditions,
    event_conditions,
    items_query,
    order_in_filtered_events,
    sales_query,
    time_bucket,
    unfiltered,
    weekday_hour,
)
from ticketapp.services.booking.inventory import counts_as_sold


@dataclass(frozen=True)
class Totals:
    revenue_minor: int
    orders: int
    tickets: int
    refunded_minor: int
    visitors: int

    @property
    def average_order_minor(self) -> int:
        return round(self.revenue_minor / self.orders) if self.orders else 0

    @property
    def conversion_rate(self) -> float | None:
        """Paid orders per event-page visit (None without visits)."""
        return self.orders / self.visitors if self.visitors else None

    @property
    def refund_rate(self) -> float | None:
        return self.refunded_minor / self.revenue_minor if self.revenue_minor else None


def totals(session: Session, filters: Filters) -> Totals:
    revenue, orders, tickets = session.exec(
        items_query(
            filters,
            func.coalesce(func.sum(LINE_TOTAL), 0),
            func.count(distinct(col(Order.id))),
            func.coalesce(func.sum(OrderItem.quantity), 0),
        )
    ).one()
    return Totals(
        revenue_minor=int(revenue),
        orders=int(orders),
        tickets=int(tickets),
        refunded_minor=refunded_total(session, filters),
        visitors=_visits(session, filters, PageEventKind.VIEW),
    )


def refunded_total(session: Session, filters: Filters) -> int:
    query = (
        select(func.coalesce(func.sum(Refund.amount_minor), 0))
        .join(Order, col(Order.id) == Refund.order_id)
        .where(
            col(Refund.created_at) >= filters.start,
            col(Refund.created_at) < filters.end,
            Refund.currency == filters.currency,
            *order_in_filtered_events(filters),
            *code_conditions(filters),
        )
    )
    return int(session.exec(query).one())


@dataclass(frozen=True)
class Kpi:
    key: str
    value: float
    previous: float

    @property
    def change(self) -> float | None:
        """Relative change vs the previous period (None when the previous value was 0)."""
        return (self.value - self.previous) / self.previous if self.previous else None


def kpis(session: Session, filters: Filters) -> list[Kpi]:
    return kpis_from(totals(session, filters), totals(session, filters.previous()))


def kpis_from(now: Totals, before: Totals) -> list[Kpi]:
    return [
        Kpi("revenue", now.revenue_minor, before.revenue_minor),
        Kpi("orders", now.orders, before.orders),
        Kpi("tickets", now.tickets, before.tickets),
        Kpi("average_order", now.average_order_minor, before.average_order_minor),
        Kpi("conversion_rate", now.conversion_rate or 0.0, before.conversion_rate or 0.0),
        Kpi("refund_rate", now.refund_rate or 0.0, before.refund_rate or 0.0),
    ]


def sales_over_time(session: Session, filters: Filters, granularity: Granularity) -> list[tuple[str, int, int]]:
    """[(bucket start 'YYYY-MM-DD', revenue_minor, tickets)] in date order, buckets with sales only."""
    return [(b, r, t) for b, r, t, _ in _sales_buckets(session, filters, granularity)]


def _sales_buckets(session: Session, filters: Filters, granularity: Granularity) -> list[tuple[str, int, int, int]]:
    """[(bucket, revenue, tickets, orders)]: an order falls in one bucket, so orders add up across buckets."""
    bucket = time_bucket(session, Order.paid_at, granularity).label("bucket")
    rows = session.exec(
        items_query(
            filters, bucket, func.sum(LINE_TOTAL), func.sum(OrderItem.quantity), func.count(distinct(col(Order.id)))
        )
        .group_by(bucket)
        .order_by(bucket)
    ).all()
    return [(str(b), int(r), int(t), int(o)) for b, r, t, o in rows]


def refunds_over_time(session: Session, filters: Filters, granularity: Granularity) -> list[tuple[str, int, int]]:
    """[(bucket start, refunded_minor, number of refunds)] in date order."""
    bucket = time_bucket(session, Refund.created_at, granularity).label("bucket")
    rows = session.exec(
        select(bucket, func.sum(Refund.amount_minor), func.count(col(Refund.id)))
        .join(Order, col(Order.id) == Refund.order_id)
        .where(
            col(Refund.created_at) >= filters.start,
            col(Refund.created_at) < filters.end,
            Refund.currency == filters.currency,
            *order_in_filtered_events(filters),
            *code_conditions(filters),
        )
        .group_by(bucket)
        .order_by(bucket)
    ).all()
    return [(str(b), int(a), int(n)) for b, a, n in rows]


@dataclass(frozen=True)
class TypeSales:
    event_id: int
    title: str
    category: str
    type_name: str
    revenue_minor: int
    tickets: int


def sales_by_ticket_type(session: Session, filters: Filters) -> list[TypeSales]:
    """One aggregate per ticket type sold; the event, category and type-mix charts are sums of it."""
    rows = session.exec(
        items_query(
            filters,
            Event.id,
            Event.title,
            Event.category,
            TicketType.name,
            func.sum(LINE_TOTAL),
            func.sum(OrderItem.quantity),
            with_event=True,
        ).group_by(TicketType.id, Event.id, Event.title, Event.category, TicketType.name)
    ).all()
    return [TypeSales(int(e), str(t), str(c), str(n), int(r), int(q)) for e, t, c, n, r, q in rows]


def _sum_by(parts: list[TypeSales], key: Callable[[TypeSales], Any]) -> dict[Any, list[int]]:
    sums: dict[Any, list[int]] = {}
    for part in parts:
        revenue_tickets = sums.setdefault(key(part), [0, 0])
        revenue_tickets[0] += part.revenue_minor
        revenue_tickets[1] += part.tickets
    return sums


def by_event_from(parts: list[TypeSales], limit: int = 20) -> list[tuple[int, str, int, int]]:
    """[(event id, title, revenue_minor, tickets)], best sellers first."""
    sums = _sum_by(parts, lambda p: (p.event_id, p.title))
    rows = [(i, t, r, q) for (i, t), (r, q) in sums.items()]
    return sorted(rows, key=lambda row: (-row[2], row[0]))[:limit]


def by_category_from(parts: list[TypeSales]) -> list[tuple[str, int, int]]:
    """[(category, revenue_minor, tickets)], largest first."""
    rows = [(c, r, q) for c, (r, q) in _sum_by(parts, lambda p: p.category).items()]
    return sorted(rows, key=lambda row: (-row[1], row[0]))


def ticket_mix_from(parts: list[TypeSales], limit: int = 15) -> list[tuple[str, int, int]]:
    """[(ticket type name, tickets, revenue_minor)] across events (same names add up), most sold first."""
    rows = [(n, q, r) for n, (r, q) in _sum_by(parts, lambda p: p.type_name).items()]
    return sorted(rows, key=lambda row: (-row[1], row[0]))[:limit]


def revenue_by_event(session: Session, filters: Filters, limit: int = 20) -> list[tuple[int, str, int, int]]:
    return by_event_from(sales_by_ticket_type(session, filters), limit)


def revenue_by_category(session: Session, filters: Filters) -> list[tuple[str, int, int]]:
    return by_category_from(sales_by_ticket_type(session, filters))


def ticket_type_mix(session: Session, filters: Filters, limit: int = 15) -> list[tuple[str, int, int]]:
    return ticket_mix_from(sales_by_ticket_type(session, filters), limit)


def payment_methods(session: Session, filters: Filters) -> list[tuple[str, int, int]]:
    """[(payment method, orders, revenue_minor)] — orders without a recorded method count as "unknown"."""
    method = func.coalesce(Order.payment_method, "unknown").label("method")
    if unfiltered(filters):
        orders = func.count(col(Order.id)).label("orders")
        query = sales_query(filters, method, orders, func.sum(Order.total_minor))
    else:
        orders = func.count(distinct(col(Order.id))).label("orders")
        query = items_query(filters, method, orders, func.sum(LINE_TOTAL))
    rows = session.exec(query.group_by(method).order_by(orders.desc(), method)).all()
    return [(str(m), int(o), int(r)) for m, o, r in rows]


def sales_heatmap(session: Session, filters: Filters) -> list[tuple[int, int, int]]:
    """[(weekday 0=Monday…6, hour 0…23, orders)] for cells with at least one paid order (UTC)."""
    weekday, hour = weekday_hour(session, Order.paid_at)
    wd, hr = weekday.label("weekday"), hour.label("hour")
    rows = session.exec(sales_query(filters, wd, hr, func.count(col(Order.id))).group_by(wd, hr)).all()
    # SQL counts weekdays from Sunday; the chart reads Monday first.
    return sorted(((int(w) + 6) % 7, int(h), int(n)) for w, h, n in rows)


def top_customers(session: Session, filters: Filters, limit: int = 10) -> list[tuple[str, str, int, int]]:
    """[(e-mail, a name used, orders, revenue_minor)], biggest spenders first (e-mails are stored lower-cased)."""
    email = Order.buyer_email
    if unfiltered(filters):
        revenue = func.sum(Order.total_minor).label("revenue")
        query = sales_query(filters, email, func.max(Order.buyer_name), func.count(col(Order.id)), revenue)
    else:
        revenue = func.sum(LINE_TOTAL).label("revenue")
        query = items_query(filters, email, func.max(Order.buyer_name), func.count(distinct(col(Order.id))), revenue)
    rows = session.exec(query.group_by(email).order_by(revenue.desc(), email).limit(limit)).all()
    return [(str(e), str(n), int(o), int(r)) for e, n, o, r in rows]


@dataclass(frozen=True)
class SellThrough:
    event_id: int
    title: str
    starts_at: datetime
    sold: int
    capacity: int

    @property
    def ratio(self) -> float:
        return self.sold / self.capacity if self.capacity else 0.0


def sell_through(
    session: Session, filters: Filters, *, now: datetime | None = None, limit: int = 20
) -> list[SellThrough]:
    """Seats sold (paid or pending within the payment window) vs capacity for upcoming published events.

    The date range does not apply (these events are in the future); events/category/currency do.
    """
    now = now or utcnow()
    upcoming = (
        select(Event.id)
        .where(
            Event.status == EventStatus.PUBLISHED,
            col(Event.starts_at) > now,
            Event.currency == filters.currency,
            *event_conditions(filters),
        )
        .order_by(col(Event.starts_at), col(Event.id))
        .limit(limit)
    )
    event_ids = [i for i in session.exec(upcoming).all() if i is not None]
    if not event_ids:
        return []
    # Count sold seats only for these events' ticket types, not for the whole catalogue.
    sold = (
        select(OrderItem.ticket_type_id, func.sum(OrderItem.quantity).label("sold"))
        .join(Order, col(Order.id) == OrderItem.order_id)
        .join(TicketType, col(TicketType.id) == OrderItem.ticket_type_id)
        .where(col(TicketType.event_id).in_(event_ids), counts_as_sold(now))
        .group_by(col(OrderItem.ticket_type_id))
        .subquery("sold")
    )
    # sqlmodel types select() for at most four columns; the Select it builds takes any number.
    columns: Select[int, str, datetime, int, int] = Select(
        col(Event.id),
        col(Event.title),
        col(Event.starts_at),
        func.coalesce(func.sum(sold.c.sold), 0),
        func.coalesce(func.sum(TicketType.capacity), 0),
    )
    rows = session.exec(
        columns.join(TicketType, col(TicketType.event_id) == Event.id)
        .outerjoin(sold, sold.c.ticket_type_id == TicketType.id)
        .where(col(Event.id).in_(event_ids))
        .group_by(col(Event.id), col(Event.title), col(Event.starts_at))
        .order_by(col(Event.starts_at), col(Event.id))
    ).all()
    return [SellThrough(int(i), str(t), s, int(q), int(c)) for i, t, s, q, c in rows]


def _visits(session: Session, filters: Filters, kind: PageEventKind) -> int:
    """Visits (step × event × browser session × day) recorded in the period."""
    conditions = [col(PageEvent.kind) == kind, col(PageEvent.at) >= filters.start, col(PageEvent.at) < filters.end]
    if filters.event_ids:
        conditions.append(col(PageEvent.event_id).in_(filters.event_ids))
    if filters.category:
        in_category = select(Event.id).where(Event.category == filters.category)
        conditions.append(col(PageEvent.event_id).in_(in_category))
    return int(session.exec(select(func.count()).select_from(PageEvent).where(*conditions)).one())


@dataclass(frozen=True)
class Funnel:
    views: int
    carts: int
    checkouts: int
    paid: int


def funnel(session: Session, filters: Filters) -> Funnel:
    """Visits that viewed an event, added to a cart, began checkout (per event, session and day); paid orders.

    Page events carry no currency: the first three steps count every currency.
    """
    paid = session.exec(sales_query(filters, func.count(col(Order.id)))).one()
    return Funnel(
        views=_visits(session, filters, PageEventKind.VIEW),
        carts=_visits(session, filters, PageEventKind.CART),
        checkouts=_visits(session, filters, PageEventKind.CHECKOUT),
        paid=int(paid),
    )


@dataclass
class Dashboard:
    kpis: list[Kpi]
    sales: list[tuple[str, int, int]]
    refunds: list[tuple[str, int, int]]
    by_event: list[tuple[int, str, int, int]]
    by_category: list[tuple[str, int, int]]
    ticket_mix: list[tuple[str, int, int]]
    methods: list[tuple[str, int, int]]
    heatmap: list[tuple[int, int, int]]
    customers: list[tuple[str, str, int, int]]
    sell_through: list[SellThrough]
    funnel: Funnel


def _parts(filters: Filters, granularity: Granularity) -> dict[str, Callable[[Session], Any]]:
    """The dashboard's independent queries (ten aggregates; the rest is arithmetic on their results)."""
    return {
        "buckets": lambda s: _sales_buckets(s, filters, granularity),
        "refunded": lambda s: refunded_total(s, filters),
        "previous": lambda s: totals(s, filters.previous()),
        "refunds": lambda s: refunds_over_time(s, filters, granularity),
        "types": lambda s: sales_by_ticket_type(s, filters),
        "methods": lambda s: payment_methods(s, filters),
        "heatmap": lambda s: sales_heatmap(s, filters),
        "customers": lambda s: top_customers(s, filters),
        "sell_through": lambda s: sell_through(s, filters),
        "funnel": lambda s: funnel(s, filters),
    }


def _assemble(raw: dict[str, Any]) -> Dashboard:
    buckets: list[tuple[str, int, int, int]] = raw["buckets"]
    current = Totals(
        revenue_minor=sum(b[1] for b in buckets),
        orders=sum(b[3] for b in buckets),
        tickets=sum(b[2] for b in buckets),
        refunded_minor=raw["refunded"],
        visitors=raw["funnel"].views,
    )
    return Dashboard(
        kpis=kpis_from(current, raw["previous"]),
        sales=[(b, r, t) for b, r, t, _ in buckets],
        refunds=raw["refunds"],
        by_event=by_event_from(raw["types"]),
        by_category=by_category_from(raw["types"]),
        ticket_mix=ticket_mix_from(raw["types"]),
        methods=raw["methods"],
        heatmap=raw["heatmap"],
        customers=raw["customers"],
        sell_through=raw["sell_through"],
        funnel=raw["funnel"],
    )


def dashboard(session: Session, filters: Filters, granularity: Granularity) -> Dashboard:
    """Every figure of /admin/analytics for these filters, queries one after another."""
    return _assemble({name: part(session) for name, part in _parts(filters, granularity).items()})


def dashboard_concurrently(engine: Engine, filters: Filters, granularity: Granularity, workers: int = 4) -> Dashboard:
    """The same figures, with the independent queries run on several connections at once.

    The database works on each query while Python waits (both drivers release the
    GIL), so on a multi-core server the page costs about its slowest queries.
    """

    def run(part: Callable[[Session], Any]) -> Any:
        with Session(engine) as session:
            return part(session)

    parts = _parts(filters, granularity)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = {name: pool.submit(run, part) for name, part in parts.items()}
        return _assemble({name: future.result() for name, future in futures.items()})
