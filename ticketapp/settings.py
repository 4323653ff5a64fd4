"""Typed settings read from the environment (and an optional `.env` file).

Every setting has a default that makes `make run` work on a fresh machine.
Secrets are never committed: a development secret is generated on first use
and kept in the git-ignored data folder.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
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
class SupportSettings:
    """Customer support: contact details, opening hours, SLA targets, e-mail."""

    phone: str = "+33 1 23 45 67 89"
    # "mon-fri 09:00-18:00; sat 10:00-14:00" in `timezone`; "" means always open.
    hours: str = ""
    timezone: str = "Europe/Paris"
    inbound_secret: str = ""
    # Minutes per priority, "urgent:30,high:60,normal:240,low:1440".
    sla_first_response: str = "urgent:30,high:60,normal:240,low:1440"
    sla_resolution: str = "urgent:240,high:1440,normal:2880,low:10080"
    # An agent counts as online while seen within this many seconds.
    presence_timeout_s: int = 90
    smtp_host: str = ""
    smtp_port: int = 25
    smtp_from: str = "support@ticketapp.localhost"
    reply_domain: str = "ticketapp.localhost"


def _support_settings() -> SupportSettings:
    defaults = SupportSettings()
    return SupportSettings(
        phone=_env("SUPPORT_PHONE", defaults.phone),
        hours=_env("SUPPORT_HOURS", defaults.hours),
        timezone=_env("SUPPORT_TIMEZONE", defaults.timezone),
        inbound_secret=_env("SUPPORT_INBOUND_SECRET"),
        sla_first_response=_env("SUPPORT_SLA_FIRST_RESPONSE", defaults.sla_first_response),
        sla_resolution=_env("SUPPORT_SLA_RESOLUTION", defaults.sla_resolution),
        presence_timeout_s=_env_int("SUPPORT_PRESENCE_TIMEOUT_S", defaults.presence_timeout_s),
        smtp_host=_env("SMTP_HOST"),
        smtp_port=_env_int("SMTP_PORT", defaults.smtp_port),
        smtp_from=_env("SMTP_FROM", defaults.smtp_from),
        reply_domain=_env("SUPPORT_REPLY_DOMAIN", defaults.reply_domain),
    )


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    database_url: str
    redis_url: str | None
    secret_key: str
    base_url: str
    default_locale: str
    hold_minutes: int
    jobs_immediate: bool
    huey_db_path: Path
    support: SupportSettings = field(default_factory=lambda: SupportSettings())
    supported_locales: tuple[str, ...] = field(default=SUPPORTED_LOCALES)

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
        jobs_immediate=_env_bool("JOBS_IMMEDIATE"),
        huey_db_path=data_dir / "jobs.db",
        support=_support_settings(),
    )
