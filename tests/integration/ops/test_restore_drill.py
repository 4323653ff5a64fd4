"""Restore drill (issue 14, item 4): seed many orders, tickets, chats and users; back up; wipe;
restore; compare every row of every table and every file — SQLite → SQLite, and SQLite →
PostgreSQL when a server answers on 127.0.0.1:5432.
"""

from __future__ import annotations

import hashlib
import io
import random
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image
from sqlmodel import Session, select

from tests.conftest import DATABASES, PG_HOST, PG_PORT, create_postgres_database, drop_postgres_database
from tests.factories import make_order, make_staff, make_user
from ticketapp import db as db_module
from ticketapp.db import make_engine, upgrade_database
from ticketapp.models import Event, OrderStatus, TicketType
from ticketapp.services.ops import backup
from ticketapp.services.ops.backup import create_backup, restore_backup, table_rows, tables
from ticketapp.services.shared.media import save_event_image
from ticketapp.services.shared.seed import seed_demo_data
from ticketapp.services.support.chat import post_customer_attachment, post_customer_message, start_chat
from ticketapp.services.tickets.checkin import scan
from ticketapp.services.tickets.issuing import issue_tickets
from ticketapp.services.tickets.tokens import get_signing_key
from ticketapp.settings import Settings, get_settings

PASSPHRASE = "drill passphrase, long enough"
USERS, ORDERS, CHATS = 150, 500, 40


def _png(seed: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (24, 24), (seed * 37 % 256, seed * 11 % 256, seed * 5 % 256)).save(buffer, "PNG")
    return buffer.getvalue()


def _use(monkeypatch: pytest.MonkeyPatch, data_dir: Path, url: str) -> Settings:
    """Point the app (settings, engine, signing key) at `data_dir` and `url`."""
    from ticketapp.services.tickets import tokens

    monkeypatch.setenv("DATA_DIR", str(data_dir))
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.delenv("MEDIA_DIR", raising=False)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    get_settings.cache_clear()
    db_module.get_engine.cache_clear()
    tokens.get_signing_key.cache_clear()
    return get_settings()


def _seed(session: Session) -> None:
    """A busy installation: the demo catalogue, many customers, paid orders with tickets, chats, files."""
    rng = random.Random(14)
    seed_demo_data(session)
    door = make_staff(session)
    users = [make_user(session, f"drill-{n}@example.com", f"Client {n} Ünïcode") for n in range(USERS)]
    ticket_types = list(session.exec(select(TicketType)).all())
    for n in range(ORDERS):
        ticket_type = rng.choice(ticket_types)
        assert ticket_type is not None
        status = OrderStatus.PAID if n % 5 else OrderStatus.CANCELLED
        user = users[n % USERS]
        order, _ = make_order(
            session,
            [(ticket_type, rng.randint(1, 3))],
            status=status,
            user_id=user.id,
            buyer_name=user.display_name,
            buyer_email=user.email,
        )
        if status == OrderStatus.PAID:
            tickets = issue_tickets(session, order.id or 0)
            if n % 7 == 0:
                scan(session, ticket_type.event_id, tickets[0].secret, door.id, get_signing_key())
    for n in range(CHATS):
        chat = start_chat(session, None, guest_name=f"Invité {n}", guest_email=f"guest-{n}@example.com")
        for line in range(3):
            post_customer_message(session, chat, f"Bonjour, question {line} — chat {n} 🎫")
        if n % 4 == 0:
            post_customer_attachment(session, chat, f"capture-{n}.png", _png(n))
    for event in session.exec(select(Event).order_by(Event.id).limit(8)).all():  # type: ignore[arg-type]
        event.image_url = save_event_image(_png(100 + (event.id or 0)))
        session.add(event)
    session.commit()


def _snapshot_rows(url: str) -> dict[str, list[list[object]]]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return {table.name: list(table_rows(conn, table)) for table in tables()}
    finally:
        engine.dispose()


def _files(settings: Settings) -> dict[str, str]:
    found = {}
    for name, data in backup.collect_files(settings).items():
        found[name] = hashlib.sha256(data).hexdigest()
    for secret in ("secret_key", "ticket_signing_key.pem"):
        found[secret] = hashlib.sha256((settings.data_dir / secret).read_bytes()).hexdigest()
    return found


@pytest.fixture
def seeded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Settings, dict, dict]]:
    url = f"sqlite:///{tmp_path / 'source' / 'ticketapp.db'}"
    (tmp_path / "source").mkdir()
    settings = _use(monkeypatch, tmp_path / "source", url)
    upgrade_database(url)
    engine = make_engine(url)
    with Session(engine, expire_on_commit=False) as session:
        _seed(session)
    engine.dispose()
    yield settings, _snapshot_rows(url), _files(settings)
    get_settings.cache_clear()
    db_module.get_engine.cache_clear()


def _compare(expected: dict[str, list[list[object]]], url: str) -> tuple[int, int]:
    """(rows compared, rows identical), table by table, every column."""
    actual = _snapshot_rows(url)
    assert set(actual) == set(expected)
    compared = identical = 0
    for name, rows in expected.items():
        compared += len(rows)
        identical += sum(1 for a, b in zip(rows, actual[name], strict=False) if a == b)
        assert actual[name] == rows, f"table {name} differs after the restore"
    return compared, identical


def _drill(
    seeded: tuple[Settings, dict, dict], target_url: str, target_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source, rows, files = seeded
    assert sum(len(r) for r in rows.values()) > 2000
    assert len(rows["ticket"]) > 300 and len(rows["support_message"]) >= CHATS * 3 and len(files) > 15
    started = time.perf_counter()
    result = create_backup(passphrase=PASSPHRASE, settings=source, folder=source.data_dir.parent / "backups")
    backup_s = time.perf_counter() - started
    # Wipe: the database and every file of the installation go.
    shutil.rmtree(source.data_dir)
    target = _use(monkeypatch, target_dir, target_url)
    started = time.perf_counter()
    restored = restore_backup(result.path, passphrase=PASSPHRASE, settings=target)
    restore_s = time.perf_counter() - started
    compared, identical = _compare(rows, target_url)
    assert restored.rows == compared
    assert _files(target) == files
    engine = make_engine(target_url)  # the restored database takes new rows (PostgreSQL: sequences moved on)
    with Session(engine) as session:
        newcomer = make_user(session, "after-restore@example.com")
        assert (newcomer.id or 0) > max(row[0] for row in rows["user_account"])
    engine.dispose()
    print(
        f"\ndrill {target_url.split(':')[0]}: {compared} rows in {len(rows)} tables and {len(files)} files compared, "
        f"{100 * identical / compared:.1f} % identical; archive {result.size / 1024:.0f} KiB, "
        f"backup {backup_s:.2f} s, restore {restore_s:.2f} s"
    )


@pytest.mark.parametrize("target", DATABASES)
def test_restore_drill(
    target: str, seeded: tuple[Settings, dict, dict], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite → SQLite in the installation's own place, and SQLite → PostgreSQL (the scale path)."""
    if target == "sqlite":
        _drill(seeded, f"sqlite:///{tmp_path / 'source' / 'ticketapp.db'}", tmp_path / "source", monkeypatch)
        return
    name = create_postgres_database()
    try:
        _drill(seeded, f"postgresql+psycopg://postgres@{PG_HOST}:{PG_PORT}/{name}", tmp_path / "pg-data", monkeypatch)
    finally:
        drop_postgres_database(name)
