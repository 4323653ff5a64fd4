"""Browser tests: the real app (`reflex run --env prod`) once per session, driven
by Playwright in Debian's chromium.

The app gets its own data folder and SQLite database (migrated and seeded), and
runs jobs inline (JOBS_IMMEDIATE=1). Extra environment for the app process is
collected by the `app_env` fixture: add keys there (test SMTP server, OIDC
provider, fake Stripe...) rather than starting a second app.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.fakes.stripe_api import FakeStripe, FakeStripeServer
from tests.support_env import oidc_env, smtp_env

PROJECT_DIR = Path(__file__).resolve().parents[2]
E2E_WEBHOOK_SECRET = "whsec_e2e"
CHROMIUM = "/usr/bin/chromium"
STARTUP_TIMEOUT_S = 420


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class LiveApp:
    url: str
    data_dir: Path
    database_url: str
    env: dict[str, str]
    log_path: Path


@pytest.fixture(scope="session")
def app_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("live-app")


@pytest.fixture(scope="session")
def app_port() -> int:
    return free_port()


@pytest.fixture(scope="session")
def stripe_service() -> Iterator[FakeStripe]:
    """Stripe's API played locally; the app's stripe library talks to it."""
    with FakeStripeServer() as fake:
        yield fake


@pytest.fixture(scope="session")
def booking_env() -> dict[str, str]:
    """Booking: holds last 30 s in the test app, so expiry can be watched without long waits."""
    return {"HOLD_SECONDS": "30"}


@pytest.fixture(scope="session")
def app_env(
    app_data_dir: Path,
    app_port: int,
    mail_sink,
    oidc_provider,
    booking_env: dict[str, str],
    stripe_service: FakeStripe,
) -> dict[str, str]:
    """Environment of the app process; fixtures for fake outside services add to it."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DATABASE_URL", "REFLEX_DB_URL", "REFLEX_REDIS_URL", "PYTEST"))
    }
    env.update(
        DATA_DIR=str(app_data_dir),
        DATABASE_URL=f"sqlite:///{app_data_dir / 'app.db'}",
        JOBS_IMMEDIATE="1",
        BASE_URL=f"http://localhost:{app_port}",
        # Every browser of the suite comes from 127.0.0.1: lift the per-IP account-mail limit.
        ACCOUNT_MAILS_PER_IP="1000",
        # …and one device-less IP with one buyer e-mail: lift the velocity rules (their own tests cover them).
        RISK_MAX_ORDERS_PER_HOUR="100000",
        RISK_MAX_FAILED_PAYMENTS_PER_HOUR="100000",
        RISK_MAX_CARDS_PER_HOUR="100000",
        RISK_CARD_TEST_DECLINES="100000",
        RISK_NEAR_CAP_BUYERS="100000",
        # Playwright fills forms in milliseconds, and every sign-up comes from 127.0.0.1.
        BOT_FORM_MIN_SECONDS="0",
        SIGN_UPS_PER_IP_PER_HOUR="100000",
        REFLEX_TELEMETRY_ENABLED="false",
        REFLEX_CHECK_LATEST_VERSION="false",
        REFLEX_USE_SYSTEM_BUN="1",
        # Its own build folder: the frontend bakes in the backend port, so a test build
        # must not overwrite the one `make run` serves.
        REFLEX_WEB_WORKDIR=str(PROJECT_DIR / ".web-test"),
        STRIPE_SECRET_KEY="sk_test_e2e",
        STRIPE_WEBHOOK_SECRET=E2E_WEBHOOK_SECRET,
        STRIPE_API_BASE=stripe_service.base_url,
        DEMO_PAYMENTS="1",  # both providers, so each journey can pick its own
        WEBHOOKS_ALLOW_PRIVATE="1",  # outgoing webhooks to the test's receiver on loopback
        PATH=f"{PROJECT_DIR / '.tools/node_modules/.bin'}:{PROJECT_DIR / '.venv/bin'}:{env.get('PATH', '')}",
    )
    # Accounts: mail to the loopback SMTP server, sign-in with the loopback OIDC provider.
    env.update(**smtp_env(mail_sink), **oidc_env(oidc_provider))
    env.update(booking_env)
    return env


def _wait_until_up(url: str, proc: subprocess.Popen[bytes], log_path: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"app exited early:\n{log_path.read_text()[-4000:]}")
        try:
            with urllib.request.urlopen(f"{url}/ping", timeout=2) as response:
                if response.status == 200:
                    with urllib.request.urlopen(url, timeout=10) as page:
                        if page.status == 200:
                            return
        except OSError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"app did not start in {STARTUP_TIMEOUT_S}s:\n{log_path.read_text()[-4000:]}")


@pytest.fixture(scope="session")
def live_app(app_env: dict[str, str], app_data_dir: Path, app_port: int) -> Iterator[LiveApp]:
    subprocess.run([sys.executable, "-m", "ticketapp", "setup"], cwd=PROJECT_DIR, env=app_env, check=True)
    log_path = app_data_dir / "app.log"
    url = f"http://localhost:{app_port}"
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [str(PROJECT_DIR / ".venv/bin/reflex"), "run", "--env", "prod", "--frontend-port", str(app_port)],
            cwd=PROJECT_DIR,
            env=app_env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        _wait_until_up(url, proc, log_path)
        yield LiveApp(url, app_data_dir, app_env["DATABASE_URL"], app_env, log_path)
    finally:
        _stop(proc)


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is not None:
        return
    os.killpg(proc.pid, 15)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, 9)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def base_url(live_app: LiveApp) -> str:
    """pytest-playwright uses this for relative `page.goto("/...")`."""
    return live_app.url


@pytest.fixture(autouse=True)
def _default_timeouts(page) -> None:
    page.set_default_timeout(15_000)


# The first browser test of a run also builds the app (several minutes on a busy 2-core machine),
# which the suite's 300 s per-test limit would cut short.
E2E_TIMEOUT_S = 900


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/e2e/" in item.nodeid.replace("\\", "/") and item.get_closest_marker("timeout") is None:
            item.add_marker(pytest.mark.timeout(E2E_TIMEOUT_S))
