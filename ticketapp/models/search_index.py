"""The SQLite full-text index of events: an FTS5 trigram table fed by triggers on `event`.

Migration 0003 creates it. SQLite drops a table's triggers with the table, and
alembic's batch mode (used for every SQLite ALTER) rebuilds `event` by copy,
drop and rename — so a later migration touching `event` would silently stop
indexing new events. `ensure_sqlite_search_index` runs after every upgrade and
puts missing triggers back (then rebuilds the index from `event.search_text`).
"""

from __future__ import annotations

from sqlalchemy.engine import Connection

SEARCH_TABLE = "event_search"
SEARCH_TRIGGERS: dict[str, str] = {
    "event_search_ai": (
        "CREATE TRIGGER event_search_ai AFTER INSERT ON event BEGIN "
        "INSERT INTO event_search(rowid, search_text) VALUES (new.id, new.search_text); END"
    ),
    "event_search_ad": (
        "CREATE TRIGGER event_search_ad AFTER DELETE ON event BEGIN "
        "INSERT INTO event_search(event_search, rowid, search_text) VALUES ('delete', old.id, old.search_text); END"
    ),
    "event_search_au": (
        "CREATE TRIGGER event_search_au AFTER UPDATE OF search_text ON event BEGIN "
        "INSERT INTO event_search(event_search, rowid, search_text) VALUES ('delete', old.id, old.search_text); "
        "INSERT INTO event_search(rowid, search_text) VALUES (new.id, new.search_text); END"
    ),
}


def ensure_sqlite_search_index(conn: Connection) -> list[str]:
    """Recreate missing search triggers on SQLite; returns the names it had to recreate."""
    if conn.dialect.name != "sqlite":
        return []
    names = {
        row[0] for row in conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger')")
    }
    if SEARCH_TABLE not in names:
        return []
    missing = [name for name in SEARCH_TRIGGERS if name not in names]
    for name in missing:
        conn.exec_driver_sql(SEARCH_TRIGGERS[name])
    if missing:
        conn.exec_driver_sql("INSERT INTO event_search(event_search) VALUES ('rebuild')")
    return missing


# Search objects made by hand (FTS5 table and triggers, trigram index): autogenerate must leave them alone.
HAND_MADE_SEARCH_OBJECTS = (SEARCH_TABLE, "ix_event_search_text_trgm")


def include_in_autogenerate(name: str | None, type_: str, parent_names: object) -> bool:
    """alembic `include_name` hook: skip the hand-made search objects."""
    return not (name or "").startswith(HAND_MADE_SEARCH_OBJECTS)
