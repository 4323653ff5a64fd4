"""The database engine and sessions, shared by states, routes, jobs and the CLI."""

from __future__ import annotations

import asyncio
import os
import threading
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec, TypeVar

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session, create_engine

from ticketapp.settings import get_settings

if TYPE_CHECKING:
    from alembic.config import Config

P = ParamSpec("P")
T = TypeVar("T")


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets readers work while one writer commits; busy_timeout makes writers
    # queue instead of failing at once; foreign keys are off by default in SQLite.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


SQLITE_BEGIN_OPTION = "sqlite_begin"
# Writers of one process queue on a lock of their database file before BEGIN IMMEDIATE, so the next one
# starts the moment the last one ends, where SQLite's busy handler polls with sleeps of up to
# 100 ms (seconds of tail latency with 8 buyers). Other processes still meet busy_timeout.
_WRITER_TURN = "ticketapp_writer_turn"  # in the pooled connection's info while it holds the turn
_TURN_TIMEOUT_S = 30.0  # as busy_timeout: past it, SQLite's own wait decides


class _FairLock:
    """A lock handed to its waiters in arrival order (threading.Lock lets a releasing thread barge
    back in, which starved some writers for seconds with 8 buyers)."""

    def __init__(self) -> None:
        self._mutex = threading.Lock()
        self._waiters: deque[threading.Lock] = deque()
        self._held = False

    def acquire(self, timeout: float) -> bool:
        with self._mutex:
            if not self._held:
                self._held = True
                return True
            waiter = threading.Lock()
            waiter.acquire()
            self._waiters.append(waiter)
        if waiter.acquire(timeout=timeout):
            return True  # handed over by `release`
        with self._mutex:
            if waiter in self._waiters:
                self._waiters.remove(waiter)
                return False
            return True  # handed over just as the wait ran out

    def release(self) -> None:
        with self._mutex:
            if self._waiters:
                self._waiters.popleft().release()  # the turn passes on; the lock stays held
            else:
                self._held = False


_TURN_LOCKS: dict[str, _FairLock] = {}  # one queue per database file, whichever engine of this process writes
_TURN_LOCKS_GUARD = threading.Lock()


class _WriterTurns:
    """The queue of this process's writers to one SQLite file (see `begin`)."""

    def __init__(self, database: str) -> None:
        key = database if database in ("", ":memory:") else os.path.realpath(database)
        with _TURN_LOCKS_GUARD:
            self.lock = _TURN_LOCKS.setdefault(key, _FairLock()) if key not in ("", ":memory:") else _FairLock()

    def begin(self, conn: Any) -> None:
        """Open a writer transaction up front when asked (`begin_write_locked`).

        Other transactions keep pysqlite's usual start: reads run outside a
        transaction and a deferred BEGIN comes just before the first write, which
        then waits on the busy timeout for other writers. A transaction that must
        check then write scarce data asks for IMMEDIATE instead, so writers queue
        one at a time before reading — SQLite's equivalent of PostgreSQL's row lock.
        (Starting every transaction with an explicit deferred BEGIN would make
        read-then-write transactions fail with "database is locked" under load,
        because a reader cannot upgrade once another writer committed.)
        """
        if conn.get_execution_options().get(SQLITE_BEGIN_OPTION) != "IMMEDIATE":
            return
        if self.lock.acquire(timeout=_TURN_TIMEOUT_S):
            conn.connection.info[_WRITER_TURN] = True
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    def end(self, conn: Any) -> None:
        """After a commit or rollback: the next writer's turn."""
        try:
            info = conn.connection.info
        except Exception:  # noqa: BLE001  (an invalidated connection: its check-in releases the turn)
            return
        self._release(info)

    def returned(self, _dbapi_connection: Any, record: Any) -> None:
        """A connection went back to the pool (closed, invalidated): it never keeps the turn."""
        self._release(record.info)

    def _release(self, info: dict[Any, Any]) -> None:
        if info.pop(_WRITER_TURN, None):
            self.lock.release()


def make_engine(url: str) -> Engine:
    """Build an engine with the settings this app relies on for `url`."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        turns = _WriterTurns(engine.url.database or "")
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", turns.begin)
        event.listen(engine, "commit", turns.end)
        event.listen(engine, "rollback", turns.end)
        event.listen(engine.pool, "checkin", turns.returned)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)


def begin_write_locked(session: Session) -> None:
    """Open `session`'s transaction as a writer that excludes other writers on SQLite.

    Call it before the first statement of a transaction that checks then writes
    scarce data. Any open transaction of the session is committed first, because
    the BEGIN mode can only be chosen when a transaction starts. On PostgreSQL
    this is a normal transaction; callers lock rows with `SELECT … FOR UPDATE`.
    """
    if session.in_transaction():
        session.commit()
    session.connection(execution_options={SQLITE_BEGIN_OPTION: "IMMEDIATE"})


@lru_cache(maxsize=1)
def get_engine() -> Engine:
    return make_engine(get_settings().database_url)


@contextmanager
def session_scope() -> Iterator[Session]:
    """A session that is closed on exit; callers commit explicitly."""
    with Session(get_engine(), expire_on_commit=False) as session:
        yield session


async def run_db(block: Callable[Concatenate[Session, P], T], *args: P.args, **kwargs: P.kwargs) -> T:
    """`block(session, *args)` in a worker thread with a session of its own, awaited.

    For async code (Reflex handlers): a database block or an argon2 check on the
    event loop would stall every other browser served by this worker meanwhile.
    """

    def in_session() -> T:
        with session_scope() as session:
            return block(session, *args, **kwargs)

    return await asyncio.to_thread(in_session)


def alembic_config(url: str | None = None) -> Config:
    from alembic.config import Config

    from ticketapp.settings import PROJECT_DIR

    config = Config(str(PROJECT_DIR / "alembic.ini"))
    config.set_main_option("script_location", str(PROJECT_DIR / "alembic"))
    if url:
        config.attributes["database_url"] = url
    return config


def upgrade_database(url: str | None = None) -> None:
    """Apply every alembic migration to `url` (default: the configured database)."""
    from alembic import command
    from ticketapp.models.search_index import ensure_sqlite_search_index

    command.upgrade(alembic_config(url), "head")
    engine = make_engine(url or get_settings().database_url)
    with engine.begin() as conn:
        ensure_sqlite_search_index(conn)  # SQLite loses triggers when a migration rebuilds `event`
    engine.dispose()
