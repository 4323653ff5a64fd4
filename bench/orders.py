"""Order throughput: concurrent buyers hold, order and pay; prints orders/s, latency, oversold count.

Target (README "Our bar"): at least 3 × pretix's ~24 orders/s on this 2-core machine, i.e. ≥ 72 orders/s
at 8 buyers, with zero oversold tickets, and the same figure when 50,000 seats of the type are already
sold (`--sold 50000`: availability must not cost more as sales grow). Each buyer runs the server-side
path of a purchase — hold 2 tickets, turn the cart into a pending order, record the (demo) payment — on
its own database connection; the slow follow-up (tickets, e-mail) is queued as a job, as in production.
The web layer (Reflex websocket) is not included.

Before the timed runs, one purchase is counted: SQL statements and commits per step and in all.

Runs on a temporary SQLite database, and on PostgreSQL when one answers on 127.0.0.1:5432.
Run: `.venv/bin/python bench/orders.py [--db sqlite|postgresql] [--buyers 1,8] [--sold 50000]`
(or `make bench`); `--help` for the rest.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import timedelta
from functools import partial
from pathlib import Path
from typing import Any

_TMP = Path(tempfile.mkdtemp(prefix="bench-orders-"))
os.environ["DATA_DIR"] = str(_TMP)  # the job queue and keys go to a throwaway folder
os.environ.pop("JOBS_IMMEDIATE", None)
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import event, func, insert, text
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select
from webbench.event import create_bench_event

import ticketapp.tasks  # noqa: F401  (subscribes the jobs to the services' hooks, as the app does)
from ticketapp.db import make_engine, upgrade_database
from ticketapp.models import Order, OrderItem, OrderStatus, utcnow
from ticketapp.services.booking import checkout as orders
from ticketapp.services.booking import holds
from ticketapp.services.booking.inventory import BookingError, counts_as_sold, new_cart_token
from ticketapp.services.orders import payments as order_payments

BUYERS = 600
CAPACITY = 1000  # 600 buyers × 2 tickets = 1,200 wanted: some must be refused, none oversold
TARGET_ORDERS_PER_S = 72.0
STEPS = ("hold", "place order", "pay")


def _setup(url: str, presold: int) -> int:
    upgrade_database(url)
    type_id = create_bench_event(url, CAPACITY + presold).ticket_type_id
    if presold:
        _presell(url, type_id, presold)
    return type_id


def _presell(url: str, type_id: int, seats: int) -> None:
    """`seats` already sold, as paid orders of 2 tickets (bulk-inserted, then brought into the inventory)."""
    engine = make_engine(url)
    now = utcnow()
    with Session(engine) as session:
        first = int(session.exec(select(func.coalesce(func.max(Order.id), 0))).one()) + 1
        count = seats // 2
        session.exec(
            insert(Order),
            params=[
                {
                    "id": first + n,
                    "code": f"PRE{first + n:09d}",
                    "buyer_name": "Early Bird",
                    "buyer_email": f"early{first + n}@example.com",
                    "status": OrderStatus.PAID,
                    "currency": "EUR",
                    "total_minor": 7000,
                    "locale": "en",
                    "created_at": now,
                    "updated_at": now,
                    "paid_at": now,
                    "expires_at": now + timedelta(minutes=15),
                    "refunded_minor": 0,
                }
                for n in range(count)
            ],
        )
        session.exec(
            insert(OrderItem),
            params=[
                {"order_id": first + n, "ticket_type_id": type_id, "quantity": 2, "unit_price_minor": 3500}
                for n in range(count)
            ],
        )
        session.commit()
        if url.startswith("postgresql"):
            session.exec(text("SELECT setval(pg_get_serial_sequence('ticket_order', 'id'), max(id)) FROM ticket_order"))
            session.commit()
            # What autovacuum would soon do after such a bulk load: plans read the real row counts.
            session.exec(text("ANALYZE ticket_order, orderitem"))
            session.commit()
        _bring_into_inventory(session, type_id)
    engine.dispose()


def _bring_into_inventory(session: Session, type_id: int) -> None:
    """Counters, when the inventory keeps them, recounted from the rows inserted behind its back."""
    try:
        from ticketapp.services.booking import seats
    except ImportError:  # sum-based inventory: nothing to bring up to date
        return
    seats.recount(session, [type_id])


def _purchase(session: Session, type_id: int, mark: Callable[[str], None] = lambda _step: None) -> bool:
    token = new_cart_token()
    try:
        mark("hold")
        holds.add_to_cart(session, token, type_id, 2)
        mark("place order")
        [order] = orders.convert_cart_to_pending_order(
            session, token, buyer_name="Bench Buyer", buyer_email=f"{token[:12]}@example.com"
        )
        mark("pay")
        order_payments.begin_payment(session, order.code, order_payments.PaymentMethod.DEMO)
        outcome = order_payments.record_payment(
            session,
            order.id or 0,
            provider="demo",
            reference=f"demo-{order.code}",
            amount_minor=order.total_minor,
            currency=order.currency,
        )
    except BookingError:
        return False
    return outcome is order_payments.PaymentOutcome.PAID


def _buy(engine_url: str, type_id: int, local: threading.local, _n: int = 0) -> tuple[float, bool]:
    if not hasattr(local, "engine"):
        local.engine = make_engine(engine_url)
    started = time.perf_counter()
    with Session(local.engine, expire_on_commit=False) as session:
        ok = _purchase(session, type_id)
    return time.perf_counter() - started, ok


@contextmanager
def _counting(engine: Engine) -> Iterator[tuple[Counter[str], Counter[str], Callable[[str], None]]]:
    statements: Counter[str] = Counter()
    commits: Counter[str] = Counter()
    step = [STEPS[0]]

    def on_statement(*_args: Any) -> None:
        statements[step[0]] += 1

    def on_commit(*_args: Any) -> None:
        commits[step[0]] += 1

    event.listen(engine, "before_cursor_execute", on_statement)
    event.listen(engine, "commit", on_commit)
    try:
        yield statements, commits, lambda name: step.__setitem__(0, name)
    finally:
        event.remove(engine, "before_cursor_execute", on_statement)
        event.remove(engine, "commit", on_commit)


def count_one_purchase(url: str, type_id: int) -> str:
    """Statements and commits of one purchase (after a warm-up one), per step and in all."""
    engine = make_engine(url)
    with Session(engine, expire_on_commit=False) as session:
        _purchase(session, type_id)
    with Session(engine, expire_on_commit=False) as session, _counting(engine) as (statements, commits, mark):
        assert _purchase(session, type_id, mark), "the counted purchase failed"
    engine.dispose()
    steps = ", ".join(f"{s} {statements[s]}/{commits[s]}" for s in STEPS)
    return f"one purchase: {sum(statements.values())} statements, {sum(commits.values())} commits ({steps})"


def _sold(url: str, type_id: int) -> int:
    engine = make_engine(url)
    with Session(engine) as session:
        sold = session.exec(
            select(func.coalesce(func.sum(OrderItem.quantity), 0))
            .join(Order, col(Order.id) == OrderItem.order_id)
            .where(OrderItem.ticket_type_id == type_id, counts_as_sold(utcnow()))
        ).one()
    engine.dispose()
    return int(sold)


def run(label: str, url: str, workers_list: list[int], presold: int, count: bool) -> None:
    for workers in workers_list:
        type_id = _setup(url, presold)
        if count:
            print(f"{label:10} {count_one_purchase(url, type_id)}")
            count = False
        local = threading.local()
        buyers = BUYERS if workers > 1 else 100
        started, cpu = time.perf_counter(), time.process_time()
        with ThreadPoolExecutor(max_workers=workers) as pool:
            results = list(pool.map(partial(_buy, url, type_id, local), range(buyers)))
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        latencies = sorted(duration * 1000 for duration, ok in results if ok)
        paid = sum(1 for _, ok in results if ok)
        sold = _sold(url, type_id) - presold
        p50 = statistics.median(latencies) if latencies else float("nan")
        p95 = latencies[int(len(latencies) * 0.95) - 1] if latencies else float("nan")
        print(
            f"{label:10} {workers:2} buyers at once: {paid / elapsed:6.1f} paid orders/s "
            f"(p50 {p50:5.1f} ms, p95 {p95:6.1f} ms); {paid} paid, {buyers - paid} refused; "
            f"sold {sold}/{CAPACITY}{f' after {presold} already sold' if presold else ''}"
            f" — oversold: {max(sold - CAPACITY, 0)}; bench process CPU {cpu * 1000 / buyers:.1f} ms per buyer"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--buyers", default="1,8", help="comma-separated numbers of concurrent buyers (default 1,8)")
    parser.add_argument("--sold", type=int, default=0, help="seats of the type already sold before the run")
    parser.add_argument("--no-count", action="store_true", help="skip counting one purchase's statements")
    parser.add_argument(
        "--switch-interval",
        type=float,
        default=None,
        help="diagnostic: sys.setswitchinterval for the buyer threads (seconds; Python's default is 0.005)",
    )
    args = parser.parse_args(argv)
    if args.switch_interval:
        sys.setswitchinterval(args.switch_interval)
    workers_list = [int(n) for n in args.buyers.split(",") if n.strip()]
    print(f"target: ≥ {TARGET_ORDERS_PER_S:.0f} orders/s at 8 buyers, zero oversold")
    if args.db in ("sqlite", "both"):
        run("SQLite", f"sqlite:///{_TMP / 'bench.db'}", workers_list, args.sold, not args.no_count)
    if args.db == "sqlite":
        return 0
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
        run(
            "PostgreSQL",
            f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}",
            workers_list,
            args.sold,
            not args.no_count,
        )
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
