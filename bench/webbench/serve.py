"""Start the app the way `make run` does (setup, job consumer, `reflex run --env prod`) for one bench run.

Everything it writes goes to its own places: a temporary DATA_DIR (SQLite database, job queue, keys), its own
states folder, the `.web-bench/` build folder (kept between runs so the frontend is not reinstalled each time),
with PostgreSQL its own database `ticketapp_bench` (dropped at the end), with Redis its own database number 11
(emptied at the end). Demo payments are on and Stripe is off.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

PROJECT_DIR = Path(__file__).resolve().parents[2]
WEB_DIR = PROJECT_DIR / ".web-bench"
PG_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
PG_DATABASE = "ticketapp_bench"
REDIS_URL = "redis://127.0.0.1:6379/11"
STARTUP_TIMEOUT_S = 600


@dataclass(frozen=True)
class App:
    url: str
    database_url: str

    @property
    def port(self) -> int:
        return urlsplit(self.url).port or 80


def _app_env(data_dir: Path, port: int, database_url: str, redis: bool, workers: int) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DATABASE_URL", "REFLEX_DB_URL", "REFLEX_REDIS_URL", "REDIS_URL", "STRIPE_"))
    }
    env.update(
        DATA_DIR=str(data_dir),
        DATABASE_URL=database_url,
        BASE_URL=f"http://localhost:{port}",
        # Empty, not absent: a developer's .env must not switch Stripe on under the bench.
        STRIPE_SECRET_KEY="",
        STRIPE_WEBHOOK_SECRET="",
        DEMO_PAYMENTS="1",
        # Every bench buyer is a script on 127.0.0.1 that sends the form at once: no bot time check,
        # no per-IP velocity rule (docs/security.md); the other risk rules still run on every order.
        BOT_FORM_MIN_SECONDS="0",
        RISK_MAX_ORDERS_PER_HOUR="100000000",
        RISK_NEAR_CAP_BUYERS="100000000",
        REFLEX_WEB_WORKDIR=str(WEB_DIR),
        REFLEX_STATES_WORKDIR=str(data_dir / "states"),
        REFLEX_TELEMETRY_ENABLED="false",
        REFLEX_CHECK_LATEST_VERSION="false",
        REFLEX_USE_SYSTEM_BUN="1",
        BUN_INSTALL_CACHE_DIR=str(PROJECT_DIR / ".tools/bun-cache"),
        PATH=f"{PROJECT_DIR / '.tools/node_modules/.bin'}:{PROJECT_DIR / '.venv/bin'}:{env.get('PATH', '')}",
    )
    if redis:
        env["REFLEX_REDIS_URL"] = REDIS_URL
        env["GRANIAN_WORKERS"] = str(workers)
    return env


@contextlib.contextmanager
def _bench_database(postgres: bool, data_dir: Path) -> Iterator[str]:
    """The app's database: a file in the data folder, or a fresh PostgreSQL database of the bench's own."""
    if not postgres:
        yield f"sqlite:///{data_dir / 'ticketapp.db'}"
        return
    from sqlalchemy import create_engine, text

    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{PG_DATABASE}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{PG_DATABASE}"'))
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{PG_DATABASE}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{PG_DATABASE}" WITH (FORCE)'))
        admin.dispose()


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status == 200
    except OSError:
        return False


def _wait_until_up(app: App, procs: list[subprocess.Popen[bytes]], log_path: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if any(proc.poll() is not None for proc in procs):
            raise RuntimeError(f"the app exited early:\n{log_path.read_text()[-4000:]}")
        if _answers(f"{app.url}/ping") and _answers(app.url):
            return
        time.sleep(0.5)
    raise RuntimeError(f"the app did not start in {STARTUP_TIMEOUT_S} s:\n{log_path.read_text()[-4000:]}")


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


@contextlib.contextmanager
def served_app(port: int, *, postgres: bool = False, redis: bool = False, workers: int = 1) -> Iterator[App]:
    """Run the app on `port` (prod mode serves the frontend and the backend on one port) until the block ends."""
    data_dir = Path(tempfile.mkdtemp(prefix="bench-web-"))
    log_path = data_dir / "app.log"
    procs: list[subprocess.Popen[bytes]] = []
    # The app runs in sessions of its own (so it can be stopped as a whole): a SIGTERM to the bench must still
    # reach the `finally` below that stops it, instead of leaving it running.
    previous = signal.signal(signal.SIGTERM, _exit_on_sigterm)
    try:
        with _bench_database(postgres, data_dir) as database_url:
            env = _app_env(data_dir, port, database_url, redis, workers)
            setup = [sys.executable, "-m", "ticketapp", "setup"]
            done = subprocess.run(setup, cwd=PROJECT_DIR, env=env, capture_output=True, text=True, check=False)
            if done.returncode:
                raise RuntimeError(f"`python -m ticketapp setup` failed:\n{done.stdout}{done.stderr}")
            app = App(f"http://localhost:{port}", database_url)
            try:
                with log_path.open("wb") as log:
                    for command in (
                        ["nice", "-n", "10", sys.executable, "-m", "ticketapp", "worker"],  # as scripts/serve.sh
                        [str(PROJECT_DIR / ".venv/bin/reflex"), "run", "--env", "prod", "--frontend-port", str(port)],
                    ):
                        procs.append(
                            subprocess.Popen(
                                command,
                                cwd=PROJECT_DIR,
                                env=env,
                                stdout=log,
                                stderr=subprocess.STDOUT,
                                start_new_session=True,
                            )
                        )
                _wait_until_up(app, procs, log_path)
                yield app
            finally:
                for proc in reversed(procs):
                    _stop(proc)
                if redis:
                    _empty_bench_redis()
    finally:
        signal.signal(signal.SIGTERM, previous)
        shutil.rmtree(data_dir, ignore_errors=True)


def _empty_bench_redis() -> None:
    """Drop the states the run left in its own Redis database (they would otherwise linger until they expire)."""
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.flushdb()
    finally:
        client.close()


def _exit_on_sigterm(signum: int, _frame: object) -> None:
    raise SystemExit(128 + signum)


def add_target_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--url", default="http://localhost:3000", help="a running app (default: make run's)")
    parser.add_argument(
        "--database-url",
        help="its database, to create the bench event and read seats back (default: make run's, from the settings)",
    )
    parser.add_argument("--serve", action="store_true", help="start an app of its own instead (like make run)")
    parser.add_argument("--port", type=int, default=3950, help="with --serve: the port to serve on")
    parser.add_argument(
        "--postgres", action="store_true", help="with --serve: on PostgreSQL (database ticketapp_bench)"
    )
    parser.add_argument("--redis", action="store_true", help="with --serve: states in Redis (needed for --workers > 1)")
    parser.add_argument("--workers", type=int, default=1, help="with --serve --redis: backend worker processes")


@contextlib.contextmanager
def target_app(args: argparse.Namespace) -> Iterator[App | None]:
    """The app the bench drives: its own (--serve), the one at --url, or None when nothing answers there."""
    if args.workers > 1 and not args.redis:
        raise SystemExit("--workers > 1 needs --redis (Reflex shares states between workers through Redis)")
    if args.serve:
        with served_app(args.port, postgres=args.postgres, redis=args.redis, workers=args.workers) as app:
            yield app
        return
    if not _answers(f"{args.url.rstrip('/')}/ping"):
        yield None
        return
    if args.database_url:
        yield App(args.url.rstrip("/"), args.database_url)
        return
    from ticketapp.settings import get_settings

    yield App(args.url.rstrip("/"), get_settings().database_url)


def describe(app: App, args: argparse.Namespace) -> str:
    database = "PostgreSQL" if app.database_url.startswith("postgresql") else "SQLite"
    shape = f"Redis, {args.workers} backend worker(s)" if args.redis else "1 backend worker"
    origin = "served by the bench" if args.serve else "running app"
    return f"{app.url} ({origin}; {database}{'; ' + shape if args.serve else ''})"
