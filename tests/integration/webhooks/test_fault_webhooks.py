"""Each webhook event is delivered and acknowledged once, even when the worker is killed mid-request.

Real processes, as in tests/integration/shared/test_fault_fulfilment.py: the app side records the
events (JOBS_IMMEDIATE=0, a SQLite job queue of its own), a real `python -m ticketapp worker` sends them
to a real receiver on loopback. The receiver holds the first request open; the worker is killed with
SIGKILL while it waits for the answer, so that delivery's job is gone from the queue and its row stays
claimed. A fresh worker must deliver everything once the claim lapses (WEBHOOK_TIMEOUT_S + 5 s).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import Session, select

from tests.fakes.webhook_receiver import Receiver
from ticketapp.db import make_engine
from ticketapp.models import WebhookDelivery
from ticketapp.services.webhooks import signing

PROJECT_DIR = Path(__file__).resolve().parents[3]
EVENTS = 6


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SMTP_", "REFLEX_REDIS_URL"))}
    env |= {
        "DATA_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'hooks.db'}",
        "JOBS_IMMEDIATE": "0",
        "WEBHOOKS_ALLOW_PRIVATE": "1",
        "WEBHOOK_TIMEOUT_S": "2",
    }
    _run(env, "-m", "ticketapp", "migrate")
    return env


def _run(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, *args], cwd=PROJECT_DIR, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.fixture
def start_worker(env: dict[str, str]) -> Iterator:
    started: list[subprocess.Popen[bytes]] = []

    def start() -> subprocess.Popen[bytes]:
        worker = subprocess.Popen(
            [sys.executable, "-m", "ticketapp", "worker", "--workers", "1"],
            cwd=PROJECT_DIR,
            env=env,
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


def _rows(env: dict[str, str]) -> list[WebhookDelivery]:
    engine = make_engine(env["DATABASE_URL"])
    with Session(engine) as session:
        rows = list(session.exec(select(WebhookDelivery)).all())
    engine.dispose()
    return rows


def test_a_worker_killed_mid_delivery_loses_nothing_and_each_event_is_acknowledged_once(
    env: dict[str, str], start_worker
) -> None:
    receiver = Receiver(hold=threading.Event()).start()
    try:
        secret, *event_ids = _run(
            env, "-m", "tests.integration.webhooks.fault_producer", receiver.url, str(EVENTS)
        ).split()
        assert len(event_ids) == EVENTS and all(row.status == "pending" for row in _rows(env))  # no worker yet

        worker = start_worker()
        [held] = receiver.wait_for(1, timeout=60)[:1]
        os.kill(worker.pid, signal.SIGKILL)  # while it waits for the answer to the held request
        worker.wait(timeout=10)
        assert receiver.hold is not None
        receiver.hold.set()  # the answer goes nowhere: the sender is dead
        killed = [row for row in _rows(env) if row.event_id == held.headers["Webhook-Id"]]
        assert [row.status for row in killed] == ["pending"]  # not acknowledged: its job died with the worker

        start_worker()
        deadline = time.monotonic() + 90
        while any(row.status != "delivered" for row in _rows(env)):
            assert time.monotonic() < deadline, [(r.event_id, r.status, r.attempts) for r in _rows(env)]
            # What the periodic job does every minute, without waiting a minute: queue a sending pass.
            _run(env, "-c", "import ticketapp.tasks as t; t.deliver_webhooks()")
            time.sleep(1)
    finally:
        receiver.stop()

    rows = _rows(env)
    assert sorted(row.event_id for row in rows) == sorted(event_ids)  # one log row per event
    assert {row.status for row in rows} == {"delivered"}
    assert [row.attempts for row in rows if row.event_id == held.headers["Webhook-Id"]] == [2]
    seen = Counter(r.headers["Webhook-Id"] for r in receiver.received)
    assert set(seen) == set(event_ids)
    assert seen[held.headers["Webhook-Id"]] == 2  # the killed try, then the one acknowledged
    # Every request the receiver saw is a try counted in the log; each event was acknowledged once (above).
    assert {row.event_id: row.attempts for row in rows} == dict(seen)
    for request in receiver.received:
        stamp = int(request.headers["Webhook-Timestamp"])
        assert signing.verify(
            secret, request.headers["Webhook-Id"], stamp, request.body, request.headers["Webhook-Signature"]
        )
