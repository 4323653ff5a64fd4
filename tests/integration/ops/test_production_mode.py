"""The production mode as `python -m ticketapp serve --prod` runs it, on loopback, with real processes.

One test (it builds the frontend and starts nginx, supervisord, 2 backends, a job worker and the
scheduler on PostgreSQL and Redis): kill -9 a backend worker and the job worker, both are replaced in
under 5 s while the site keeps answering through nginx; a purchase and a support chat complete through
the proxy while one backend is down and again once it is back (the websocket clients of bench/webbench
speak the compiled frontend's protocol); every order is fulfilled by the jobs that survived. Then the
Prometheus text of /metrics is parsed and its scrape time printed (target < 50 ms).
"""

from __future__ import annotations

import contextlib
import os
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import func
from sqlmodel import Session, col, select

from tests.conftest import HAS_POSTGRES, PG_HOST, PG_PORT, create_postgres_database, drop_postgres_database
from ticketapp.db import make_engine
from ticketapp.models import DueJob, Order, OrderStatus, SupportMessage, Ticket

PROJECT_DIR = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(PROJECT_DIR / "bench"))

from webbench.event import create_bench_event  # noqa: E402
from webbench.procs import backend_pids  # noqa: E402
from webbench.site import Site, read_site  # noqa: E402

pytestmark = [pytest.mark.postgres, pytest.mark.timeout(900)]

PORT = 8480  # the proxy; the frontend is built for http://localhost:8480
BACKEND_PORTS = (8481, 8482)
REDIS_URL = "redis://127.0.0.1:6379/14"
WEB_DIR = PROJECT_DIR / ".web-prod-test"  # kept between runs: the frontend's packages install once
REPLACED_WITHIN_S = 5.0
STARTUP_TIMEOUT_S = 600


def _redis_up() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping())
    except redis.RedisError:
        return False


@dataclass
class Prod:
    url: str
    database_url: str
    data_dir: Path
    run_dir: Path
    log: Path

    def supervised_pid(self, name: str) -> int:
        done = subprocess.run(
            [str(PROJECT_DIR / ".venv/bin/supervisorctl"), "-c", str(self.run_dir / "supervisord.conf"), "pid", name],
            capture_output=True,
            text=True,
            check=False,
        )
        return int(done.stdout.strip()) if done.stdout.strip().isdigit() else 0


def _status(url: str, headers: dict[str, str] | None = None) -> int:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return 0


def _wait(done: Callable[[], bool], timeout: float, what: str, log: Path) -> float:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if done():
            return time.monotonic() - started
        time.sleep(0.05)
    raise AssertionError(f"{what}: not within {timeout} s\n{log.read_text(errors='replace')[-4000:]}")


@pytest.fixture
def prod(tmp_path: Path) -> Iterator[Prod]:
    if not HAS_POSTGRES or not _redis_up():
        pytest.fail("the production mode test needs PostgreSQL and Redis on 127.0.0.1 (CI starts both)")
    name = create_postgres_database()
    database_url = f"postgresql+psycopg://postgres@{PG_HOST}:{PG_PORT}/{name}"
    redis.Redis.from_url(REDIS_URL).flushdb()
    data_dir, run_dir, log = tmp_path / "data", tmp_path / "run", tmp_path / "prod.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "REFLEX_", "STRIPE_", "REDIS_"))}
    env.update(
        DATA_DIR=str(data_dir),
        DATABASE_URL=database_url,
        REFLEX_REDIS_URL=REDIS_URL,
        BASE_URL=f"http://localhost:{PORT}",
        DEMO_PAYMENTS="1",
        STRIPE_SECRET_KEY="",
        STRIPE_WEBHOOK_SECRET="",
        JOBS_IMMEDIATE="",
        # A job the killed worker held is re-enqueued by the reconciler (every minute) once this old.
        DUE_GRACE_S="20",
        # The test's buyers are scripts on 127.0.0.1 that send the form at once (as bench/webbench/serve.py).
        BOT_FORM_MIN_SECONDS="0",
        RISK_MAX_ORDERS_PER_HOUR="100000",
        RISK_NEAR_CAP_BUYERS="100000",
        REFLEX_WEB_WORKDIR=str(WEB_DIR),
        REFLEX_STATES_WORKDIR=str(data_dir / "states"),
        REFLEX_TELEMETRY_ENABLED="false",
        REFLEX_CHECK_LATEST_VERSION="false",
        REFLEX_USE_SYSTEM_BUN="1",
        BUN_INSTALL_CACHE_DIR=str(PROJECT_DIR / ".tools/bun-cache"),
        PATH=f"{PROJECT_DIR / '.tools/node_modules/.bin'}:{PROJECT_DIR / '.venv/bin'}:{os.environ.get('PATH', '')}",
    )
    command = [
        str(PROJECT_DIR / ".venv/bin/python"),
        "-m",
        "ticketapp",
        "serve",
        "--prod",
        "--build",
        "--backends",
        "2",
        "--job-workers",
        "1",
        "--backend-port",
        str(BACKEND_PORTS[0]),
        "--listen",
        f"127.0.0.1:{PORT}",
        "--run-dir",
        str(run_dir),
    ]
    with log.open("wb") as out:
        proc = subprocess.Popen(
            command, cwd=PROJECT_DIR, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    app = Prod(f"http://localhost:{PORT}", database_url, data_dir, run_dir, log)
    try:

        def up() -> bool:
            if proc.poll() is not None:
                raise AssertionError(f"serve --prod exited:\n{log.read_text(errors='replace')[-4000:]}")
            return all(_status(f"http://127.0.0.1:{port}/ping") == 200 for port in BACKEND_PORTS) and (
                _status(f"{app.url}/") == 200
            )

        _wait(up, STARTUP_TIMEOUT_S, "the production mode answering", log)
        yield app
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        redis.Redis.from_url(REDIS_URL).flushdb()
        drop_postgres_database(name)


class Watcher:
    """Asks the site (through nginx) for a page and the health route every 100 ms; counts what failed."""

    def __init__(self, url: str) -> None:
        self.url, self.asked, self.failed = url, 0, []  # type: ignore[var-annotated]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            for path in ("/", "/ping", "/api/health"):
                status = _status(self.url + path)
                self.asked += 1
                if status != 200:
                    self.failed.append(f"{path}: {status}")
            self._stop.wait(0.1)

    def __enter__(self) -> Watcher:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()


def _buy_and_chat(site: Site, event_slug: str, event: object, label: str) -> str:
    """A whole purchase and a guest chat with one message, through the proxy; returns the message body."""
    from idle_viewers import open_chat_viewer  # bench/idle_viewers.py
    from web_purchase import buy  # bench/web_purchase.py
    from webbench import shop
    from webbench.tab import Tab

    from ticketapp.state.support.chat import SupportChatState

    del event_slug
    buy(site, event)  # type: ignore[arg-type]
    tab: Tab = open_chat_viewer(site, int(uuid.uuid4().int % 10_000))
    try:
        body = f"Chat {label} {uuid.uuid4().hex[:6]}"
        name, payload = shop.call(SupportChatState, "send", {"message": body})
        tab.send(name, payload)
        chat = SupportChatState.get_full_name()
        tab.wait_for(lambda t: any(m.get("body") == body for m in t.get(chat, "messages") or []), 60, "chat message")
    finally:
        tab.close()
    return body


def _scrape(url: str) -> tuple[float, dict[str, list[tuple[dict[str, str], float]]]]:
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=10) as response:
        text = response.read().decode()
    took = time.perf_counter() - started
    samples: dict[str, list[tuple[dict[str, str], float]]] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            samples.setdefault(sample.name, []).append((sample.labels, sample.value))
    return took, samples


def _total(samples: dict[str, list[tuple[dict[str, str], float]]], name: str, **labels: str) -> float:
    return sum(v for got, v in samples.get(name, []) if all(got.get(k) == w for k, w in labels.items()))


def test_production_mode_replaces_killed_workers_and_keeps_selling(prod: Prod) -> None:
    # The proxy: static pages with the security headers and caching, the body limit, /metrics kept private.
    with urllib.request.urlopen(f"{prod.url}/", timeout=10) as response:
        assert response.headers.get_all("X-Frame-Options") == ["DENY"]
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
        html = response.read().decode()
    asset = html.split('src="/assets/', 1)[1].split('"', 1)[0] if 'src="/assets/' in html else ""
    if asset:
        with urllib.request.urlopen(f"{prod.url}/assets/{asset}", timeout=10) as response:
            assert "immutable" in response.headers["Cache-Control"]
    too_big = urllib.request.Request(f"{prod.url}/api/support/inbound", data=b"x" * (13 * 1024 * 1024), method="POST")
    assert _status_of(too_big) == 413
    assert _status(f"{prod.url}/metrics") == 403  # through the proxy (X-Forwarded-For): refused

    site = read_site(prod.url)
    event = create_bench_event(prod.database_url)
    bodies = [_buy_and_chat(site, event.slug, event, "before")]

    with Watcher(prod.url) as watcher:
        worker_pid = backend_pids(BACKEND_PORTS[0])[0]
        jobs_pid = prod.supervised_pid("jobs-0")
        assert jobs_pid
        os.kill(worker_pid, signal.SIGKILL)
        os.kill(jobs_pid, signal.SIGKILL)
        killed = time.monotonic()
        # While backend-0 is down, nginx sends everything to backend-1: a buyer and a chat meanwhile.
        during: list[str] = []
        buyer = threading.Thread(target=lambda: during.append(_buy_and_chat(site, event.slug, event, "during")))
        buyer.start()

        def backend_back() -> bool:
            pids = backend_pids(BACKEND_PORTS[0])
            return bool(pids) and worker_pid not in pids and _status(f"http://127.0.0.1:{BACKEND_PORTS[0]}/ping") == 200

        def jobs_back() -> bool:
            pid = prod.supervised_pid("jobs-0")
            return pid not in (0, jobs_pid)

        _wait(backend_back, 60, "backend-0 replaced", prod.log)
        backend_s = time.monotonic() - killed
        _wait(jobs_back, 60, "jobs-0 replaced", prod.log)
        jobs_s = time.monotonic() - killed
        buyer.join(timeout=180)
    assert len(during) == 1, "the purchase and chat during the outage did not complete"
    bodies += during
    print(
        f"\nreplaced after kill -9: backend worker {backend_s:.2f} s, job worker {jobs_s:.2f} s "
        f"(a purchase and a chat ran meanwhile); site asked {watcher.asked} times, "
        f"{len(watcher.failed)} failed; load {os.getloadavg()[0]:.2f}"
    )
    assert watcher.failed == [], watcher.failed[:10]
    assert backend_s < REPLACED_WITHIN_S, backend_s
    assert jobs_s < REPLACED_WITHIN_S, jobs_s
    bodies.append(_buy_and_chat(site, event.slug, event, "after"))

    engine = make_engine(prod.database_url)
    try:

        def all_fulfilled() -> bool:
            with Session(engine) as session:
                undone = session.exec(select(func.count()).select_from(DueJob).where(col(DueJob.done_at).is_(None)))
                return undone.one() == 0

        fulfilled_s = _wait(all_fulfilled, 180, "every order's tickets and confirmation", prod.log)
        print(
            f"every order fulfilled {fulfilled_s:.1f} s after the last purchase (a lost job waits for the reconciler)"
        )
        with Session(engine) as session:
            orders = session.exec(select(Order)).all()
            assert len(orders) == 3 and {o.status for o in orders} == {OrderStatus.PAID}
            for order in orders:
                assert len(session.exec(select(Ticket).where(Ticket.order_id == order.id)).all()) == 2
            stored = set(session.exec(select(SupportMessage.body)).all())
            assert set(bodies) <= stored
    finally:
        engine.dispose()
    mails = list((prod.data_dir / "outbox").glob("*.eml"))
    assert len([m for m in mails if "confirm" in m.read_text(errors="replace").lower()]) >= 3

    # Metrics: the sum over every process, read straight from one backend on loopback.
    scrape_url = f"http://127.0.0.1:{BACKEND_PORTS[1]}/metrics"

    def both_job_processes_up() -> bool:  # the replacement jobs-0 registers once its imports are done
        return _total(_scrape(scrape_url)[1], "ticketapp_process_up", kind="jobs") == 2

    _wait(both_job_processes_up, 60, "jobs-0 and the scheduler in the metrics", prod.log)
    times = []
    for _ in range(20):
        took, samples = _scrape(scrape_url)
        times.append(took)
    print(
        f"/metrics scrape: median {statistics.median(times) * 1000:.1f} ms, max {max(times) * 1000:.1f} ms, "
        f"database part {_total(samples, 'ticketapp_collect_duration_seconds') * 1000:.1f} ms "
        f"({len(samples)} sample names); load {os.getloadavg()[0]:.2f}"
    )
    assert _total(samples, "ticketapp_orders", status="paid") == 3
    assert _total(samples, "ticketapp_process_up", kind="backend") == 2
    assert _total(samples, "ticketapp_event_duration_seconds_count", handler="checkout_state.place_order") == 3
    assert _total(samples, "ticketapp_http_request_duration_seconds_count", route="/api/health") > 0
    assert _total(samples, "ticketapp_jobs_completed_total") >= 3
    assert _total(samples, "ticketapp_fulfilment_undone") == 0
    assert _total(samples, "ticketapp_database_up") == 1
    assert "ticketapp_websocket_clients" in samples and "ticketapp_job_queue_depth" in samples
    assert _total(samples, "ticketapp_db_pool_capacity") > 0
    assert statistics.median(times) < 0.25, times

    # A tab left open counts as a connected client (on whichever backend nginx chose).
    from idle_viewers import open_chat_viewer

    viewer = open_chat_viewer(site, 9999)
    try:
        _wait(
            lambda: _total(_scrape(scrape_url)[1], "ticketapp_websocket_clients") >= 1,
            30,
            "a connected client",
            prod.log,
        )
    finally:
        viewer.close()


def _status_of(request: urllib.request.Request) -> int:
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return 0
