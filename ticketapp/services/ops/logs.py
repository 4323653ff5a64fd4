"""Structured logs: one JSON object a line with the request or event id (LOG_FORMAT=json).

The ids live in context variables: the HTTP middleware (api/metrics.py) sets `request_id`
from nginx's X-Request-ID (or a new one), the websocket event hook (state/observability.py)
sets `event_id`; every record logged meanwhile carries them.
"""

from __future__ import annotations

import json
import logging
import os
from contextvars import ContextVar
from datetime import UTC, datetime

request_id: ContextVar[str] = ContextVar("request_id", default="")
event_id: ContextVar[str] = ContextVar("event_id", default="")


class JsonFormatter(logging.Formatter):
    """`{"ts", "level", "logger", "message", "process", "request_id"?, "event_id"?, "exc"?}`."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "process": os.environ.get("TICKETAPP_PROCESS", "") or record.process,
        }
        for name, var in (("request_id", request_id), ("event_id", event_id)):
            if value := var.get():
                entry[name] = value
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def setup_logging(log_format: str, level: str = "INFO") -> None:
    """With `json`, the root logger writes JSON lines to stderr (and replaces its other handlers)."""
    if log_format != "json":
        return
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper())
