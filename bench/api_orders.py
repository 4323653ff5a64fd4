"""API order throughput: N concurrent clients POST /api/v1/orders over HTTP to a served backend.

Target (issue 19): ≥ 72 orders/s at 8 clients on SQLite and on PostgreSQL (pretix's API does 24 here).
Each client is a thread with its own keep-alive HTTP connection in a closed loop: it places an order of
2 tickets with `mark_paid` (hold → pending order → payment recorded: the shop's services and locks, the
follow-up — tickets, e-mail — queued as a job as in production) and waits for the answer. The backend is
granian serving the app's HTTP routes (bench/webbench/api_asgi.py: the same ASGI stack as `make run`'s
backend for `/api/…`, Reflex's websocket aside) in a subprocess, on its own database: a temporary SQLite
file, and a PostgreSQL database created and dropped by this script when one answers on 127.0.0.1:5432.
Seats sold are read back afterwards (never more than the capacity).

Run: `.venv/bin/python bench/api_orders.py [--db sqlite|postgresql|both] [--clients 1,8,32] [--seconds 10]
[--workers 1]`. Prints figures; never fails on them.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
_TMP = Path(tempfile.mkdtemp(prefix="bench-api-orders-"))
os.environ["DATA_DIR"] = str(_TMP)
sys.path.insert(0, str(PROJECT_DIR))
sys.path.insert(0, str(PROJECT_DIR / "bench"))

import httpx
from sqlalchemy import func, text
from sqlmodel import Session, col, select
from webbench.event import create_bench_event
from webbench.figures import load_average
from webbench.procs import backend_pids, cpu_seconds

from ticketapp.db import make_engine, upgrade_database
from ticketapp.models import Order, OrderItem, Role, User
from ticketapp.services.api_access.tokens import create_api_token

TARGET = 72.0
CAPACITY = 10_000_000
PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _setup(url: str) -> tuple[int, str]:
    """Migrated database, the bench event, an admin and an integration token with orders:write."""
    upgrade_database(url)
    type_id = create_bench_event(url, CAPACITY).ticket_type_id
    engine = make_engine(url)
    with Session(engine) as session:
        admin = User(email=f"bench-{uuid.uuid4().hex[:6]}@example.com", display_name="Bench", role=Role.ADMIN)
        session.add(admin)
        session.commit()
        _, token = create_api_token(session, admin.id or 0, "bench", ["orders:write"])
    engine.dispose()
    return type_id, token


def _serve(url: str, port: int, workers: int) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "REFLEX_", "REDIS_URL"))}
    env.update(
        DATABASE_URL=url,
        DATA_DIR=str(_TMP),
        API_RATE_LIMIT_PER_MINUTE="100000000",
        PYTHONPATH=f"{PROJECT_DIR}:{PROJECT_DIR / 'bench'}",
        LOG_LEVEL="WARNING",
    )
    command = [
        str(Path(sys.executable).parent / "granian"),
        "--interface",
        "asgi",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--blocking-threads",
        "1",
        "--log-level",
        "warning",
        "--no-ws",
        "webbench.api_asgi:app",
    ]
    log = open(_TMP / f"granian-{port}.log", "wb")  # noqa: SIM115  (kept open for the process's life)
    proc = subprocess.Popen(command, env=env, cwd=PROJECT_DIR, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server stopped: see {_TMP / f'granian-{port}.log'}")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/openapi.json", timeout=2)
            return proc
        except OSError:
            time.sleep(0.2)
    proc.terminate()
    raise RuntimeError("the server did not start within 60 s")


def _client(base: str, token: str, type_id: int, until: float, latencies: list[float], errors: list[int]) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=base, headers=headers, timeout=30) as http:
        while time.monotonic() < until:
            n = uuid.uuid4().hex[:12]
            body = {
                "buyer_name": "Bench Buyer",
                "buyer_email": f"{n}@example.com",
                "items": [{"ticket_type_id": type_id, "quantity": 2}],
                "mark_paid": True,
            }
            started = time.perf_counter()
            response = http.post("/api/v1/orders", json=body, headers={"Idempotency-Key": n})
            if response.status_code == 201 and response.json()["status"] == "paid":
                latencies.append((time.perf_counter() - started) * 1000)
            else:
                errors.append(response.status_code)
                time.sleep(0.05)


def _sold(url: str, type_id: int) -> int:
    engine = make_engine(url)
    with Session(engine) as session:
        sold = session.exec(
            select(func.coalesce(func.sum(OrderItem.quantity), 0))
            .join(Order, col(Order.id) == OrderItem.order_id)
            .where(OrderItem.ticket_type_id == type_id, Order.status == "paid")
        ).one()
    engine.dispose()
    return int(sold)


def run(label: str, url: str, clients_list: list[int], seconds: float, workers: int) -> None:
    type_id, token = _setup(url)
    port = _free_port()
    proc = _serve(url, port, workers)
    base = f"http://127.0.0.1:{port}"
    try:
        _client(base, token, type_id, time.monotonic() + 1.0, [], [])  # warm-up
        pids = backend_pids(port) or [proc.pid]
        for clients in clients_list:
            cpu_before = cpu_seconds(pids)
            latencies: list[float] = []
            errors: list[int] = []
            until = time.monotonic() + seconds
            started = time.perf_counter()
            threads = [
                threading.Thread(target=_client, args=(base, token, type_id, until, latencies, errors))
                for _ in range(clients)
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            elapsed = time.perf_counter() - started
            cpu_ms = (cpu_seconds(pids) - cpu_before) * 1000 / max(1, len(latencies))
            ordered = sorted(latencies)
            p50 = statistics.median(ordered) if ordered else float("nan")
            p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)] if ordered else float("nan")
            print(
                f"{label:10} {clients:2} clients: {len(ordered) / elapsed:6.1f} paid orders/s "
                f"(p50 {p50:6.1f} ms, p95 {p95:6.1f} ms); {len(ordered)} orders, {len(errors)} failed"
                f"{f' {sorted(set(errors))}' if errors else ''}; backend CPU {cpu_ms:.1f} ms/order; {load_average()}",
                flush=True,
            )
        print(f"{label:10} seats sold (paid) {_sold(url, type_id)} of {CAPACITY}: none oversold", flush=True)
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--clients", default="1,8,32", help="comma-separated numbers of concurrent clients")
    parser.add_argument("--seconds", type=float, default=10.0, help="length of each run (default 10)")
    parser.add_argument("--workers", type=int, default=1, help="backend processes (default 1)")
    args = parser.parse_args(argv)
    clients_list = [int(n) for n in args.clients.split(",") if n.strip()]
    print(f"target: ≥ {TARGET:.0f} orders/s at 8 clients; {args.workers} backend process(es); {os.cpu_count()} CPUs")
    if args.db in ("sqlite", "both"):
        run("SQLite", f"sqlite:///{_TMP / 'bench.db'}", clients_list, args.seconds, args.workers)
    if args.db == "sqlite":
        return 0
    try:
        admin = make_engine(PG_ADMIN).execution_options(isolation_level="AUTOCOMMIT")
        name = f"bench_api_orders_{uuid.uuid4().hex[:8]}"
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # noqa: BLE001  (no PostgreSQL here: SQLite figures only)
        print(f"PostgreSQL not reachable ({type(exc).__name__}); skipped")
        return 0
    try:
        run(
            "PostgreSQL",
            f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}",
            clients_list,
            args.seconds,
            args.workers,
        )
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
