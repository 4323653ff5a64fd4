"""Typed settings read from the environment (and an optional `.env` file).

Every setting has a default that makes `make run` work on a fresh machine.
Secrets are never committed: a development secret is generated on first use
and kept in the git-ignored data folder.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from datetime import timedelta
from functools import lru_cache
from pathlib import Path

from dotenv import load_dotenv

PROJECT_DIR = Path(__file__).resolve().parent.parent
SUPPORTED_LOCALES = ("en", "fr")


def _env(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def _env_int(name: str, default: int) -> int:
    raw = _env(name)
    return int(raw) if raw else default


def _env_bool(name: str, default: bool = False) -> bool:
    raw = _env(name).lower()
    if not raw:
        return default
    return raw in {"1", "true", "yes", "on"}


def _dev_secret(data_dir: Path) -> str:
    """Return the generated development secret, creating it on first use."""
    path = data_dir / "secret_key"
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    database_url: str
    redis_url: str | None
    secret_key: str
    base_url: str
    default_locale: str
    hold_minutes: int
    hold_seconds: int  # 0 = use hold_minutes; tests set a few seconds
    order_payment_minutes: int
    jobs_immediate: bool
    huey_db_path: Path
    stripe_secret_key: str = ""
    stripe_webhook_secret: str = ""
    stripe_api_base: str = ""  # tests point the stripe library at a local stand-in
    demo_payments: bool = False  # offer the test-mode provider even when Stripe is configured
    bank_transfer_days: int = 5
    bank_account_holder: str = "Ticketapp SAS"
    bank_iban: str = "FR76 3000 6000 0112 3456 7890 189"
    bank_bic: str = "AGRIFRPP"
    supported_locales: tuple[str, ...] = field(default=SUPPORTED_LOCALES)
    media_dir: Path | None = None  # admin-uploaded event images (MEDIA_DIR; default DATA_DIR/media), served at /media/

    @property
    def hold_duration(self) -> timedelta:
        """How long a cart reserves tickets (HOLD_SECONDS overrides HOLD_MINUTES)."""
        return timedelta(seconds=self.hold_seconds) if self.hold_seconds > 0 else timedelta(minutes=self.hold_minutes)

    @property
    def order_payment_window(self) -> timedelta:
        """How long a pending order keeps its seats while the buyer pays."""
        return timedelta(minutes=self.order_payment_minutes)

    @property
    def stripe_enabled(self) -> bool:
        return bool(self.stripe_secret_key and self.stripe_webhook_secret)

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


def _database_url(data_dir: Path) -> str:
    url = _env("DATABASE_URL") or _env("REFLEX_DB_URL")
    return url or f"sqlite:///{data_dir / 'ticketapp.db'}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Read the settings once per process."""
    load_dotenv(PROJECT_DIR / ".env", override=False)
    data_dir = Path(_env("DATA_DIR") or PROJECT_DIR / "var").resolve()
    default_locale = _env("DEFAULT_LOCALE", "en")
    if default_locale not in SUPPORTED_LOCALES:
        default_locale = "en"
    return Settings(
        data_dir=data_dir,
        database_url=_database_url(data_dir),
        redis_url=_env("REFLEX_REDIS_URL") or _env("REDIS_URL") or None,
        secret_key=_env("SECRET_KEY") or _dev_secret(data_dir),
        base_url=_env("BASE_URL", "http://localhost:3000").rstrip("/"),
        default_locale=default_locale,
        hold_minutes=_env_int("HOLD_MINUTES", 15),
        hold_seconds=_env_int("HOLD_SECONDS", 0),
        order_payment_minutes=_env_int("ORDER_PAYMENT_MINUTES", 30),
        jobs_immediate=_env_bool("JOBS_IMMEDIATE"),
        huey_db_path=data_dir / "jobs.db",
        stripe_secret_key=_env("STRIPE_SECRET_KEY"),
        stripe_webhook_secret=_env("STRIPE_WEBHOOK_SECRET"),
        stripe_api_base=_env("STRIPE_API_BASE"),
        demo_payments=_env_bool("DEMO_PAYMENTS"),
        bank_transfer_days=_env_int("BANK_TRANSFER_DAYS", 5),
        bank_account_holder=_env("BANK_ACCOUNT_HOLDER", "Ticketapp SAS"),
        bank_iban=_env("BANK_IBAN", "FR76 3000 6000 0112 3456 7890 189"),
        bank_bic=_env("BANK_BIC", "AGRIFRPP"),
        media_dir=Path(_env("MEDIA_DIR") or data_dir / "media").resolve(),
    )
