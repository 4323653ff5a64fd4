"""Shared fixtures: real databases (SQLite always, PostgreSQL when it answers)."""

from __future__ import annotations

import os
import shutil
import socket
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session

# Tests never touch the developer's data folder or a configured database.
_TEST_DATA = Path(os.environ.setdefault("DATA_DIR", f"/tmp/ticketapp-test-{os.getpid()}"))
os.environ["DATABASE_URL"] = f"sqlite:///{_TEST_DATA / 'default.db'}"
os.environ.setdefault("JOBS_IMMEDIATE", "1")
os.environ.pop("REFLEX_REDIS_URL", None)

import ticketapp.tasks  # noqa: E402, F401  (subscribes the jobs to the services' hooks, as the app and worker do)
from ticketapp.db import make_engine, upgrade_database  # noqa: E402

# Shared fixture modules (loopback SMTP server and OIDC provider for the account tests).
pytest_plugins = ["tests.support_env"]

PG_HOST, PG_PORT = "127.0.0.1", 5432
PG_ADMIN_URL = f"postgresql+psycopg://postgres@{PG_HOST}:{PG_PORT}/postgres"


def postgres_available() -> bool:
    try:
        with socket.create_connection((PG_HOST, PG_PORT), timeout=0.5):
            pass
    except OSError:
        return False
    try:
        engine = make_engine(PG_ADMIN_URL)
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
    except Exception:  # noqa: BLE001
        return False
    return True


HAS_POSTGRES = postgres_available()
DATABASES = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)] if HAS_POSTGRES else ["sqlite"]


@pytest.fixture(scope="session")
def migrated_sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One SQLite file migrated once; each test gets a copy (fast, isolated)."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    upgrade_database(f"sqlite:///{path}")
    return path


def create_postgres_database() -> str:
    name = f"ticketapp_test_{uuid.uuid4().hex[:12]}"
    admin = make_engine(PG_ADMIN_URL).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return name


def drop_postgres_database(name: str) -> None:
    admin = make_engine(PG_ADMIN_URL).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=DATABASES)
def db_url(request: pytest.FixtureRequest, tmp_path: Path, migrated_sqlite_template: Path) -> Iterator[str]:
    """A migrated, empty database URL: SQLite, and PostgreSQL when reachable."""
    if request.param == "sqlite":
        path = tmp_path / "test.db"
        shutil.copy(migrated_sqlite_template, path)
        yield f"sqlite:///{path}"
        return
    name = create_postgres_database()
    url = f"postgresql+psycopg://postgres@{PG_HOST}:{PG_PORT}/{name}"
    upgrade_database(url)
    yield url
    drop_postgres_database(name)


@pytest.fixture
def engine(db_url: str, app_db: str) -> Iterator[Engine]:
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with Session(engine, expire_on_commit=False) as session:
        yield session


@pytest.fixture
def app_db(db_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Point the app's own engine (used by jobs and routes) at this test's database."""
    from ticketapp import db as db_module
    from ticketapp.settings import get_settings

    monkeypatch.setenv("DATABASE_URL", db_url)
    get_settings.cache_clear()
    db_module.get_engine.cache_clear()
    yield db_url
    db_module.get_engine().dispose()
    monkeypatch.undo()
    get_settings.cache_clear()
    db_module.get_engine.cache_clear()
