"""SQLite writers of one process take turns on their database file's lock (ticketapp.db): the next starts when
the last ends, and a transaction that ends any way (commit, rollback, error, closed session) gives the turn up."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, text
from sqlmodel import Session

from ticketapp.db import begin_write_locked, make_engine, upgrade_database


@pytest.fixture
def sqlite_url(tmp_path: Path, migrated_sqlite_template: Path) -> str:
    path = tmp_path / "turns.db"
    path.write_bytes(migrated_sqlite_template.read_bytes())
    return f"sqlite:///{path}"


def _writer_waits_for(engine_url: str, end_first: str) -> float:
    """Seconds a second writer waited while the first held the turn for 0.3 s, then ended by `end_first`."""
    engine = make_engine(engine_url)
    started = threading.Event()
    waited: list[float] = []
    begins: list[str] = []

    def count_begins(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement == "BEGIN IMMEDIATE":
            begins.append(statement)

    event.listen(engine, "before_cursor_execute", count_begins)
    # The second writer has an engine of its own (as each bench buyer does): the queue is the file's.
    other_engine = make_engine(engine_url)
    event.listen(other_engine, "before_cursor_execute", count_begins)

    def second() -> None:
        started.wait()
        with Session(other_engine) as other:
            begun = time.perf_counter()
            begin_write_locked(other)
            waited.append(time.perf_counter() - begun)
            other.exec(text("UPDATE venue SET name = name"))  # type: ignore[call-overload]
            other.commit()

    thread = threading.Thread(target=second)
    thread.start()
    first = Session(engine)
    begin_write_locked(first)
    started.set()
    time.sleep(0.3)
    # The second writer waits in the queue, not inside SQLite (where it would poll with sleeps).
    assert len(begins) == 1
    if end_first == "commit":
        first.commit()
    elif end_first == "rollback":
        first.rollback()
    elif end_first == "error":
        with pytest.raises(Exception, match="no such table"):
            first.exec(text("SELECT * FROM no_such_table"))  # type: ignore[call-overload]
        first.rollback()
    first.close()
    thread.join(timeout=10)
    engine.dispose()
    other_engine.dispose()
    assert waited, "the second writer never got its turn"
    assert len(begins) == 2
    return waited[0]


@pytest.mark.parametrize("end_first", ["commit", "rollback", "error", "close"])
def test_the_next_writer_starts_when_the_last_one_ends(sqlite_url: str, end_first: str) -> None:
    waited = _writer_waits_for(sqlite_url, end_first)
    assert 0.25 <= waited < 2.0  # waited for the first, and got in at once after it (no busy polling, no leak)


def test_readers_do_not_take_turns(sqlite_url: str) -> None:
    engine = make_engine(sqlite_url)
    with Session(engine) as writer, Session(engine) as reader:
        begin_write_locked(writer)
        begun = time.perf_counter()
        assert reader.exec(text("SELECT count(*) FROM venue")).one() == (0,)  # type: ignore[call-overload]
        assert time.perf_counter() - begun < 1.0
        writer.rollback()
    engine.dispose()


def test_upgrade_keeps_working_with_turns(sqlite_url: str) -> None:
    upgrade_database(sqlite_url)  # migrations and the search-index hook run through the same engine kind
