"""Background jobs (Huey on SQLite, and Redis when it answers) and the health route."""

from __future__ import annotations

import importlib
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType

import pytest
from huey import Huey, RedisHuey, SqliteHuey
from starlette.responses import PlainTextResponse
from starlette.testclient import TestClient

from ticketapp import settings as settings_module
from ticketapp import tasks
from ticketapp.api.routes import with_api_routes
from ticketapp.db import session_scope, upgrade_database
from ticketapp.services.shared.heartbeat import last_heartbeat


def _redis_available() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


@pytest.fixture(scope="module")
def app_database() -> None:
    """The process-wide database the app code uses (a test file, see tests/conftest.py)."""
    upgrade_database()


def test_heartbeat_job_records_each_run(app_database: None) -> None:
    with session_scope() as session:
        before = last_heartbeat(session, tasks.HEARTBEAT_JOB)
    tasks.heartbeat()  # JOBS_IMMEDIATE=1: runs inline
    with session_scope() as session:
        after = last_heartbeat(session, tasks.HEARTBEAT_JOB)
    assert after is not None
    assert before is None or after > before


def test_heartbeat_is_periodic_every_minute() -> None:
    from datetime import datetime

    periodic = tasks.huey._registry.periodic_tasks
    heartbeat_task = next(t for t in periodic if t.name.endswith("heartbeat"))
    assert heartbeat_task.validate_datetime(datetime(2027, 1, 1, 10, 17))


@contextmanager
def queued(huey: Huey) -> Iterator[Huey]:
    """Make `huey` store jobs for a worker instead of running them inline."""
    huey.immediate = False
    huey.flush()
    try:
        yield huey
    finally:
        huey.flush()
        huey.immediate = True


def _enqueue_and_work(module: ModuleType) -> None:
    with queued(module.huey) as huey:
        module.heartbeat()
        assert huey.pending_count() == 1  # the payload is stored, not held in memory
        huey.execute(huey.dequeue())
        assert huey.pending_count() == 0


def test_jobs_queue_in_sqlite_and_a_worker_runs_them(app_database: None) -> None:
    assert isinstance(tasks.huey, SqliteHuey)
    with session_scope() as session:
        before = last_heartbeat(session, tasks.HEARTBEAT_JOB)
    _enqueue_and_work(tasks)
    with session_scope() as session:
        after = last_heartbeat(session, tasks.HEARTBEAT_JOB)
    assert after is not None and (before is None or after > before)


@pytest.mark.skipif(not _redis_available(), reason="Redis does not answer on 127.0.0.1:6379")
def test_jobs_queue_in_redis_when_configured(app_database: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REFLEX_REDIS_URL", "redis://127.0.0.1:6379/15")
    settings_module.get_settings.cache_clear()
    try:
        redis_tasks = importlib.reload(tasks)
        assert isinstance(redis_tasks.huey, RedisHuey)
        _enqueue_and_work(redis_tasks)
    finally:
        monkeypatch.delenv("REFLEX_REDIS_URL")
        settings_module.get_settings.cache_clear()
        importlib.reload(tasks)


def test_default_queue_is_sqlite_without_redis() -> None:
    assert isinstance(tasks._make_huey(), SqliteHuey)


def test_health_route_reports_database_and_heartbeat(app_database: None) -> None:
    async def reflex_stand_in(scope, receive, send) -> None:
        await PlainTextResponse("reflex")(scope, receive, send)

    client = TestClient(with_api_routes(reflex_stand_in))
    tasks.heartbeat()
    response = client.get("/api/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["database"] == "ok"
    assert 0 <= body["jobs_heartbeat_age_s"] < 60
    assert client.get("/anything-else").text == "reflex"


def test_dev_secret_is_generated_once_and_private(tmp_path: Path) -> None:
    first = settings_module._dev_secret(tmp_path)
    assert len(first) >= 48
    assert settings_module._dev_secret(tmp_path) == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600


def test_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SECRET_KEY", "from-env")
    monkeypatch.setenv("HOLD_MINUTES", "7")
    monkeypatch.setenv("DEFAULT_LOCALE", "xx")
    settings_module.get_settings.cache_clear()
    try:
        settings = settings_module.get_settings()
        assert settings.secret_key == "from-env"
        assert settings.hold_minutes == 7
        assert settings.default_locale == "en"
    finally:
        settings_module.get_settings.cache_clear()
