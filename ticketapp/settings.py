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
from urllib.parse import urlsplit

from dotenv import load_dotenv

from ticketapp.i18n.languages import SUPPORTED_LOCALES

PROJECT_DIR = Path(__file__).resolve().parent.parent


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
class SmtpSettings:
    """Outgoing mail; with no host, mails are written to the outbox folder instead."""

    host: str = ""
    port: int = 587
    user: str = ""
    password: str = ""
    sender: str = "Ticketapp <no-reply@localhost>"
    starttls: bool = True


@dataclass(frozen=True)
class OAuthProviderSettings:
    """One sign-in provider: `name` is used in URLs, `issuer` for OIDC discovery."""

    name: str
    label: str
    client_id: str
    client_secret: str
    issuer: str = ""
    scope: str = "openid email profile"


def _oauth_providers() -> tuple[OAuthProviderSettings, ...]:
    providers = []
    if _env("GOOGLE_CLIENT_ID"):
        providers.append(
            OAuthProviderSettings(
                "google",
                "Google",
                _env("GOOGLE_CLIENT_ID"),
                _env("GOOGLE_CLIENT_SECRET"),
                "https://accounts.google.com",
            )
        )
    if _env("GITHUB_CLIENT_ID"):
        providers.append(
            OAuthProviderSettings(
                "github", "GitHub", _env("GITHUB_CLIENT_ID"), _env("GITHUB_CLIENT_SECRET"), scope="read:user user:email"
            )
        )
    if _env("OIDC_ISSUER"):
        providers.append(
            OAuthProviderSettings(
                "oidc",
                _env("OIDC_LABEL", "Single sign-on"),
                _env("OIDC_CLIENT_ID"),
                _env("OIDC_CLIENT_SECRET"),
                _env("OIDC_ISSUER").rstrip("/"),
            )
        )
    return tuple(providers)


def _smtp_settings() -> SmtpSettings:
    return SmtpSettings(
        host=_env("SMTP_HOST"),
        port=_env_int("SMTP_PORT", 587),
        user=_env("SMTP_USER"),
        password=_env("SMTP_PASSWORD"),
        sender=_env("SMTP_FROM", "Ticketapp <no-reply@localhost>"),
        starttls=_env_bool("SMTP_STARTTLS", default=True),
    )


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
    from_address: str = "support@ticketapp.localhost"
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
        from_address=_env("SUPPORT_FROM", defaults.from_address),
        reply_domain=_env("SUPPORT_REPLY_DOMAIN", defaults.reply_domain),
    )


@dataclass(frozen=True)
class RiskSettings:
    """Fraud rules (services/risk): score thresholds, rule limits, alerts and bot friction (docs/security.md)."""

    # A checkout scoring at least `review_score` is held for review after payment; `refuse_score` is refused.
    review_score: int = 50
    refuse_score: int = 100
    # Velocity, per hour and per e-mail, account, IP and device cookie.
    max_orders_per_hour: int = 5
    max_failed_payments_per_hour: int = 3
    max_cards_per_hour: int = 3
    # Card testing: this many declines of small amounts (at most `card_test_small_minor`) in an hour.
    card_test_declines: int = 5
    card_test_small_minor: int = 1000
    # A brand-new account (younger than this) placing an order of at least `large_order_minor`.
    new_account_hours: int = 24
    large_order_minor: int = 50000
    # Quantities near an event's per-customer cap (≥ this share of it) from this many buyers on one IP or device.
    near_cap_ratio_percent: int = 80
    near_cap_buyers: int = 3
    # Extra disposable domains, one per line (added to the maintained list of the disposable-email-domains package).
    disposable_domains_file: str = ""
    # Alerts: e-mailed to every active admin, and POSTed as JSON to this URL when set.
    alert_webhook_url: str = ""
    alert_failed_sign_ins: int = 50
    alert_window_minutes: int = 10
    # Bot friction: a form sent faster than this after it was shown is refused; sign-ups per IP per hour.
    form_min_seconds: int = 3
    sign_ups_per_ip_per_hour: int = 5


def _risk_settings() -> RiskSettings:
    d = RiskSettings()
    return RiskSettings(
        review_score=_env_int("RISK_REVIEW_SCORE", d.review_score),
        refuse_score=_env_int("RISK_REFUSE_SCORE", d.refuse_score),
        max_orders_per_hour=_env_int("RISK_MAX_ORDERS_PER_HOUR", d.max_orders_per_hour),
        max_failed_payments_per_hour=_env_int("RISK_MAX_FAILED_PAYMENTS_PER_HOUR", d.max_failed_payments_per_hour),
        max_cards_per_hour=_env_int("RISK_MAX_CARDS_PER_HOUR", d.max_cards_per_hour),
        card_test_declines=_env_int("RISK_CARD_TEST_DECLINES", d.card_test_declines),
        card_test_small_minor=_env_int("RISK_CARD_TEST_SMALL_MINOR", d.card_test_small_minor),
        new_account_hours=_env_int("RISK_NEW_ACCOUNT_HOURS", d.new_account_hours),
        large_order_minor=_env_int("RISK_LARGE_ORDER_MINOR", d.large_order_minor),
        near_cap_ratio_percent=_env_int("RISK_NEAR_CAP_PERCENT", d.near_cap_ratio_percent),
        near_cap_buyers=_env_int("RISK_NEAR_CAP_BUYERS", d.near_cap_buyers),
        disposable_domains_file=_env("RISK_DISPOSABLE_DOMAINS_FILE"),
        alert_webhook_url=_env("SECURITY_ALERT_WEBHOOK_URL"),
        alert_failed_sign_ins=_env_int("SECURITY_ALERT_FAILED_SIGN_INS", d.alert_failed_sign_ins),
        alert_window_minutes=_env_int("SECURITY_ALERT_WINDOW_MINUTES", d.alert_window_minutes),
        form_min_seconds=_env_int("BOT_FORM_MIN_SECONDS", d.form_min_seconds),
        sign_ups_per_ip_per_hour=_env_int("SIGN_UPS_PER_IP_PER_HOUR", d.sign_ups_per_ip_per_hour),
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
    hold_seconds: int  # 0 = use hold_minutes; tests set a few seconds
    order_payment_minutes: int
    jobs_immediate: bool
    huey_db_path: Path
    # Due work (DueJob) not done after this many seconds is re-enqueued by the reconciler.
    due_grace_s: int = 120
    # /api/health turns not-ready (503) when due work stays undone longer than this.
    due_backlog_alert_s: int = 900
    # … and when the job scheduler's heartbeat (every minute) is older than this.
    heartbeat_alert_s: int = 180
    # /metrics: with a token, only `Authorization: Bearer <token>`; without, only direct loopback clients.
    metrics_token: str = ""
    # /api/v1/: requests per token per minute (429 with Retry-After beyond), per backend process.
    api_rate_limit_per_minute: int = 600
    # "json": one JSON object a line with request/event ids (the production mode's default); "" plain text.
    log_format: str = ""
    log_level: str = "INFO"
    # Unhandled errors go to Sentry when set (sentry-sdk).
    sentry_dsn: str = ""
    stripe_secret_key: str = ""
    stripe_webhook_secret: str = ""
    stripe_api_base: str = ""  # tests point the stripe library at a local stand-in
    demo_payments: bool = False  # offer the test-mode provider even when Stripe is configured
    bank_transfer_days: int = 5
    bank_account_holder: str = "Ticketapp SAS"
    bank_iban: str = "FR76 3000 6000 0112 3456 7890 189"
    bank_bic: str = "AGRIFRPP"
    # E-tickets: PEM or JWK (JSON) private key; empty = a dev key generated in data_dir.
    ticket_signing_key: str = ""
    # Lifetime of the signed ticket-download links sent by e-mail.
    ticket_link_ttl_hours: int = 24 * 30
    # How long seats offered to the next person on a waiting list stay held for them (services/waitlist).
    waitlist_offer_hours: int = 24
    organiser_name: str = "Ticketapp"
    # Order PDFs larger than this go out as download links instead of an attachment.
    ticket_mail_attach_max_kb: int = 2048
    # Customers may change a ticket's attendee name until this many hours before the event.
    attendee_change_cutoff_hours: int = 24

    smtp: SmtpSettings = field(default_factory=lambda: SmtpSettings())
    oauth_providers: tuple[OAuthProviderSettings, ...] = ()
    # DEV_MODE=1 opens developer pages (the mail outbox) to everyone.
    dev_mode: bool = False
    support: SupportSettings = field(default_factory=lambda: SupportSettings())
    supported_locales: tuple[str, ...] = field(default=SUPPORTED_LOCALES)
    media_dir: Path | None = None  # admin-uploaded event images (MEDIA_DIR; default DATA_DIR/media), served at /media/
    # Reverse proxies in front of the app whose X-Forwarded-For entries are trusted (0 = ignore the header).
    trusted_proxy_hops: int = 0
    # Account mails (reset, sign-up verification) a visitor may trigger per hour, per address and per IP.
    account_mails_per_address: int = 3
    account_mails_per_ip: int = 10
    # Backups (python -m ticketapp backup; daily job): folder, passphrase for files and secrets, age alert.
    backup_dir: Path | None = None  # BACKUP_DIR; default DATA_DIR/backups
    backup_passphrase: str = ""
    backup_max_age_h: int = 26
    # Approximate prices in the visitor's currency: rates older than this many days are shown with their date.
    rates_max_age_days: int = 14
    risk: RiskSettings = field(default_factory=lambda: RiskSettings())
    # Outgoing webhooks (services/webhooks): endpoints on loopback/private addresses are refused unless this is
    # set (tests and a receiver on the same host); link-local and cloud-metadata addresses are always refused.
    webhooks_allow_private: bool = False
    webhook_timeout_s: float = 10.0

    @property
    def ticket_cache_dir(self) -> Path:
        """Rendered ticket PDFs: private, never under assets/ or /_upload."""
        return self.data_dir / "tickets"

    @property
    def outbox_dir(self) -> Path:
        return self.data_dir / "outbox"

    @property
    def hold_duration(self) -> timedelta:
        """How long a cart reserves tickets (HOLD_SECONDS overrides HOLD_MINUTES)."""
        return timedelta(seconds=self.hold_seconds) if self.hold_seconds > 0 else timedelta(minutes=self.hold_minutes)

    @property
    def order_payment_window(self) -> timedelta:
        """How long a pending order keeps its seats while the buyer pays."""
        return timedelta(minutes=self.order_payment_minutes)

    @property
    def base_origin(self) -> str:
        """BASE_URL's origin (scheme://host[:port]): the only one allowed credentialed CORS."""
        parts = urlsplit(self.base_url)
        return f"{parts.scheme}://{parts.netloc}"

    @property
    def allowed_origins(self) -> list[str]:
        """Origins allowed credentialed CORS and the websocket: BASE_URL's, and for a loopback
        BASE_URL its twin (localhost ⇄ 127.0.0.1 on the same port), since both reach `make run`."""
        parts = urlsplit(self.base_url)
        twins = {"localhost": "127.0.0.1", "127.0.0.1": "localhost"}
        origins = [self.base_origin]
        if parts.hostname in twins:
            port = f":{parts.port}" if parts.port else ""
            origins.append(f"{parts.scheme}://{twins[parts.hostname]}{port}")
        return origins

    @property
    def is_https(self) -> bool:
        return self.base_url.startswith("https://")

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
        due_grace_s=_env_int("DUE_GRACE_S", 120),
        webhooks_allow_private=_env_bool("WEBHOOKS_ALLOW_PRIVATE"),
        webhook_timeout_s=float(_env("WEBHOOK_TIMEOUT_S") or 10),
        due_backlog_alert_s=_env_int("DUE_BACKLOG_ALERT_S", 900),
        heartbeat_alert_s=_env_int("HEARTBEAT_ALERT_S", 180),
        metrics_token=_env("METRICS_TOKEN"),
        api_rate_limit_per_minute=_env_int("API_RATE_LIMIT_PER_MINUTE", 600),
        log_format=_env("LOG_FORMAT").lower(),
        log_level=_env("LOG_LEVEL", "INFO"),
        sentry_dsn=_env("SENTRY_DSN"),
        stripe_secret_key=_env("STRIPE_SECRET_KEY"),
        stripe_webhook_secret=_env("STRIPE_WEBHOOK_SECRET"),
        stripe_api_base=_env("STRIPE_API_BASE"),
        demo_payments=_env_bool("DEMO_PAYMENTS"),
        bank_transfer_days=_env_int("BANK_TRANSFER_DAYS", 5),
        bank_account_holder=_env("BANK_ACCOUNT_HOLDER", "Ticketapp SAS"),
        bank_iban=_env("BANK_IBAN", "FR76 3000 6000 0112 3456 7890 189"),
        bank_bic=_env("BANK_BIC", "AGRIFRPP"),
        media_dir=Path(_env("MEDIA_DIR") or data_dir / "media").resolve(),
        ticket_signing_key=_env("TICKET_SIGNING_KEY"),
        ticket_link_ttl_hours=_env_int("TICKET_LINK_TTL_HOURS", 24 * 30),
        waitlist_offer_hours=_env_int("WAITLIST_OFFER_HOURS", 24),
        organiser_name=_env("ORGANISER_NAME", "Ticketapp"),
        ticket_mail_attach_max_kb=_env_int("TICKET_MAIL_ATTACH_MAX_KB", 2048),
        attendee_change_cutoff_hours=_env_int("ATTENDEE_CHANGE_CUTOFF_HOURS", 24),
        smtp=_smtp_settings(),
        oauth_providers=_oauth_providers(),
        dev_mode=_env_bool("DEV_MODE"),
        support=_support_settings(),
        account_mails_per_address=_env_int("ACCOUNT_MAILS_PER_ADDRESS", 3),
        account_mails_per_ip=_env_int("ACCOUNT_MAILS_PER_IP", 10),
        risk=_risk_settings(),
        trusted_proxy_hops=_env_int("TRUSTED_PROXY_HOPS", _env_int("REFLEX_TRUSTED_PROXY_HOPS", 0)),
        backup_dir=Path(_env("BACKUP_DIR") or data_dir / "backups").resolve(),
        backup_passphrase=_env("BACKUP_PASSPHRASE"),
        backup_max_age_h=_env_int("BACKUP_MAX_AGE_H", 26),
        rates_max_age_days=_env_int("RATES_MAX_AGE_DAYS", 14),
    )
