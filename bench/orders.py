"""Order throughput: concurrent buyers hold, order and pay; prints orders/s, latency, oversold count.

Target (README "Our bar"): at least 3 × pretix's ~24 orders/s on this 2-core machine, i.e. ≥ 72 orders/s,
with zero oversold tickets. Each buyer runs the server-side path of a purchase — hold 2 tickets, turn the
cart into a pending order, record the (demo) payment — on its own database connection; the slow follow-up
(tickets, e-mail) is queued as a job, as in production. The web layer (Reflex websocket) is not included.

Runs on a temporary SQLite database, and on PostgreSQL when one answers on 127.0.0.1:5432.
Run: `.venv/bin/python bench/orders.py` (or `make bench`).
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path

_TMP = Path(tempfile.mkdtemp(prefix="bench-orders-"))
os.environ["DATA_DIR"] = str(_TMP)  # the job queue and keys go to a throwaway folder
os.environ.pop("JOBS_IMMEDIATE", None)
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, text
from sqlmodel import Session, col, select
from webbench.event import create_bench_event

import ticketapp.tasks  # noqa: F401  (subscribes the jobs to the services' hooks, as the app does)
from ticketapp.db import make_engine, upgrade_database
from ticketapp.models import OrderItem, OrderStatus, utcnow
from ticketapp.services.booking import checkout as orders
from ticketapp.services.booking import holds
from ticketapp.services.booking.inventory import BookingError, counts_as_sold, new_cart_token
from ticketapp.services.orders import payments as order_payments

BUYERS = 600
CAPACITY = 1000  # 600 buyers × 2 tickets = 1,200 wanted: some must be refused, none oversold
WORKERS = (1, 8)
TARGET_ORDERS_PER_S = 72.0


def _setup(url: str) -> int:
    upgrade_database(url)
    return create_bench_event(url, CAPACITY).ticket_type_id


def _buy(engine_url: str, type_id: int, local: threading.local, _n: int = 0) -> tuple[float, bool]:
    if not hasattr(local, "engine"):
        local.engine = make_engine(engine_url)
    started = time.perf_counter()
    token = new_cart_token()
    with Session(local.engine, expire_on_commit=False) as session:
        try:
            holds.add_to_cart(session, token, type_id, 2)
            [order] = orders.convert_cart_to_pending_order(
                session, token, buyer_name="Bench Buyer", buyer_email=f"{token[:12]}@example.com"
            )
            order_payments.begin_payment(session, order.code, order_payments.PaymentMethod.DEMO)
            outcome = order_payments.record_payment(
                session,
                order.id or 0,
                provider="demo",
                reference=f"demo-{order.code}",
                amount_minor=order.total_minor,
                currency=order.currency,
            )
            ok = outcome is order_payments.PaymentOutcome.PAID
        except BookingError:
            ok = False
    return time.perf_counter() - started, ok


def _sold(url: str, type_id: int) -> int:
    engine = make_engine(url)
    with Session(engine) as session:
        sold = session.exec(
            select(func.coalesce(func.sum(OrderItem.quantity), 0))
            .join(orders.Order, col(orders.Order.id) == OrderItem.order_id)
            .where(OrderItem.ticket_type_id == type_id, counts_as_sold(utcnow()))
        ).one()
        paid = session.exec(
            select(func.count()).select_from(orders.Order).where(orders.Order.status == OrderStatus.PAID)
        ).one()
    engine.dispose()
    return int(sold), int(paid)


def run(label: str, url: str) -> None:
    for workers in WORKERS:
        type_id = _setup(url)
        local = threading.local()
        buyers = BUYERS if workers > 1 else 100
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=workers) as pool:
            results = list(pool.map(partial(_buy, url, type_id, local), range(buyers)))
        elapsed = time.perf_counter() - started
        latencies = sorted(duration * 1000 for duration, ok in results if ok)
        paid = sum(1 for _, ok in results if ok)
        sold, _ = _sold(url, type_id)
        p50 = statistics.median(latencies) if latencies else float("nan")
        p95 = latencies[int(len(latencies) * 0.95) - 1] if latencies else float("nan")
        print(
            f"{label:10} {workers:2} buyers at once: {paid / elapsed:6.1f} paid orders/s "
            f"(p50 {p50:5.1f} ms, p95 {p95:6.1f} ms); {paid} paid, {buyers - paid} refused; "
            f"sold {sold}/{CAPACITY} — oversold: {max(sold - CAPACITY, 0)}"
        )


def main() -> int:
    print(f"target: ≥ {TARGET_ORDERS_PER_S:.0f} orders/s, zero oversold")
    run("SQLite", f"sqlite:///{_TMP / 'bench.db'}")
    pg_admin = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
    try:
        admin = make_engine(pg_admin).execution_options(isolation_level="AUTOCOMMIT")
        name = f"bench_orders_{uuid.uuid4().hex[:8]}"
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # noqa: BLE001  (no PostgreSQL here: SQLite figures only)
        print(f"PostgreSQL not reachable ({type(exc).__name__}); skipped")
        return 0
    try:
        run("PostgreSQL", f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}")
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
