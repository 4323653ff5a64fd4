"""/metrics, /api/health, JSON logs and Sentry: real databases, real processes, real Prometheus text."""

from __future__ import annotations

import gzip
import json
import re
import subprocess
import threading
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlmodel import Session
from starlette.responses import PlainTextResponse
from starlette.testclient import TestClient

from tests.factories import make_event, make_order, make_pending_order
from ticketapp import settings as settings_module
from ticketapp.api.routes import with_api_routes
from ticketapp.models import DueJob, utcnow
from ticketapp.models.account import SecurityEventKind
from ticketapp.models.order import OrderStatus
from ticketapp.services.accounts.security_log import ClientInfo, record_event
from ticketapp.services.ops import metrics
from ticketapp.services.ops.backup import BACKUP_JOB
from ticketapp.services.shared.heartbeat import HEARTBEAT_JOB, record_heartbeat
from ticketapp.tasks import huey

PROJECT_DIR = Path(__file__).resolve().parents[3]
PYTHON = str(PROJECT_DIR / ".venv/bin/python")
LOOPBACK = ("127.0.0.1", 40000)

Samples = dict[str, list[tuple[dict[str, str], float]]]


async def _reflex_stand_in(scope, receive, send) -> None:  # type: ignore[no-untyped-def]
    await PlainTextResponse("reflex")(scope, receive, send)


def _client(peer: tuple[str, int] = LOOPBACK) -> TestClient:
    return TestClient(with_api_routes(_reflex_stand_in), client=peer)


def parse(text: str) -> Samples:
    samples: Samples = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            samples.setdefault(sample.name, []).append((sample.labels, sample.value))
    return samples


def total(samples: Samples, name: str, **labels: str) -> float:
    return sum(v for got, v in samples.get(name, []) if all(got.get(k) == w for k, w in labels.items()))


@pytest.fixture
def setting(monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    def put(name: str, value: str) -> None:
        monkeypatch.setenv(name, value)
        settings_module.get_settings.cache_clear()

    yield put
    monkeypatch.undo()
    settings_module.get_settings.cache_clear()


def test_metrics_need_the_token_or_a_direct_loopback_client(app_db: str, setting) -> None:  # type: ignore[no-untyped-def]
    assert _client(("203.0.113.9", 5000)).get("/metrics").status_code == 403
    # Through the proxy (nginx always sets X-Forwarded-For) the loopback peer is not enough.
    assert _client().get("/metrics", headers={"X-Forwarded-For": "203.0.113.9"}).status_code == 403
    answer = _client().get("/metrics")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/plain; version=0.0.4")
    setting("METRICS_TOKEN", "s3cret-token")
    refused = _client().get("/metrics", headers={"Authorization": "Bearer wrong"})
    assert refused.status_code == 403 and "metrics token" in refused.text
    assert _client().get("/metrics").status_code == 403  # with a token, loopback alone is not enough
    outside = _client(("203.0.113.9", 5000)).get("/metrics", headers={"Authorization": "Bearer s3cret-token"})
    assert outside.status_code == 200 and "ticketapp_orders" in outside.text


def test_scrape_reads_orders_payments_sign_ins_and_the_backlog(session: Session, app_db: str) -> None:
    _, ticket_type = make_event(session)
    for status in (OrderStatus.PAID, OrderStatus.PAID, OrderStatus.FAILED):
        make_order(session, [(ticket_type, 1)], status=status)
    make_pending_order(session)
    client = ClientInfo(ip="198.51.100.7", user_agent="test")
    for kind in (SecurityEventKind.SIGN_IN_FAILED, SecurityEventKind.SIGN_IN_FAILED, SecurityEventKind.SIGN_IN_OK):
        record_event(session, kind, client, email="someone@example.com")
    session.add(DueJob(kind="order.paid", key="7", payload="{}", created_at=utcnow() - timedelta(seconds=90)))
    session.commit()

    web = _client()
    health = web.get("/api/health", headers={"X-Request-ID": "req-abc-123"})
    assert health.headers["x-request-id"] == "req-abc-123"  # nginx's $request_id, echoed for the logs
    assert len(web.get("/ping").headers["x-request-id"]) == 32  # none given: one is made
    samples = parse(web.get("/metrics").text)
    assert total(samples, "ticketapp_orders", status="paid") == 2
    assert total(samples, "ticketapp_orders", status="pending") == 1
    assert total(samples, "ticketapp_orders", status="failed") == 1
    assert total(samples, "ticketapp_payments_failed_total") == 1
    assert total(samples, "ticketapp_sign_in_failures_total", kind="sign_in_failed") == 2
    assert 90 <= total(samples, "ticketapp_fulfilment_backlog_seconds") < 150
    assert total(samples, "ticketapp_fulfilment_undone") == 1
    assert total(samples, "ticketapp_job_queue_depth") >= 0 and "ticketapp_job_queue_depth" in samples
    assert total(samples, "ticketapp_database_up") == 1
    assert total(samples, "ticketapp_http_request_duration_seconds_count", route="/api/health", status="200") >= 1
    assert total(samples, "ticketapp_last_backup_age_seconds") == -1  # no backup yet: the stale-backup alert fires

    record_heartbeat(session, BACKUP_JOB, now=utcnow() - timedelta(hours=27))  # what record_good_backup writes
    session.commit()
    assert 27 * 3600 <= total(parse(web.get("/metrics").text), "ticketapp_last_backup_age_seconds") < 27 * 3600 + 60


@huey.task(retries=1, retry_delay=0)
def _always_fails() -> None:
    raise RuntimeError("boom")


def test_job_failures_and_retries_are_counted(app_db: str) -> None:
    before = parse(metrics.scrape().decode())
    _always_fails()  # JOBS_IMMEDIATE: runs inline, fails, is retried once, fails again (Huey logs, never raises)
    after = parse(metrics.scrape().decode())
    name = "_always_fails"
    failures = total(after, "ticketapp_job_failures_total", task=name) - total(
        before, "ticketapp_job_failures_total", task=name
    )
    retries = total(after, "ticketapp_job_retries_total", task=name) - total(
        before, "ticketapp_job_retries_total", task=name
    )
    assert failures >= 1 and retries == 1


_CHILD = """
import os, sys
from ticketapp.services.ops import metrics
metrics.EVENT_LATENCY.labels("cart_state.add").observe(0.02)
metrics.CLIENTS.set(int(sys.argv[1]))
metrics.UP.labels("backend").set(1)
if sys.argv[2] == "stay":
    print("ready", flush=True)
    sys.stdin.read()
"""


def test_multiprocess_mode_sums_every_process_and_forgets_dead_ones(
    tmp_path: Path, app_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "metrics"
    folder.mkdir()
    env = {"PROMETHEUS_MULTIPROC_DIR": str(folder), "PATH": "/usr/bin:/bin", "DATABASE_URL": app_db}
    for clients in (5, 7):  # two workers that served, then died (kill -9 leaves their files behind)
        subprocess.run([PYTHON, "-c", _CHILD, str(clients), "exit"], cwd=PROJECT_DIR, env=env, check=True)
    live = subprocess.Popen(
        [PYTHON, "-c", _CHILD, "2", "stay"], cwd=PROJECT_DIR, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE
    )
    try:
        assert live.stdout is not None and live.stdout.readline().strip() == b"ready"
        monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(folder))
        metrics.forget_dead_processes()
        samples = parse(metrics.scrape().decode())
    finally:
        live.communicate(b"")
    # Counters and histograms keep every process's share; live gauges only the living processes'.
    assert total(samples, "ticketapp_event_duration_seconds_count", handler="cart_state.add") == 3
    assert total(samples, "ticketapp_websocket_clients") == 2
    assert total(samples, "ticketapp_process_up", kind="backend") == 1
    assert total(samples, "ticketapp_orders", status="paid") == 0  # the database part, once, not per process


def test_health_is_not_ready_when_redis_or_the_worker_is_down(session: Session, app_db: str, setting) -> None:  # type: ignore[no-untyped-def]
    web = _client()
    record_heartbeat(session, HEARTBEAT_JOB)
    assert web.get("/api/health").status_code == 200
    setting("REFLEX_REDIS_URL", "redis://127.0.0.1:1/0")  # nothing listens there
    down = web.get("/api/health")
    assert down.status_code == 503 and down.json()["problems"] == ["redis"]
    assert down.json()["redis"].startswith("error")
    setting("REFLEX_REDIS_URL", "")
    record_heartbeat(session, HEARTBEAT_JOB, now=utcnow() - timedelta(minutes=10))
    stale = web.get("/api/health")
    assert stale.status_code == 503 and stale.json()["problems"] == ["worker"]
    setting("HEARTBEAT_ALERT_S", "900")
    assert web.get("/api/health").status_code == 200


_LOGGER = """
import logging
from ticketapp.services.ops.logs import request_id, event_id, setup_logging
setup_logging("json")
request_id.set("req-42")
logging.getLogger("ticketapp.demo").info("paid %s", "ORD-1")
event_id.set("ev-7")
try:
    raise ValueError("bad")
except ValueError:
    logging.getLogger("ticketapp.demo").exception("failed")
"""


def test_json_logs_carry_the_request_and_event_ids(tmp_path: Path) -> None:
    done = subprocess.run(
        [PYTHON, "-c", _LOGGER],
        cwd=PROJECT_DIR,
        env={"PATH": "/usr/bin:/bin", "TICKETAPP_PROCESS": "backend-0", "DATA_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        check=True,
    )
    first, second = (json.loads(line) for line in done.stderr.splitlines())
    assert first["message"] == "paid ORD-1" and first["request_id"] == "req-42" and "event_id" not in first
    assert first["level"] == "INFO" and first["logger"] == "ticketapp.demo" and first["process"] == "backend-0"
    assert second["event_id"] == "ev-7" and "ValueError: bad" in second["exc"]


class _Envelopes(BaseHTTPRequestHandler):
    received: list[bytes] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if self.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        self.received.append(body)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *_: object) -> None:
        pass


_SENTRY = """
import sys, sentry_sdk
from ticketapp.services.ops.process import init_sentry
assert init_sentry(sys.argv[1], "backend")
try:
    raise RuntimeError("payment provider exploded")
except RuntimeError as exc:
    sentry_sdk.capture_exception(exc)
sentry_sdk.flush(5)
"""


def test_errors_reach_sentry_when_a_dsn_is_set(tmp_path: Path) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Envelopes)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        dsn = f"http://publickey@127.0.0.1:{server.server_address[1]}/1"
        env = {"PATH": "/usr/bin:/bin", "DATA_DIR": str(tmp_path)}
        subprocess.run([PYTHON, "-c", _SENTRY, dsn], cwd=PROJECT_DIR, env=env, check=True, timeout=60)
    finally:
        server.shutdown()
    assert any(b"payment provider exploded" in body for body in _Envelopes.received)


METRIC_NAME = re.compile(r"\bticketapp_[a-z_]+")
SUFFIXES = ("_bucket", "_count", "_sum", "_total", "_created")


def _base(name: str) -> str:
    for suffix in SUFFIXES:
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def test_alert_rules_and_dashboard_use_metrics_the_app_exports(session: Session, app_db: str) -> None:
    metrics.EVENT_LATENCY.labels("x.y").observe(0.1)  # every family has at least one sample to show
    metrics.HTTP_LATENCY.labels("/ping", "GET", "200").observe(0.01)
    metrics.EVENT_ERRORS.labels("x.y").inc(0)
    for counter in (metrics.JOB_FAILURES, metrics.JOB_RETRIES, metrics.JOBS_DONE):
        counter.labels("t").inc(0)
    metrics.UP.labels("jobs").set(1)
    exported = {_base(name) for name in parse(_client().get("/metrics").text)}
    monitoring = PROJECT_DIR / "deploy" / "monitoring"
    rules = (monitoring / "alerts.yml").read_text()
    dashboard = json.loads((monitoring / "grafana-dashboard.json").read_text())
    exprs = [t["expr"] for panel in dashboard["panels"] for t in panel.get("targets", [])]
    used = {_base(name) for text in [rules, *exprs] for name in METRIC_NAME.findall(text)}
    assert used and used <= exported, sorted(used - exported)
    assert rules.count("- alert:") >= 8
