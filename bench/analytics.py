"""Admin dashboard time with 200,000 orders: prints each aggregate and the whole dashboard (target < 1 s).

Loads a temporary SQLite database, and a temporary PostgreSQL database when one
answers on 127.0.0.1:5432, then times `analytics.dashboard` server-side (no HTTP)
for a 90-day window, the last 365 days, and a one-event filter.
Run: `.venv/bin/python bench/analytics.py` (or `make bench`).
"""

from __future__ import annotations

import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert, text
from sqlmodel import Session

from ticketapp.db import make_engine, upgrade_database
from ticketapp.models import (
    Event,
    EventStatus,
    Order,
    OrderItem,
    OrderStatus,
    PageEvent,
    Refund,
    TicketType,
    Venue,
    utcnow,
)
from ticketapp.services.analytics import dashboard as analytics
from ticketapp.services.analytics.filters import Filters, Granularity

ORDERS = 200_000
EVENTS = 2_000
PAGE_EVENTS = 300_000
RUNS = 5
TARGET_S = 1.0
CATEGORIES = ["concert", "theatre", "festival", "sport", "conference", "comedy"]
METHODS = ["stripe", "stripe", "stripe", "bank_transfer", "demo", "free"]
CHUNK = 20_000


def _chunks(rows: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    return [rows[i : i + CHUNK] for i in range(0, len(rows), CHUNK)]


def load(url: str) -> None:
    upgrade_database(url)
    rng = random.Random(7)
    now = utcnow()
    engine = make_engine(url)
    with Session(engine) as session:
        session.execute(
            insert(Venue), [{"name": "Hall", "address": "1 rue", "city": "Paris", "country": "FR", "timezone": "UTC"}]
        )
        events = []
        for n in range(EVENTS):
            starts = now + timedelta(days=rng.randint(-400, 200))
            events.append(
                {
                    "title": f"Event {n}",
                    "slug": f"event-{n}",
                    "description": "",
                    "category": rng.choice(CATEGORIES),
                    "venue_id": 1,
                    "starts_at": starts,
                    "ends_at": starts + timedelta(hours=3),
                    "currency": "EUR" if n % 10 else "GBP",
                    "status": EventStatus.PUBLISHED,
                    "search_text": "",
                    "created_at": now,
                    "updated_at": now,
                }
            )
        session.execute(insert(Event), events)
        currency_of = dict(session.execute(text("SELECT id, currency FROM event")).all())
        session.execute(
            insert(TicketType),
            [
                {
                    "event_id": eid,
                    "name": name,
                    "description": "",
                    "price_minor": price,
                    "capacity": 1000,
                    "max_per_order": 10,
                    "position": pos,
                }
                for eid in currency_of
                for pos, (name, price) in enumerate([("Standard", 2500), ("VIP", 8000), ("Student", 1500)])
            ],
        )
        types = session.execute(text("SELECT id, event_id, price_minor FROM tickettype")).all()
        _load_orders(session, rng, now, types, currency_of)
        _load_page_events(session, rng, now, list(currency_of))
        session.commit()
        session.execute(text("ANALYZE"))
        session.commit()
    engine.dispose()


def _load_orders(
    session: Session, rng: random.Random, now: datetime, types: list[Any], currency_of: dict[int, str]
) -> None:
    orders, picks = [], []
    for n in range(ORDERS):
        type_id, event_id, price = rng.choice(types)
        quantity = rng.randint(1, 4)
        paid_at = now - timedelta(minutes=rng.randint(0, 2 * 365 * 24 * 60))
        status = OrderStatus.PAID if n % 25 else OrderStatus.REFUNDED
        if n % 40 == 0:
            status = OrderStatus.EXPIRED
        orders.append(
            {
                "code": f"A{n:09d}",
                "buyer_name": f"Buyer {n % 30_000}",
                "buyer_email": f"buyer{n % 30_000}@example.com",
                "status": status,
                "currency": currency_of[event_id],
                "total_minor": price * quantity,
                "locale": "en",
                "created_at": paid_at,
                "updated_at": paid_at,
                "paid_at": None if status == OrderStatus.EXPIRED else paid_at,
                "payment_method": rng.choice(METHODS),
                "refunded_minor": price * quantity if status == OrderStatus.REFUNDED else 0,
            }
        )
        picks.append((type_id, quantity, price))
    for chunk in _chunks(orders):
        session.execute(insert(Order), chunk)
    rows = session.execute(text("SELECT id, code, paid_at, status, currency FROM ticket_order ORDER BY id")).all()
    items, refunds = [], []
    for (order_id, _code, paid_at, status, currency), (type_id, quantity, price) in zip(rows, picks, strict=True):
        items.append({"order_id": order_id, "ticket_type_id": type_id, "quantity": quantity, "unit_price_minor": price})
        if status == OrderStatus.REFUNDED:
            refunds.append(
                {
                    "order_id": order_id,
                    "amount_minor": price * quantity,
                    "currency": currency,
                    "reason": "",
                    "created_at": _aware(paid_at) + timedelta(days=2),
                }
            )
    for chunk in _chunks(items):
        session.execute(insert(OrderItem), chunk)
    session.execute(insert(Refund), refunds)


def _aware(value: Any) -> datetime:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=utcnow().tzinfo)


def _load_page_events(session: Session, rng: random.Random, now: datetime, event_ids: list[int]) -> None:
    kinds = ["view"] * 6 + ["cart"] * 2 + ["checkout"]
    rows = [
        {
            "kind": rng.choice(kinds),
            "event_id": rng.choice(event_ids),
            "session_hash": f"{n:032x}",
            "day": moment.date().isoformat(),
            "at": moment,
        }
        for n in range(PAGE_EVENTS)
        for moment in [now - timedelta(minutes=rng.randint(0, 365 * 24 * 60))]
    ]
    for chunk in _chunks(rows):
        session.execute(insert(PageEvent), chunk)


def _timed(fn: Callable[[], object]) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def measure(url: str, label: str) -> bool:
    engine = make_engine(url)
    now = utcnow()
    end = now + timedelta(days=1)
    scenarios = {
        "last 90 days, by day": (Filters(start=end - timedelta(days=90), end=end, currency="EUR"), Granularity.DAY),
        "last 365 days, by week": (Filters(start=end - timedelta(days=365), end=end, currency="EUR"), Granularity.WEEK),
        "365 days, one event": (
            Filters(start=end - timedelta(days=365), end=end, currency="EUR", event_ids=(2,)),
            Granularity.MONTH,
        ),
        "365 days, category": (
            Filters(start=end - timedelta(days=365), end=end, currency="EUR", category="concert"),
            Granularity.MONTH,
        ),
    }
    ok = True
    print(f"\n{label}: {ORDERS} orders, {PAGE_EVENTS} page events, median of {RUNS} runs")
    with Session(engine) as session:
        for name, (filters, granularity) in scenarios.items():
            serial = _timed(lambda f=filters, g=granularity: analytics.dashboard(session, f, g))
            whole = _timed(lambda f=filters, g=granularity: analytics.dashboard_concurrently(engine, f, g))
            ok &= whole < TARGET_S
            print(f"  whole dashboard, {name:26} {whole * 1000:7.0f} ms  (queries one by one: {serial * 1000:.0f} ms)")
        filters, granularity = scenarios["last 365 days, by week"]
        parts: dict[str, Callable[[], object]] = {
            "kpis (both periods)": lambda: analytics.kpis(session, filters),
            "sales over time": lambda: analytics.sales_over_time(session, filters, granularity),
            "refunds over time": lambda: analytics.refunds_over_time(session, filters, granularity),
            "revenue by event": lambda: analytics.revenue_by_event(session, filters),
            "revenue by category": lambda: analytics.revenue_by_category(session, filters),
            "ticket-type mix": lambda: analytics.ticket_type_mix(session, filters),
            "payment methods": lambda: analytics.payment_methods(session, filters),
            "heatmap": lambda: analytics.sales_heatmap(session, filters),
            "top customers": lambda: analytics.top_customers(session, filters),
            "sell-through": lambda: analytics.sell_through(session, filters),
            "funnel": lambda: analytics.funnel(session, filters),
        }
        for name, fn in parts.items():
            print(f"    {name:26} {_timed(fn) * 1000:8.0f} ms")
    engine.dispose()
    print(f"  target: whole dashboard < {TARGET_S:.0f} s → {'OK' if ok else 'MISSED'}")
    return ok


def main() -> int:
    ok = True
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        start = time.perf_counter()
        load(url)
        print(f"SQLite loaded in {time.perf_counter() - start:.0f} s")
        ok &= measure(url, "SQLite")
    pg = _postgres_url()
    if pg:
        admin, name = pg
        try:
            url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
            start = time.perf_counter()
            load(url)
            print(f"PostgreSQL loaded in {time.perf_counter() - start:.0f} s")
            ok &= measure(url, "PostgreSQL")
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()
    return 0 if ok else 1


def _postgres_url() -> tuple[Any, str] | None:
    try:
        admin = make_engine("postgresql+psycopg://postgres@127.0.0.1:5432/postgres").execution_options(
            isolation_level="AUTOCOMMIT"
        )
        name = f"ticketapp_bench_{uuid.uuid4().hex[:8]}"
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception:  # noqa: BLE001  (no PostgreSQL here: SQLite figures only)
        print("PostgreSQL not reachable: skipped")
        return None
    return admin, name


if __name__ == "__main__":
    raise SystemExit(main())
