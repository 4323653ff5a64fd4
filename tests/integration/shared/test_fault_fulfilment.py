"""Nothing lost (ARCHITECTURE.md "Durable side effects"), with real processes.

Each test gives its processes their own DATA_DIR, SQLite database and job queue
(SQLite, or Redis on a database of its own; JOBS_IMMEDIATE=0): a buyer process pays
orders, a real `python -m ticketapp worker` fulfils them, and faults are real: `kill -9`
of the worker mid-batch, a queue locked by another process or Redis unreachable while the
buyer pays. After the fault, `python -m ticketapp reconcile` (what the periodic job does
every minute) and a fresh worker must bring every paid order to its tickets and exactly
one confirmation mail.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest
from huey import RedisHuey
from sqlalchemy import func
from sqlmodel import Session, select

from tests.integration.shared.test_jobs_and_health import _redis_available
from ticketapp.db import make_engine
from ticketapp.models import DueJob, OrderLog, Ticket
from ticketapp.services.orders.mail import CONFIRMATION_NOTE

PROJECT_DIR = Path(__file__).resolve().parents[3]
ORDERS = 8
TICKETS_PER_ORDER = 2  # fault_buyers books 2 seats per order


REDIS_URL = "redis://127.0.0.1:6379/12"  # this file's own Redis database
REDIS_DOWN_URL = "redis://127.0.0.1:1/12"  # nothing listens there
QUEUES = ["sqlite", pytest.param("redis", marks=pytest.mark.skipif(not _redis_available(), reason="no Redis"))]


@pytest.fixture(params=["sqlite"])
def queue(request: pytest.FixtureRequest) -> Iterator[str]:
    """The job queue's backend; a Redis queue is emptied (only its own keys) before and after."""
    if request.param == "redis":
        RedisHuey("ticketapp", url=REDIS_URL).flush()
    yield request.param
    if request.param == "redis":
        RedisHuey("ticketapp", url=REDIS_URL).flush()


@pytest.fixture
def fault_env(tmp_path: Path, queue: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SMTP_", "REFLEX_REDIS_URL"))}
    env |= {
        "DATA_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'fault.db'}",
        "JOBS_IMMEDIATE": "0",
        "DUE_GRACE_S": "3",  # re-enqueue what is undone after 3 s (production: minutes)
    }
    if queue == "redis":
        env["REFLEX_REDIS_URL"] = REDIS_URL
    _run(env, "-m", "ticketapp", "migrate")
    return env


def _run(env: dict[str, str], *args: str, timeout: float = 120) -> str:
    result = subprocess.run(
        [sys.executable, *args], cwd=PROJECT_DIR, env=env, capture_output=True, text=True, timeout=timeout
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def _pay(env: dict[str, str], count: int) -> dict[int, str]:
    """Pay `count` new orders in a buyer process; every payment must succeed. Returns id → code."""
    lines = _run(env, "-m", "tests.integration.shared.fault_buyers", str(count)).split()
    rows = [lines[i : i + 3] for i in range(0, len(lines), 3)]
    assert [outcome for _, _, outcome in rows] == ["paid"] * count
    return {int(order_id): code for order_id, code, _ in rows}


@pytest.fixture
def start_worker(fault_env: dict[str, str]) -> Iterator:
    started: list[subprocess.Popen[bytes]] = []

    def start() -> subprocess.Popen[bytes]:
        worker = subprocess.Popen(
            [sys.executable, "-m", "ticketapp", "worker", "--workers", "2"],
            cwd=PROJECT_DIR,
            env=fault_env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        started.append(worker)
        return worker

    yield start
    for worker in started:
        if worker.poll() is None:
            worker.kill()
            worker.wait(timeout=10)


def _fulfilled(env: dict[str, str], orders: dict[int, str]) -> int:
    """How many of `orders` have all their tickets and their confirmation noted."""
    engine = make_engine(env["DATABASE_URL"])
    with Session(engine) as session:
        tickets = dict(
            session.exec(
                select(Ticket.order_id, func.count())
                .where(Ticket.order_id.in_(orders))  # type: ignore[union-attr]
                .group_by(Ticket.order_id)
            ).all()
        )
        noted = set(
            session.exec(
                select(OrderLog.order_id).where(
                    OrderLog.order_id.in_(orders),  # type: ignore[attr-defined]
                    OrderLog.note == CONFIRMATION_NOTE,
                )
            ).all()
        )
    engine.dispose()
    return sum(1 for order_id in orders if tickets.get(order_id) == TICKETS_PER_ORDER and order_id in noted)


def _confirmations(env: dict[str, str]) -> dict[str, int]:
    """Confirmation mails in the outbox, counted per order code."""
    counts: dict[str, int] = {}
    for path in (Path(env["DATA_DIR"]) / "outbox").glob("*.eml"):
        subject = str(BytesParser(policy=policy.default).parsebytes(path.read_bytes())["Subject"])
        code = subject.rsplit(" ", 1)[-1]
        counts[code] = counts.get(code, 0) + 1
    return counts


def _undone(env: dict[str, str]) -> int:
    engine = make_engine(env["DATABASE_URL"])
    with Session(engine) as session:
        count = session.exec(select(func.count()).select_from(DueJob).where(DueJob.done_at.is_(None))).one()  # type: ignore[union-attr]
    engine.dispose()
    return count


def _wait_until_all_delivered(env: dict[str, str], orders: dict[int, str], timeout: float = 90) -> None:
    """Reconcile (as the periodic job does) until every order is fulfilled and every due record done."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        mails = _confirmations(env)
        delivered = _fulfilled(env, orders) == len(orders) and all(code in mails for code in orders.values())
        if delivered and _undone(env) == 0:
            return
        time.sleep(3.5)  # past DUE_GRACE_S, so the reconciler takes what is still undone
        _run(env, "-m", "ticketapp", "reconcile")
    pytest.fail(f"fulfilled {_fulfilled(env, orders)}/{len(orders)}, mails {_confirmations(env)}")


def _assert_exactly_one_confirmation_each(env: dict[str, str], orders: dict[int, str]) -> None:
    assert _confirmations(env) == {code: 1 for code in orders.values()}
    engine = make_engine(env["DATABASE_URL"])
    with Session(engine) as session:
        notes = session.exec(
            select(OrderLog.order_id, func.count())
            .where(OrderLog.note == CONFIRMATION_NOTE)
            .group_by(OrderLog.order_id)
        ).all()
    engine.dispose()
    assert dict(notes) == dict.fromkeys(orders, 1)


@pytest.mark.parametrize("queue", QUEUES, indirect=True)
def test_a_worker_killed_mid_batch_loses_no_paid_order(fault_env: dict[str, str], start_worker) -> None:
    orders = _pay(fault_env, ORDERS)  # queued: no worker runs yet
    assert _fulfilled(fault_env, orders) == 0

    worker = start_worker()
    deadline = time.monotonic() + 60
    while _fulfilled(fault_env, orders) == 0 and time.monotonic() < deadline:
        time.sleep(0.02)
    worker.kill()  # SIGKILL, mid-batch: the tasks it had taken are gone from the queue
    worker.wait(timeout=10)
    at_kill = _fulfilled(fault_env, orders)
    assert 0 < at_kill < ORDERS, "the kill must land mid-batch"

    start_worker()
    _wait_until_all_delivered(fault_env, orders)
    _assert_exactly_one_confirmation_each(fault_env, orders)


def test_a_locked_queue_while_paying_is_no_error_and_fulfilment_follows(
    fault_env: dict[str, str], start_worker
) -> None:
    buyer = subprocess.Popen(
        [sys.executable, "-m", "tests.integration.shared.fault_buyers", "2", "--wait"],
        cwd=PROJECT_DIR,
        env=fault_env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert buyer.stdout is not None and buyer.stdout.readline() == "ready\n"  # the app runs, its queue open
    lock = sqlite3.connect(Path(fault_env["DATA_DIR"]) / "jobs.db", isolation_level=None)
    lock.execute("BEGIN EXCLUSIVE")  # another process holds the queue: every enqueue times out
    try:
        out, err = buyer.communicate("pay\n", timeout=120)
    finally:
        lock.execute("ROLLBACK")
        lock.close()
    assert buyer.returncode == 0, err  # no error reached the buyer
    rows = [line.split() for line in out.splitlines()]
    assert [outcome for _, _, outcome in rows] == ["paid", "paid"]
    orders = {int(order_id): code for order_id, code, _ in rows}
    assert "could not start order.paid" in err  # logged, left to the reconciler
    assert _fulfilled(fault_env, orders) == 0  # nothing reached the queue
    assert _undone(fault_env) == len(orders)  # …but the work is recorded as due

    start_worker()
    _wait_until_all_delivered(fault_env, orders)
    _assert_exactly_one_confirmation_each(fault_env, orders)


@pytest.mark.skipif(not _redis_available(), reason="no Redis")
@pytest.mark.parametrize("queue", ["redis"], indirect=True)
def test_redis_down_while_paying_is_no_error_and_fulfilment_follows(fault_env: dict[str, str], start_worker) -> None:
    orders = _pay(fault_env | {"REFLEX_REDIS_URL": REDIS_DOWN_URL}, 2)  # the buyer's app cannot reach Redis
    assert _fulfilled(fault_env, orders) == 0
    assert _undone(fault_env) == len(orders)

    start_worker()  # Redis is back (the worker and the reconciler reach it)
    _wait_until_all_delivered(fault_env, orders)
    _assert_exactly_one_confirmation_each(fault_env, orders)
