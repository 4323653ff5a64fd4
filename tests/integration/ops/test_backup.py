"""Backups: the command line, refusals that change nothing, retention, the daily job and the health field."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import inspect
from sqlmodel import Session
from starlette.responses import PlainTextResponse
from starlette.testclient import TestClient

from tests.conftest import DATABASES, PG_HOST, PG_PORT, create_postgres_database, drop_postgres_database
from tests.factories import make_event, make_order, make_user
from ticketapp import db as db_module
from ticketapp.db import make_engine, upgrade_database
from ticketapp.services.ops import archive
from ticketapp.services.ops.archive import ArchiveError
from ticketapp.services.ops.backup import (
    BACKUP_JOB,
    BackupInfo,
    create_backup,
    list_backups,
    prune_backups,
    restore_backup,
    row_count,
    to_keep,
)
from ticketapp.services.shared.heartbeat import record_heartbeat
from ticketapp.settings import Settings, get_settings

PROJECT_DIR = Path(__file__).resolve().parents[3]
PASSPHRASE = "correct horse battery staple"


def _point(monkeypatch: pytest.MonkeyPatch, data_dir: Path, url: str) -> Settings:
    from ticketapp.services.tickets import tokens

    monkeypatch.setenv("DATA_DIR", str(data_dir))
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.delenv("BACKUP_DIR", raising=False)
    get_settings.cache_clear()
    db_module.get_engine.cache_clear()
    tokens.get_signing_key.cache_clear()
    return get_settings()


@pytest.fixture
def source(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    """A small installation on SQLite with an event, a user and an uploaded file."""
    url = f"sqlite:///{tmp_path / 'src.db'}"
    settings = _point(monkeypatch, tmp_path / "src-data", url)
    upgrade_database(url)
    engine = make_engine(url)
    with Session(engine) as session:
        make_event(session)
        make_user(session, "ada@example.com")
    engine.dispose()
    (settings.data_dir / "media").mkdir(parents=True, exist_ok=True)
    (settings.data_dir / "media" / "poster.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"x" * 64)
    yield settings
    get_settings.cache_clear()
    db_module.get_engine.cache_clear()


def _target(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str = "dst") -> Settings:
    return _point(monkeypatch, tmp_path / f"{name}-data", f"sqlite:///{tmp_path / f'{name}.db'}")


def _state(settings: Settings) -> tuple[list[str], int]:
    """(tables, rows) of a database: what a refused restore must leave as it was."""
    engine = make_engine(settings.database_url)
    try:
        return sorted(inspect(engine).get_table_names()), row_count(engine)
    finally:
        engine.dispose()


def test_archive_names_its_format_and_checksums_every_member(source: Settings, tmp_path: Path) -> None:
    result = create_backup(passphrase=PASSPHRASE, settings=source)
    assert result.path.parent == source.data_dir / "backups" and result.path.stat().st_mode & 0o777 == 0o600
    found = archive.read_archive(result.path)
    assert found.manifest["format"] == "ticketapp-backup" and found.manifest["app"] == "ticketapp"
    assert found.manifest["revision"] and found.manifest["tables"]["user_account"] == 1
    assert set(found.members) == {archive.DATABASE, archive.PRIVATE}
    assert b"ada@example.com" not in found.members[archive.PRIVATE]  # the private part is encrypted
    assert result.files == 1 and result.rows >= 4


@pytest.mark.parametrize("damage", ["flip a byte", "truncate", "foreign tar", "other app", "not a tar", "newer format"])
def test_a_corrupt_or_foreign_archive_is_refused_and_nothing_changes(
    damage: str, source: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    good = create_backup(settings=source).path
    data = good.read_bytes()
    bad = tmp_path / "bad.tar"
    if damage == "flip a byte":
        middle = data.index(b"\x1f\x8b") + 40  # inside the compressed dump
        bad.write_bytes(data[:middle] + bytes([data[middle] ^ 0x01]) + data[middle + 1 :])
    elif damage == "truncate":
        bad.write_bytes(data[: data.index(b"\x1f\x8b") + 100])  # cut inside the dump
    elif damage in ("foreign tar", "other app", "newer format"):
        manifest = {"format": "ticketapp-backup", "app": "ticketapp", "format_version": 99, "members": {}}
        if damage == "other app":
            manifest["app"], manifest["format_version"] = "shopapp", 1
        body = json.dumps(manifest).encode()
        entries = {"notes.txt": b"hello"} if damage == "foreign tar" else {"manifest.json": body}
        if damage != "foreign tar":
            entries["manifest.sha256"] = archive.sha256(body).encode()
        with tarfile.open(bad, "w") as tar:
            for name, content in entries.items():
                info = tarfile.TarInfo(name)
                info.size = len(content)
                tar.addfile(info, io.BytesIO(content))
    else:
        bad.write_bytes(b"PK\x03\x04 a zip file, not ours")
    target = _target(tmp_path, monkeypatch)
    before = _state(target)
    with pytest.raises(ArchiveError) as refused:
        restore_backup(bad, settings=target)
    expected = {
        "flip a byte": "corrupt",
        "truncate": "not a readable backup",
        "foreign tar": "not a Ticketapp backup",
        "other app": "not a Ticketapp backup",
        "not a tar": "not a readable backup",
        "newer format": "format version 99",
    }[damage]
    assert expected in str(refused.value)
    assert _state(target) == before == ([], 0)


def test_a_non_empty_database_is_refused_unless_forced(
    source: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = create_backup(passphrase=PASSPHRASE, settings=source).path
    target = _target(tmp_path, monkeypatch)
    restore_backup(path, passphrase=PASSPHRASE, settings=target)
    engine = make_engine(target.database_url)
    with Session(engine) as session:
        make_user(session, "newcomer@example.com")
    engine.dispose()
    before = _state(target)
    with pytest.raises(ArchiveError, match="not empty"):
        restore_backup(path, passphrase=PASSPHRASE, settings=target)
    assert _state(target) == before
    assert restore_backup(path, passphrase=PASSPHRASE, settings=target, force=True).rows == before[1] - 1
    assert _state(target)[1] == before[1] - 1  # the newcomer is gone: the archive's content replaced it


def test_encrypted_part_needs_the_right_passphrase(
    source: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = create_backup(passphrase=PASSPHRASE, settings=source).path
    target = _target(tmp_path, monkeypatch)
    with pytest.raises(ArchiveError, match="Wrong passphrase"):
        restore_backup(path, passphrase="not it", settings=target)
    with pytest.raises(ArchiveError, match="give the passphrase"):
        restore_backup(path, settings=target)
    assert _state(target) == ([], 0) and not (target.data_dir / "media").exists()
    result = restore_backup(path, database_only=True, settings=target)
    assert result.files == 0 and result.rows > 0 and not (target.data_dir / "media").exists()
    assert (target.data_dir / "secret_key").read_text() != source.secret_key  # its own, not the archive's


def test_cli_backup_then_restore_and_its_refusal(source: Settings, tmp_path: Path) -> None:
    env = {**os.environ, "DATA_DIR": str(source.data_dir), "DATABASE_URL": source.database_url}
    env["BACKUP_PASSPHRASE"] = PASSPHRASE

    def run(*args: str, **extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "ticketapp", *args],
            cwd=PROJECT_DIR,
            env=env | extra,
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
        )

    made = run("backup", "--with-files")
    assert made.returncode == 0, made.stderr
    assert "Backup written" in made.stdout and "1 files" in made.stdout
    [path] = (source.data_dir / "backups").glob("ticketapp-backup-*.tar")
    target_env = {"DATA_DIR": str(tmp_path / "cli-dst"), "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}"}
    restored = run("restore", str(path), **target_env)
    assert restored.returncode == 0, restored.stderr
    assert "Restored" in restored.stdout and "1 files" in restored.stdout
    assert (tmp_path / "cli-dst" / "media" / "poster.png").read_bytes().startswith(b"\x89PNG")
    again = run("restore", str(path), **target_env)
    assert again.returncode == 1 and "Restore refused" in again.stderr and "not empty" in again.stderr
    missing = run("restore", str(tmp_path / "nothing.tar"), **target_env)
    assert missing.returncode == 1 and "not a readable backup" in missing.stderr


def _info(moment: datetime, suffix: str = "") -> BackupInfo:
    return BackupInfo(f"ticketapp-backup-{moment.strftime('%Y%m%dT%H%M%SZ')}{suffix}.tar", 1, moment)


def test_retention_keeps_seven_daily_and_four_weekly() -> None:
    start = datetime(2026, 9, 1, 3, 15, tzinfo=UTC)  # a Tuesday
    backups = [_info(start + timedelta(days=n)) for n in range(60)]
    backups.append(_info(start + timedelta(days=59, hours=2)))  # a second, manual one on the last day
    keep = to_keep(backups)
    newest = start + timedelta(days=59, hours=2)
    daily = {_info(newest).name} | {_info(start + timedelta(days=n)).name for n in range(53, 59)}
    assert daily <= keep
    weekly = keep - daily
    assert len(weekly) == 2  # the last 4 ISO weeks: 2 are already covered by the daily ones
    assert len(keep) == 9 and _info(start + timedelta(days=59)).name not in keep


def test_prune_deletes_only_what_retention_drops(tmp_path: Path) -> None:
    start = datetime(2026, 9, 1, 3, 15, tzinfo=UTC)
    for n in range(40):
        (tmp_path / _info(start + timedelta(days=n)).name).write_bytes(b"x")
    (tmp_path / "notes.txt").write_text("kept: not an archive")
    removed = prune_backups(tmp_path)
    assert len(removed) == 40 - len(list_backups(tmp_path)) and len(list_backups(tmp_path)) == 9
    assert (tmp_path / "notes.txt").exists()


def test_daily_job_backs_up_records_and_prunes(source: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    from ticketapp import tasks

    folder = source.data_dir / "backups"
    folder.mkdir(parents=True, exist_ok=True)
    old = [folder / _info(datetime(2020, 1, 6, 3, 15, tzinfo=UTC) + timedelta(weeks=n)).name for n in range(10)]
    for path in old:
        path.write_bytes(b"old")  # ten weekly archives of 2020
    for n in range(1, 8):
        create_backup(settings=source, now=datetime.now(UTC) - timedelta(days=n))
    made = Path(tasks.daily_backup.call_local())
    assert made.exists() and not old[0].exists() and not old[5].exists()
    left = list_backups(folder)
    assert len(left) == len(to_keep(left)) and len([p for p in old if p.exists()]) <= 2
    engine = make_engine(source.database_url)
    with Session(engine) as session:
        from ticketapp.services.ops.backup import last_backup_age_s

        age = last_backup_age_s(session)
        assert age is not None and age < 60
    engine.dispose()


def test_health_reports_a_stale_backup(source: Settings) -> None:
    from ticketapp.api.routes import with_api_routes

    async def reflex_stand_in(scope, receive, send) -> None:  # type: ignore[no-untyped-def]
        await PlainTextResponse("reflex")(scope, receive, send)

    client = TestClient(with_api_routes(reflex_stand_in))
    body = client.get("/api/health").json()
    assert body["backup_age_s"] is None and body["backup_stale"] is True
    engine = make_engine(source.database_url)
    with Session(engine) as session:
        record_heartbeat(session, BACKUP_JOB, now=datetime.now(UTC) - timedelta(hours=27))
    body = client.get("/api/health").json()
    assert body["backup_age_s"] > 26 * 3600 and body["backup_stale"] is True
    with Session(engine) as session:
        record_heartbeat(session, BACKUP_JOB)
    engine.dispose()
    response = client.get("/api/health")
    assert response.status_code == 200 and response.json()["backup_stale"] is False


@pytest.mark.parametrize("source_db", DATABASES)
def test_backup_during_writes_is_one_consistent_moment(
    source_db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, migrated_sqlite_template: Path
) -> None:
    """Orders and their items are written in one transaction each, all through the backup: the
    archive holds whole orders only (as many items as orders), on SQLite and on PostgreSQL."""
    if source_db == "sqlite":
        url = f"sqlite:///{tmp_path / 'busy.db'}"
        shutil.copy(migrated_sqlite_template, tmp_path / "busy.db")
        pg_name = ""
    else:
        pg_name = create_postgres_database()
        url = f"postgresql+psycopg://postgres@{PG_HOST}:{PG_PORT}/{pg_name}"
        upgrade_database(url)
    settings = _point(monkeypatch, tmp_path / "busy-data", url)
    engine = make_engine(url)
    try:
        with Session(engine, expire_on_commit=False) as session:
            _, ticket_type = make_event(session, capacity=100_000)
        stop = threading.Event()
        written = []

        def writer() -> None:
            with Session(engine) as session:
                while not stop.is_set():
                    make_order(session, [(ticket_type, 1)])  # order + item, one commit
                    written.append(1)

        thread = threading.Thread(target=writer)
        thread.start()
        try:
            while len(written) < 20 and thread.is_alive():
                time.sleep(0.01)  # a condition wait: until the writer has committed some orders
            assert thread.is_alive(), "the writer stopped"
            archives = [create_backup(settings=settings) for _ in range(3)]
        finally:
            stop.set()
            thread.join()
        for result in archives:
            counts = archive.read_archive(result.path).manifest["tables"]
            assert counts["ticket_order"] == counts["orderitem"] > 0
        last = archive.read_archive(archives[-1].path).manifest["tables"]["ticket_order"]
        assert last < len(written) + 1
        target = _target(tmp_path, monkeypatch, "busy-restored")
        assert restore_backup(archives[-1].path, settings=target).rows > 0  # foreign keys hold
    finally:
        engine.dispose()
        if pg_name:
            drop_postgres_database(pg_name)


def test_admin_list_speaks_french() -> None:
    from ticketapp.i18n import translate
    from ticketapp.services.ops.backup import age_text, backup_rows
    from ticketapp.state.admin.backups import LAST_BACKUP

    now = datetime(2026, 12, 2, 6, 15, tzinfo=UTC)
    [row] = backup_rows(
        [BackupInfo("ticketapp-backup-20261202T031500Z.tar", 1_234_567, now - timedelta(hours=3))], "fr", now
    )
    assert row["size"] == "1,23 Mo" and row["age"] == "3\N{NO-BREAK SPACE}heures"
    assert (
        translate("fr", LAST_BACKUP, age=age_text(3 * 3600, "fr"))
        == "Dernière sauvegarde vérifiée : il y a 3\N{NO-BREAK SPACE}heures."
    )
    [english] = backup_rows([BackupInfo("x.tar", 1_234_567, now - timedelta(hours=3))], "en", now)
    assert english["size"] == "1.23 MB" and english["age"] == "3 hours"


def test_the_daily_backup_is_scheduled_once_a_day_at_0315() -> None:
    from ticketapp import tasks

    [job] = [t for t in tasks.huey._registry.periodic_tasks if t.name.endswith("daily_backup")]
    day = datetime(2027, 1, 1)
    runs = [day + timedelta(minutes=m) for m in range(24 * 60) if job.validate_datetime(day + timedelta(minutes=m))]
    assert runs == [datetime(2027, 1, 1, 3, 15)]


def test_a_disk_that_fills_up_leaves_no_half_archive(source: Settings) -> None:
    """The backup process may write at most 2 MB per file (RLIMIT_FSIZE, as a full disk would stop
    it): the database snapshot fits, the archive with a 4 MB file does not — no archive, no leftover."""
    import resource
    import signal

    (source.data_dir / "media" / "big.png").write_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(4_000_000))

    def small_disk() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a too-large write fails (EFBIG) instead of killing
        resource.setrlimit(resource.RLIMIT_FSIZE, (2_000_000, 2_000_000))

    env = {**os.environ, "DATA_DIR": str(source.data_dir), "DATABASE_URL": source.database_url}
    made = subprocess.run(
        [sys.executable, "-m", "ticketapp", "backup", "--with-files"],
        cwd=PROJECT_DIR,
        env=env | {"BACKUP_PASSPHRASE": PASSPHRASE},
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        preexec_fn=small_disk,
    )
    assert made.returncode == 1 and "Backup failed" in made.stderr, made.stderr
    assert list((source.data_dir / "backups").iterdir()) == []
