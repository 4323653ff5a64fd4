"""What every process of the app does once at start: logs, error reporting, metrics files."""

from __future__ import annotations

import logging
import os

from ticketapp.services.ops import metrics
from ticketapp.services.ops.logs import setup_logging
from ticketapp.settings import get_settings

log = logging.getLogger(__name__)
_done: set[int] = set()


def setup_process(kind: str) -> None:
    """Once per process (a forked backend worker counts as new): JSON logs, Sentry, stale metric files."""
    if os.getpid() in _done:
        return
    _done.add(os.getpid())
    settings = get_settings()
    setup_logging(settings.log_format, settings.log_level)
    metrics.forget_dead_processes()
    metrics.watch_pool()
    metrics.UP.labels(kind).set(1)
    if settings.sentry_dsn:
        init_sentry(settings.sentry_dsn, kind)


def init_sentry(dsn: str, kind: str) -> bool:
    """Send unhandled errors to Sentry when sentry-sdk is installed (it is optional: see docs/operations.md)."""
    try:
        import sentry_sdk
    except ImportError:
        log.warning("SENTRY_DSN is set but sentry-sdk is not installed: pip install sentry-sdk")
        return False
    sentry_sdk.init(dsn=dsn, server_name=os.environ.get("TICKETAPP_PROCESS", kind), send_default_pii=False)
    return True
