"""Prometheus metrics (docs/operations.md "Monitoring").

Two kinds:
- measured in each process (latencies, connected clients, job failures, pool use): prometheus-client
  metrics that, in the production mode, write to files in PROMETHEUS_MULTIPROC_DIR (multiprocess
  mode), so any one backend's /metrics shows the sum over every backend and job worker;
- read from the database and the queue at scrape time (orders per status, failed payments, sign-in
  failures, the fulfilment backlog, queue depth): `AppCollector`, computed once per scrape by
  whichever backend answers, never summed across processes.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest, multiprocess
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import REGISTRY, Collector
from sqlalchemy import event as sa_event
from sqlalchemy import func
from sqlmodel import col, select

from ticketapp.db import get_engine, session_scope
from ticketapp.models import DueJob, Order, SecurityEvent, utcnow
from ticketapp.models.account import SecurityEventKind
from ticketapp.models.order import OrderStatus
from ticketapp.services.ops.backup import last_backup_age_s
from ticketapp.services.shared.due import oldest_undone_age
from ticketapp.services.shared.heartbeat import HEARTBEAT_JOB, last_heartbeat

log = logging.getLogger(__name__)

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

HTTP_LATENCY = Histogram(
    "ticketapp_http_request_duration_seconds",
    "HTTP request latency by route template",
    ["route", "method", "status"],
    buckets=LATENCY_BUCKETS,
)
EVENT_LATENCY = Histogram(
    "ticketapp_event_duration_seconds",
    "Websocket event processing latency by handler",
    ["handler"],
    buckets=LATENCY_BUCKETS,
)
EVENT_ERRORS = Counter("ticketapp_event_errors_total", "Websocket events whose handler raised", ["handler"])
CLIENTS = Gauge("ticketapp_websocket_clients", "Connected websocket clients", multiprocess_mode="livesum")
JOB_FAILURES = Counter("ticketapp_job_failures_total", "Jobs that raised (before any retry)", ["task"])
JOB_RETRIES = Counter("ticketapp_job_retries_total", "Jobs scheduled again after a failure", ["task"])
JOBS_DONE = Counter("ticketapp_jobs_completed_total", "Jobs that finished", ["task"])
POOL_CHECKED_OUT = Gauge("ticketapp_db_pool_checked_out", "Database connections in use", multiprocess_mode="livesum")
POOL_CAPACITY = Gauge(
    "ticketapp_db_pool_capacity", "Database connections a process may open", multiprocess_mode="livesum"
)
UP = Gauge("ticketapp_process_up", "1 per live process of the app", ["kind"], multiprocess_mode="livesum")

_SIGN_IN_FAILURES = (
    SecurityEventKind.SIGN_IN_FAILED,
    SecurityEventKind.SIGN_IN_BLOCKED,
    SecurityEventKind.TWO_FACTOR_FAILED,
)


class AppCollector(Collector):
    """Facts read at scrape time from the database (and the queue, through `queue_depth`)."""

    def __init__(self, queue_depth: Callable[[], int] | None = None) -> None:
        self.queue_depth = queue_depth

    def collect(self) -> Iterator[Metric]:
        started = time.perf_counter()
        up = GaugeMetricFamily("ticketapp_database_up", "1 when the database answered the scrape")
        try:
            yield from self._from_database()
            up.add_metric([], 1)
        except Exception as exc:  # noqa: BLE001  (a scrape reports the failure, it never crashes)
            log.warning("metrics: database unreachable: %s", exc)
            up.add_metric([], 0)
        yield up
        if self.queue_depth is not None:
            depth = GaugeMetricFamily("ticketapp_job_queue_depth", "Jobs waiting in the queue")
            try:
                depth.add_metric([], self.queue_depth())
                yield depth
            except Exception as exc:  # noqa: BLE001
                log.warning("metrics: queue unreachable: %s", exc)
        took = GaugeMetricFamily("ticketapp_collect_duration_seconds", "Time the database part of this scrape took")
        took.add_metric([], time.perf_counter() - started)
        yield took

    def _from_database(self) -> Iterator[Metric]:
        with session_scope() as session:
            by_status = dict(session.exec(select(Order.status, func.count()).group_by(Order.status)).all())
            orders = GaugeMetricFamily("ticketapp_orders", "Orders by status", labels=["status"])
            for status in OrderStatus:
                orders.add_metric([status.value], by_status.get(status, 0))
            failed = CounterMetricFamily("ticketapp_payments_failed", "Orders whose payment failed")
            failed.add_metric([], by_status.get(OrderStatus.FAILED, 0))
            kinds = [kind.value for kind in _SIGN_IN_FAILURES]
            counted = dict(
                session.exec(
                    select(SecurityEvent.kind, func.count())
                    .where(col(SecurityEvent.kind).in_(kinds))
                    .group_by(SecurityEvent.kind)
                ).all()
            )
            sign_in = CounterMetricFamily("ticketapp_sign_in_failures", "Failed sign-ins by kind", labels=["kind"])
            for kind in kinds:
                sign_in.add_metric([kind], counted.get(kind, 0))
            backlog_age = oldest_undone_age(session)
            undone = session.exec(select(func.count()).select_from(DueJob).where(col(DueJob.done_at).is_(None))).one()
            beat = last_heartbeat(session, HEARTBEAT_JOB)
            backup_age_s = last_backup_age_s(session)
        backlog = GaugeMetricFamily(
            "ticketapp_fulfilment_backlog_seconds", "Age of the oldest due-but-undone fulfilment (0: none)"
        )
        backlog.add_metric([], backlog_age or 0.0)
        waiting = GaugeMetricFamily("ticketapp_fulfilment_undone", "Fulfilment jobs due and not done")
        waiting.add_metric([], undone)
        heartbeat = GaugeMetricFamily(
            "ticketapp_jobs_heartbeat_age_seconds", "Seconds since the periodic heartbeat job last ran (-1: never)"
        )
        heartbeat.add_metric([], (utcnow() - beat).total_seconds() if beat else -1)
        backup = GaugeMetricFamily(
            "ticketapp_last_backup_age_seconds", "Seconds since the last verified backup (-1: none yet)"
        )
        backup.add_metric([], backup_age_s if backup_age_s is not None else -1)
        yield from (orders, failed, sign_in, backlog, waiting, heartbeat, backup)


def multiprocess_dir() -> Path | None:
    raw = os.environ.get("PROMETHEUS_MULTIPROC_DIR", "")
    return Path(raw) if raw else None


def scrape(queue_depth: Callable[[], int] | None = None) -> bytes:
    """The Prometheus text exposition of every metric: all processes' (multiprocess mode) plus the database's."""
    registry = CollectorRegistry()
    folder = multiprocess_dir()
    if folder is not None:
        multiprocess.MultiProcessCollector(registry, path=str(folder))
        registry.register(AppCollector(queue_depth))
        return generate_latest(registry)
    registry.register(_Single())
    registry.register(AppCollector(queue_depth))
    return generate_latest(registry)


class _Single(Collector):
    """This process's metrics (no multiprocess folder: `make run`, one backend)."""

    def collect(self) -> Iterator[Metric]:
        yield from REGISTRY.collect()


def forget_dead_processes() -> None:
    """Drop the live-gauge files of processes that died (a killed worker's clients are gone with it)."""
    folder = multiprocess_dir()
    if folder is None or not folder.is_dir():
        return
    for path in folder.glob("gauge_live*_*.db"):
        pid = int(path.stem.rsplit("_", 1)[1])
        if not _alive(pid):
            multiprocess.mark_process_dead(pid, str(folder))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def watch_pool() -> None:
    """Count this process's checked-out database connections (pool events) and its pool's capacity."""
    engine = get_engine()
    pool = engine.pool
    size = getattr(pool, "size", None)
    overflow = getattr(pool, "_max_overflow", 0)
    POOL_CAPACITY.set((size() + max(overflow, 0)) if callable(size) else 0)
    sa_event.listen(pool, "checkout", lambda *_: POOL_CHECKED_OUT.inc())
    sa_event.listen(pool, "checkin", lambda *_: POOL_CHECKED_OUT.dec())
