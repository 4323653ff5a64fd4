"""Backup and restore time and archive size on a large database (the analytics bench's 200,000 orders).

Loads a temporary SQLite database with bench/analytics.py's data (200,000 orders and their items,
300,000 funnel rows, 2,000 events), then times `create_backup` and `restore_backup` into a new
SQLite database and prints rows/s and the archive size. No target: it is the figure to plan the
backup window with. Run: `.venv/bin/python bench/backup.py` (or `make bench`).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

_TMP = Path(tempfile.mkdtemp(prefix="bench-backup-"))
os.environ["DATA_DIR"] = str(_TMP)
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from analytics import load

from ticketapp.services.ops.backup import create_backup, restore_backup
from ticketapp.settings import get_settings


def main() -> int:
    source = replace(get_settings(), database_url=f"sqlite:///{_TMP / 'source.db'}")
    started = time.perf_counter()
    load(source.database_url)
    print(f"SQLite loaded in {time.perf_counter() - started:.0f} s")
    result = create_backup(settings=source, folder=_TMP / "backups")
    print(
        f"backup: {result.rows:,} rows in {result.seconds:.1f} s ({result.rows / result.seconds:,.0f} rows/s), "
        f"archive {result.size / 1_000_000:.1f} MB ({(_TMP / 'source.db').stat().st_size / 1_000_000:.0f} MB database)"
    )
    target = replace(source, database_url=f"sqlite:///{_TMP / 'restored.db'}")
    started = time.perf_counter()
    restored = restore_backup(result.path, settings=target)
    seconds = time.perf_counter() - started
    print(f"restore: {restored.rows:,} rows in {seconds:.1f} s ({restored.rows / seconds:,.0f} rows/s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
