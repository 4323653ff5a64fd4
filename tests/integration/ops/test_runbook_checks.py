"""What docs/runbook.md "Database down" tells the operator, checked against the real route and database."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest
from sqlalchemy import text
from starlette.responses import PlainTextResponse
from starlette.testclient import TestClient

from tests.conftest import (
    HAS_POSTGRES,
    PG_ADMIN_URL,
    PG_HOST,
    PG_PORT,
    create_postgres_database,
    drop_postgres_database,
)
from ticketapp import db as db_module
from ticketapp.api.routes import with_api_routes
from ticketapp.db import make_engine, upgrade_database
from ticketapp.settings import get_settings


async def _reflex_stand_in(scope, receive, send) -> None:  # type: ignore[no-untyped-def]
    await PlainTextResponse("reflex")(scope, receive, send)


@pytest.fixture
def client() -> Iterator[TestClient]:
    yield TestClient(with_api_routes(_reflex_stand_in))
    get_settings.cache_clear()
    db_module.get_engine.cache_clear()


def test_a_database_that_does_not_answer_makes_health_503(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    monkeypatch.setenv("DATABASE_URL", f"postgresql+psycopg://postgres@127.0.0.1:{closed}/ticketapp")
    get_settings.cache_clear()
    db_module.get_engine.cache_clear()
    response = client.get("/api/health")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error" and "connection" in body["database"].lower()


@pytest.mark.postgres
@pytest.mark.skipif(not HAS_POSTGRES, reason="PostgreSQL does not answer on 127.0.0.1:5432")
def test_after_a_database_restart_the_app_answers_again_without_a_restart(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every connection of the app's pool is cut (as a PostgreSQL restart does); the next probe is 200."""
    name = create_postgres_database()
    try:
        url = f"postgresql+psycopg://postgres@{PG_HOST}:{PG_PORT}/{name}"
        upgrade_database(url)
        monkeypatch.setenv("DATABASE_URL", url)
        get_settings.cache_clear()
        db_module.get_engine.cache_clear()
        assert client.get("/api/health").status_code == 200
        admin = make_engine(PG_ADMIN_URL)
        with admin.begin() as conn:
            cut = conn.execute(
                text(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    "WHERE datname = :n AND pid <> pg_backend_pid()"
                ),
                {"n": name},
            ).scalar()
        admin.dispose()
        assert cut and cut >= 1
        assert client.get("/api/health").status_code == 200
        db_module.get_engine().dispose()
    finally:
        drop_postgres_database(name)
