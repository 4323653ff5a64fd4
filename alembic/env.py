"""Alembic environment: migrations run against ticketapp's configured database."""

from __future__ import annotations

from typing import Any

from sqlmodel import SQLModel

import ticketapp.models  # noqa: F401  (registers every table on the metadata)
from alembic import context
from ticketapp.db import make_engine
from ticketapp.models.search_index import include_in_autogenerate
from ticketapp.models.types import UTCDateTime
from ticketapp.settings import get_settings

target_metadata = SQLModel.metadata


def _render_item(type_: str, obj: Any, autogen_context: Any) -> str | bool:
    # Migrations must not depend on our Python types staying put.
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def _database_url() -> str:
    return context.config.attributes.get("database_url") or get_settings().database_url


def run_migrations_offline() -> None:
    context.configure(url=_database_url(), target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(_database_url())
    with engine.connect() as conn:
        _run(conn)
    engine.dispose()


def _run(connection: Any) -> None:
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        # SQLite drops or alters a column by rebuilding its table (batch mode); with foreign keys enforced,
        # dropping the old `event` fails as soon as ticket types point at it. Off while migrating (the PRAGMA
        # only works outside a transaction), then every reference is checked before they are on again.
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        connection.commit()
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=sqlite,
        render_item=_render_item,
        include_name=include_in_autogenerate,
        compare_type=True,
    )
    try:
        with context.begin_transaction():
            context.run_migrations()
    finally:
        if sqlite:
            broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
            connection.commit()
    if sqlite and broken:
        raise RuntimeError(f"the migration left rows pointing at missing ones: {broken[:5]}")


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
