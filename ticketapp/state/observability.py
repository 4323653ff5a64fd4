"""Websocket metrics: each event's processing time per handler, and the connected clients.

Reflex 0.10 has no public "event finished" hook (`Middleware.postprocess` is no longer called), so
the event processor's one entry point for a queued event, `BaseStateEventProcessor._execute_event`,
is wrapped once per process; the namespace's connect/disconnect handlers likewise. Both wrappers
only time and count: the wrapped call's result and errors pass through unchanged.
"""

from __future__ import annotations

import functools
import time
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from reflex.app import EventNamespace
from reflex_base.event.processor.base_state_processor import BaseStateEventProcessor

from ticketapp.services.ops import metrics
from ticketapp.services.ops.logs import event_id
from ticketapp.services.ops.process import setup_process

_WRAPPED = "_ticketapp_metrics"


def _handler_label(name: str) -> str:
    """`reflex___state____state.ticketapp___state___shop___cart____cart_state.add` → `cart_state.add`."""
    state, _, handler = name.rpartition(".")
    return f"{state.rsplit('____', 1)[-1]}.{handler}" if state else name


def _timed_execute(original: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(original)
    async def execute(self: Any, *args: Any, **kwargs: Any) -> Any:
        entry = kwargs.get("entry", args[0] if args else None)
        label = _handler_label(str(getattr(getattr(entry, "event", None), "name", "")))
        token = event_id.set(uuid.uuid4().hex[:16])
        started = time.perf_counter()
        try:
            return await original(self, *args, **kwargs)
        except BaseException:
            metrics.EVENT_ERRORS.labels(label).inc()
            raise
        finally:
            metrics.EVENT_LATENCY.labels(label).observe(time.perf_counter() - started)
            event_id.reset(token)

    setattr(execute, _WRAPPED, True)
    return execute


def _counted_connect(original: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(original)
    async def on_connect(self: Any, sid: str, *args: Any, **kwargs: Any) -> Any:
        result = await original(self, sid, *args, **kwargs)
        if result is not False:
            _connected.add(sid)
            metrics.CLIENTS.set(len(_connected))
        return result

    setattr(on_connect, _WRAPPED, True)
    return on_connect


def _counted_disconnect(original: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(original)
    def on_disconnect(self: Any, sid: str, *args: Any, **kwargs: Any) -> Any:
        _connected.discard(sid)
        metrics.CLIENTS.set(len(_connected))
        return original(self, sid, *args, **kwargs)

    setattr(on_disconnect, _WRAPPED, True)
    return on_disconnect


_connected: set[str] = set()


def install() -> None:
    """Wrap the event processor and the namespace (idempotent)."""
    if not getattr(BaseStateEventProcessor._execute_event, _WRAPPED, False):
        BaseStateEventProcessor._execute_event = _timed_execute(BaseStateEventProcessor._execute_event)  # type: ignore[method-assign]
    if not getattr(EventNamespace.on_connect, _WRAPPED, False):
        EventNamespace.on_connect = _counted_connect(EventNamespace.on_connect)  # type: ignore[method-assign]
        EventNamespace.on_disconnect = _counted_disconnect(EventNamespace.on_disconnect)  # type: ignore[method-assign]


@asynccontextmanager
async def per_worker() -> AsyncIterator[None]:
    """Lifespan task: each backend worker (forked or not) sets up its logs, metrics files and Sentry."""
    setup_process("backend")
    metrics.CLIENTS.set(0)
    yield
