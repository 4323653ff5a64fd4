"""Backups and restores of the whole installation (`python -m ticketapp backup|restore`).

The database goes into the archive as a *logical* dump: every table of the models, row by
row, as typed JSON lines, read from one consistent snapshot —

- SQLite: the online backup API copies the live file page by page into a private snapshot
  (writers are never blocked for long), and the dump is read from the snapshot;
- PostgreSQL: one `REPEATABLE READ, READ ONLY` transaction (the same MVCC snapshot `pg_dump` uses).

Why not `pg_dump`/the SQLite file itself: one format restores into either database (SQLite →
PostgreSQL is the documented scale path, and the restore drill proves it), the restore goes
through the same alembic schema at the archive's revision (then upgrades to head), and no
client binary has to match the server's major version. The cost is speed on very large
databases; at this app's scale (10⁵ rows) a dump takes seconds.

Files (event images, support attachments) and the secrets (SECRET_KEY, the ticket signing key)
are included only with a passphrase, encrypted (services.ops.archive).
"""

from __future__ import annotations

import base64
import gzip
import io
import json
import os
import re
import sqlite3
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any

from babel.dates import format_timedelta
from babel.numbers import format_decimal
from sqlalchemy import Table, func, inspect, select, text
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.types import TypeDecorator
from sqlmodel import Session, SQLModel

import ticketapp.models  # noqa: F401  (registers every table on SQLModel.metadata)
from ticketapp.db import alembic_config, make_engine
from ticketapp.i18n import msgid, translate
from ticketapp.models import utcnow
from ticketapp.services.ops import archive
from ticketapp.services.ops.archive import ArchiveError
from ticketapp.services.shared.dates import format_event_datetime
from ticketapp.services.shared.heartbeat import last_heartbeat, record_heartbeat
from ticketapp.services.shared.money import BABEL_LOCALES
from ticketapp.settings import Settings, get_settings

BACKUP_JOB = "backup"  # JobHeartbeat row written after each verified backup (read by /api/health)
NAME_PATTERN = re.compile(r"^ticketapp-backup-(\d{8}T\d{6}Z)(?:-[0-9a-f]{4})?\.tar$")
INSERT_CHUNK = 500
KEEP_DAILY, KEEP_WEEKLY = 7, 4
SIZE_MB = msgid("{size} MB")


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size: int
    seconds: float
    rows: int
    files: int


@dataclass(frozen=True)
class RestoreResult:
    rows: int
    files: int
    revision: str


@dataclass(frozen=True)
class BackupInfo:
    """One archive in the backup folder, for the admin list."""

    name: str
    size: int
    created_at: datetime


def tables() -> list[Table]:
    """The app's tables, parents before children (the order rows are restored in)."""
    return list(SQLModel.metadata.sorted_tables)


# --- values ---------------------------------------------------------------------------------------


def _python_type(column: Any) -> type | None:
    kind = column.type.impl if isinstance(column.type, TypeDecorator) else column.type
    try:
        found = kind.python_type
    except NotImplementedError:
        return None
    return found if isinstance(found, type) else None


def encode_value(value: Any) -> Any:
    """A column value as JSON: datetimes as ISO 8601 (UTC), bytes as base64, enums by name."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat() if value.tzinfo else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Enum):
        return value.name
    return value


def _decoder(column: Any) -> Callable[[Any], Any]:
    kind = _python_type(column)
    if kind is datetime:
        return datetime.fromisoformat
    if kind is date:
        return date.fromisoformat
    if kind is bytes:
        return base64.b64decode
    if kind is Decimal:
        return Decimal
    return lambda value: value


def table_rows(conn: Connection, table: Table) -> Iterator[list[Any]]:
    """Every row of `table`, encoded, in primary-key order (the drill compares these)."""
    order = list(table.primary_key.columns) or list(table.columns)
    for row in conn.execute(select(table).order_by(*order)):
        yield [encode_value(value) for value in row]


# --- snapshot and dump -----------------------------------------------------------------------------


def current_revision(conn: Connection) -> str:
    if not inspect(conn).has_table("alembic_version"):
        return ""
    return str(conn.execute(text("SELECT version_num FROM alembic_version")).scalar() or "")


@contextmanager
def _snapshot(url: str) -> Iterator[Connection]:
    """A connection that sees one consistent state of the database for its whole life."""
    if url.startswith("sqlite"):
        source_path = make_url(url).database
        with tempfile.TemporaryDirectory(prefix="ticketapp-snapshot-") as folder:
            copy = Path(folder) / "snapshot.db"
            source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True, timeout=30)
            target = sqlite3.connect(copy)
            try:
                source.backup(target, pages=1024)  # online backup API: copies while others keep writing
            finally:
                target.close()
                source.close()
            engine = make_engine(f"sqlite:///{copy}")
            try:
                with engine.connect() as conn:
                    yield conn
            finally:
                engine.dispose()
        return
    engine = make_engine(url)
    try:
        with engine.connect().execution_options(isolation_level="REPEATABLE READ") as conn, conn.begin():
            conn.execute(text("SET TRANSACTION READ ONLY"))
            yield conn
    finally:
        engine.dispose()


def dump_database(conn: Connection) -> tuple[bytes, dict[str, int]]:
    """The gzip'd JSON-lines dump: per table a header line, then one line per row."""
    counts: dict[str, int] = {}
    raw = io.BytesIO()
    with gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=6, mtime=0) as out:
        for table in tables():
            out.write(json.dumps({"table": table.name, "columns": [c.name for c in table.columns]}).encode() + b"\n")
            count = 0
            for row in table_rows(conn, table):
                out.write(json.dumps(row, separators=(",", ":"), ensure_ascii=False).encode() + b"\n")
                count += 1
            counts[table.name] = count
    return raw.getvalue(), counts


def _read_dump(data: bytes) -> Iterator[tuple[str, list[str], list[list[Any]]]]:
    """(table, columns, up to INSERT_CHUNK rows) batches, streamed from a dump (never all rows in memory)."""
    name, columns, rows = "", [], []  # type: tuple[str, list[str], list[list[Any]]]
    with gzip.GzipFile(fileobj=io.BytesIO(data)) as stream:
        for line in stream:
            item = json.loads(line)
            if isinstance(item, dict):
                if name:
                    yield name, columns, rows
                name, columns, rows = item["table"], item["columns"], []
                continue
            rows.append(item)
            if len(rows) >= INSERT_CHUNK:
                yield name, columns, rows
                rows = []
    if name:
        yield name, columns, rows


# --- files and secrets --------------------------------------------------------------------------------


def _file_roots(settings: Settings) -> dict[str, Path]:
    """Archive prefix → folder of the files a backup with a passphrase carries."""
    return {
        "media": settings.media_dir or settings.data_dir / "media",
        "support-attachments": settings.data_dir / "support-attachments",
    }


def collect_files(settings: Settings) -> dict[str, bytes]:
    """`prefix/relative path → bytes` of every stored file (media, attachments)."""
    entries: dict[str, bytes] = {}
    for prefix, root in _file_roots(settings).items():
        if root.is_dir():
            for path in sorted(root.rglob("*")):
                if path.is_file() and not path.name.startswith("."):
                    entries[f"{prefix}/{path.relative_to(root).as_posix()}"] = path.read_bytes()
    return entries


def _collect_secrets(settings: Settings) -> dict[str, bytes]:
    from ticketapp.services.tickets.tokens import load_signing_key

    key = load_signing_key(settings)
    return {
        "secrets/secret_key": settings.secret_key.encode(),
        "secrets/ticket_signing_key.pem": key.as_pem(private=True),
    }


# --- backup -------------------------------------------------------------------------------------------


def backup_dir(settings: Settings | None = None) -> Path:
    settings = settings or get_settings()
    folder = settings.backup_dir or settings.data_dir / "backups"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _archive_name(now: datetime, folder: Path) -> Path:
    path = folder / f"{archive.PREFIX}{now.strftime('%Y%m%dT%H%M%SZ')}{archive.SUFFIX}"
    if path.exists():  # two backups in one second: a short random suffix keeps both
        path = path.with_name(f"{path.stem}-{os.urandom(2).hex()}{archive.SUFFIX}")
    return path


def create_backup(
    *,
    passphrase: str = "",
    settings: Settings | None = None,
    folder: Path | None = None,
    now: datetime | None = None,
) -> BackupResult:
    """Write one verified archive of the database (and, with a passphrase, of files and secrets)."""
    settings = settings or get_settings()
    started = time.perf_counter()
    now = now or utcnow()
    with _snapshot(settings.database_url) as conn:
        revision = current_revision(conn)
        if not revision:
            raise ArchiveError("The database has no schema yet: nothing to back up (run `migrate` first).")
        dump, counts = dump_database(conn)
        dialect = conn.dialect.name
    members = {archive.DATABASE: dump}
    manifest: dict[str, Any] = {
        "created_at": now.isoformat(),
        "revision": revision,
        "source_dialect": dialect,
        "tables": counts,
        "files": 0,
    }
    if passphrase:
        files = collect_files(settings)
        blob, params = archive.encrypt(archive.pack_files(files | _collect_secrets(settings)), passphrase)
        members[archive.PRIVATE] = blob
        manifest.update(files=len(files), private=params)
    if folder is not None:
        folder.mkdir(parents=True, exist_ok=True)
    path = _archive_name(now, folder or backup_dir(settings))
    archive.write_archive(path, manifest, members)
    try:
        archive.read_archive(path)  # read back and verify before calling it good
    except ArchiveError:
        path.unlink(missing_ok=True)  # a bad archive is never left to be mistaken for a backup
        raise
    return BackupResult(
        path, path.stat().st_size, time.perf_counter() - started, sum(counts.values()), manifest["files"]
    )


def record_good_backup(session: Session, result: BackupResult) -> None:
    """Remember the last good backup (for /api/health and the alert on its age)."""
    record_heartbeat(session, BACKUP_JOB, now=utcnow())


def last_backup_age_s(session: Session, now: datetime | None = None) -> float | None:
    moment = last_heartbeat(session, BACKUP_JOB)
    return None if moment is None else ((now or utcnow()) - moment).total_seconds()


# --- listing and retention ----------------------------------------------------------------------------


def _created(name: str) -> datetime | None:
    match = NAME_PATTERN.match(name)
    return datetime.strptime(match.group(1), "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC) if match else None


def list_backups(folder: Path | None = None) -> list[BackupInfo]:
    """The archives in the backup folder, newest first."""
    folder = folder or backup_dir()
    found = []
    for path in folder.glob(f"{archive.PREFIX}*{archive.SUFFIX}"):
        created = _created(path.name)
        if created is not None and path.is_file():
            found.append(BackupInfo(path.name, path.stat().st_size, created))
    return sorted(found, key=lambda info: info.created_at, reverse=True)


def to_keep(backups: list[BackupInfo], daily: int = KEEP_DAILY, weekly: int = KEEP_WEEKLY) -> set[str]:
    """Names kept: the newest archive of each of the last `daily` days and of the last `weekly` ISO weeks."""
    keep: set[str] = set()
    days: set[date] = set()
    weeks: set[tuple[int, int]] = set()
    for info in sorted(backups, key=lambda item: item.created_at, reverse=True):
        day, week = info.created_at.date(), info.created_at.isocalendar()[:2]
        if day not in days and len(days) < daily:
            days.add(day)
            keep.add(info.name)
        if week not in weeks and len(weeks) < weekly:
            weeks.add(week)
            keep.add(info.name)
    return keep


def prune_backups(folder: Path | None = None) -> list[str]:
    """Delete the archives the retention rule does not keep; returns their names."""
    folder = folder or backup_dir()
    backups = list_backups(folder)
    keep = to_keep(backups)
    removed = [info.name for info in backups if info.name not in keep]
    for name in removed:
        (folder / name).unlink(missing_ok=True)
    return removed


# --- restore ------------------------------------------------------------------------------------------


def _known_revision(revision: str) -> bool:
    from alembic.script import ScriptDirectory

    try:
        return ScriptDirectory.from_config(alembic_config()).get_revision(revision) is not None
    except Exception:  # noqa: BLE001  (alembic raises several kinds for an unknown id)
        return False


def row_count(engine: Engine) -> int:
    """Rows in the app's tables (0 = an empty database a restore may fill)."""
    names = set(inspect(engine).get_table_names())
    with engine.connect() as conn:
        return sum(
            int(conn.execute(select(func.count()).select_from(table)).scalar() or 0)
            for table in tables()
            if table.name in names
        )


def _clear(conn: Connection) -> None:
    for table in reversed(tables()):
        conn.execute(table.delete())


def _reset_sequences(conn: Connection) -> None:
    """PostgreSQL: move each id sequence past the restored ids (rows were inserted with their ids)."""
    if conn.dialect.name != "postgresql":
        return
    for table in tables():
        for column in table.primary_key.columns:
            if column.autoincrement is True or (column.autoincrement == "auto" and _python_type(column) is int):
                sequence = conn.execute(
                    text("SELECT pg_get_serial_sequence(:t, :c)"), {"t": table.name, "c": column.name}
                ).scalar()
                if sequence:
                    highest = conn.execute(select(func.max(column))).scalar() or 0
                    conn.execute(text("SELECT setval(:s, :v, false)"), {"s": sequence, "v": int(highest) + 1})


def _load(conn: Connection, dump: bytes) -> int:
    by_name = {table.name: table for table in tables()}
    total = 0
    for name, columns, rows in _read_dump(dump):
        table = by_name.get(name)
        unknown = [column for column in columns if table is not None and column not in table.columns]
        if table is None or unknown:
            raise ArchiveError(f"The archive holds a table or column this version does not know: {name} {unknown}.")
        if not rows:
            continue
        decoders = [_decoder(table.columns[column]) for column in columns]
        batch = [
            {
                column: (None if value is None else decode(value))
                for column, decode, value in zip(columns, decoders, row, strict=True)
            }
            for row in rows
        ]
        conn.execute(table.insert(), batch)
        total += len(rows)
    return total


def _restore_files(entries: dict[str, bytes], settings: Settings) -> int:
    roots = _file_roots(settings)
    restored = 0
    for name, data in entries.items():
        prefix, _, relative = name.partition("/")
        if prefix == "secrets":
            continue
        root = roots.get(prefix)
        if root is None or not relative:
            raise ArchiveError(f"The archive's files hold an unexpected entry {name!r}.")
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        restored += 1
    secret_files = {"secrets/secret_key": "secret_key", "secrets/ticket_signing_key.pem": "ticket_signing_key.pem"}
    for name, filename in secret_files.items():
        if name in entries:
            settings.data_dir.mkdir(parents=True, exist_ok=True)
            path = settings.data_dir / filename
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "wb") as fh:
                fh.write(entries[name])
    return restored


def restore_backup(
    path: Path,
    *,
    passphrase: str = "",
    database_only: bool = False,
    force: bool = False,
    settings: Settings | None = None,
) -> RestoreResult:
    """Restore `path` into the configured database (empty, or emptied with `force`), then its files.

    Everything that can be checked is checked before the database is touched: the archive's
    checksums and identity, the schema revision, the passphrase, the target's emptiness.
    """
    settings = settings or get_settings()
    from alembic import command
    from ticketapp.db import upgrade_database

    found = archive.read_archive(path)
    revision = str(found.manifest.get("revision", ""))
    if not _known_revision(revision):
        raise ArchiveError(f"The archive's schema revision {revision!r} is unknown to this version of Ticketapp.")
    entries: dict[str, bytes] = {}
    if found.has_private and not database_only:
        if not passphrase:
            raise ArchiveError(
                "The archive holds encrypted files and secrets: give the passphrase (or --database-only)."
            )
        entries = archive.unpack_files(
            archive.decrypt(found.members[archive.PRIVATE], passphrase, found.manifest["private"])
        )
    if settings.is_sqlite and make_url(settings.database_url).database:
        Path(make_url(settings.database_url).database or "").parent.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.database_url)
    try:
        existing = row_count(engine)
        if existing and not force:
            raise ArchiveError(
                f"The target database is not empty ({existing} rows): restore into an empty database, "
                "or use --force to replace its content."
            )
        with engine.connect() as conn:
            at = current_revision(conn)
        if at and at != revision:
            raise ArchiveError(
                f"The target database is at schema revision {at}, the archive at {revision}: "
                "restore into a new, empty database (the app's schema is upgraded after the restore)."
            )
        command.upgrade(alembic_config(settings.database_url), revision)
        with engine.begin() as conn:
            if force:
                _clear(conn)
            rows = _load(conn, found.members[archive.DATABASE])
            _reset_sequences(conn)
    finally:
        engine.dispose()
    upgrade_database(settings.database_url)  # from the archive's revision to this version's head
    files = _restore_files(entries, settings) if entries else 0
    return RestoreResult(rows, files, revision)


def backup_rows(backups: list[BackupInfo], locale: str, now: datetime | None = None) -> list[dict[str, str]]:
    """The admin list: name, size and age in the visitor's language (babel), newest first."""
    babel_locale = BABEL_LOCALES.get(locale, locale)
    now = now or utcnow()
    return [
        {
            "name": info.name,
            "created": format_event_datetime(info.created_at, "UTC", locale),
            "size": translate(
                locale, SIZE_MB, size=format_decimal(info.size / 1_000_000, "#,##0.00", locale=babel_locale)
            ),
            "age": format_timedelta(now - info.created_at, locale=babel_locale),
        }
        for info in backups
    ]


def age_text(seconds: float, locale: str) -> str:
    """'3 hours' / '3 heures': an age in the visitor's language."""
    return format_timedelta(timedelta(seconds=seconds), locale=BABEL_LOCALES.get(locale, locale))
