"""`python -m ticketapp setup` is what `make run` calls: migrate, seed only an empty database."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import func
from sqlmodel import Session, select

from ticketapp.db import make_engine
from ticketapp.models import Event

PROJECT_DIR = Path(__file__).resolve().parents[3]


def _run(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "ticketapp", *args], cwd=PROJECT_DIR, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_setup_migrates_seeds_once_and_keeps_data(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    env = {**os.environ, "DATABASE_URL": url, "DATA_DIR": str(tmp_path)}
    assert "42 events added" in _run(env, "setup")  # 30 events and the 12 dates of the demo series

    engine = make_engine(url)
    with Session(engine) as session:
        event = session.exec(select(Event).where(Event.slug == "jazz-a-lyon")).one()
        event.title = "Jazz à Lyon (edited)"
        session.add(event)
        session.commit()

    assert "left as it is" in _run(env, "setup")
    with Session(engine) as session:
        assert session.exec(select(func.count()).select_from(Event)).one() == 42
        assert session.exec(select(Event.title).where(Event.slug == "jazz-a-lyon")).one() == "Jazz à Lyon (edited)"
    engine.dispose()
    assert (tmp_path / "secret_key").exists()


def test_unknown_command_fails_with_usage(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ticketapp", "frobnicate"], cwd=PROJECT_DIR, capture_output=True, text=True
    )
    assert result.returncode == 2
    assert "invalid choice" in result.stderr


def test_setup_loads_the_rates_snapshot_and_rates_import_replaces_them(tmp_path: Path) -> None:
    from ticketapp.models import ExchangeRate

    url = f"sqlite:///{tmp_path / 'rates.db'}"
    env = {**os.environ, "DATABASE_URL": url, "DATA_DIR": str(tmp_path)}
    assert "bundled snapshot" in _run(env, "setup")
    good = tmp_path / "rates.csv"
    good.write_text("currency,per_eur,as_of\nUSD,1.21,2026-11-30\n", encoding="utf-8")
    assert "1 imported" in _run(env, "rates", "import", str(good))
    bad = tmp_path / "bad.csv"
    bad.write_text("currency,per_eur,as_of\nGBP,0.9,2026-11-30\nUSD,none,2026-11-30\n", encoding="utf-8")
    refused = subprocess.run(
        [sys.executable, "-m", "ticketapp", "rates", "import", str(bad)],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
    )
    assert refused.returncode == 1 and "Line 3" in refused.stderr and "Nothing was changed" in refused.stderr
    engine = make_engine(url)
    with Session(engine) as session:
        assert session.get(ExchangeRate, "USD").per_eur == "1.21"
        assert session.get(ExchangeRate, "GBP").per_eur == "0.87"  # the bad file's good line did not land
    engine.dispose()
