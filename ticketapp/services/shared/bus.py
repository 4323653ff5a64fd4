"""Live facts for open screens: services `publish(topic)` after their commit, the web layer listens.

A fact says only *that* something changed (a chat line, typing, a chat taken or
closed, the ticket queue, an order's status, a check-in); a screen that follows the
topic reads the database again. So a lost fact costs freshness, never data, and a
publish never fails the service that made the change.

Two backends, chosen once per process: Redis pub/sub when `REFLEX_REDIS_URL` is set
(every backend worker, and the job worker, share one channel space), else an
in-process bus (one process then serves every browser).

This module imports nothing of the web layer.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import threading
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import urlparse

logger = logging.getLogger(__name__)

SUPPORT_CHATS = "support.chats"  # the agents' chat lists and counts
SUPPORT_TICKETS = "support.tickets"  # the agents' ticket queue
SUPPORT_PRESENCE = "support.presence"  # whether live help is available
REDIS_RETRY_S = 1.0


def chat_topic(chat_id: int) -> str:
    return f"support.chat.{chat_id}"


def order_topic(code: str) -> str:
    return f"order.{code.upper()}"


def account_topic(user_id: int) -> str:
    """The account's sessions changed (signed out elsewhere, blocked): its open tabs look again."""
    return f"account.{user_id}"


def checkin_topic(event_id: int) -> str:
    return f"checkin.{event_id}"


@dataclass(frozen=True)
class Fact:
    topic: str
    payload: dict[str, Any] = field(default_factory=dict)


class Bus(Protocol):
    def publish(self, topic: str, payload: dict[str, Any] | None = None) -> None: ...

    def facts(self) -> AsyncIterator[Fact]: ...


class InProcessBus:
    """Delivers to the listeners of this process; `publish` may be called from any thread."""

    def __init__(self) -> None:
        self._listeners: list[tuple[asyncio.AbstractEventLoop, asyncio.Queue[Fact]]] = []
        self._lock = threading.Lock()

    def publish(self, topic: str, payload: dict[str, Any] | None = None) -> None:
        fact = Fact(topic, payload or {})
        with self._lock:
            listeners = list(self._listeners)
        for loop, queue in listeners:
            if not loop.is_closed():
                loop.call_soon_threadsafe(queue.put_nowait, fact)

    async def facts(self) -> AsyncIterator[Fact]:
        listener = (asyncio.get_running_loop(), asyncio.Queue[Fact]())
        with self._lock:
            self._listeners.append(listener)
        try:
            while True:
                yield await listener[1].get()
        finally:
            with self._lock:
                self._listeners.remove(listener)


class RedisBus:
    """Redis pub/sub under `prefix`: a fact published in one process reaches every listening process."""

    def __init__(self, url: str, prefix: str) -> None:
        self.url, self.prefix = url, prefix
        self._client: Any = None
        self._lock = threading.Lock()

    def _sync_client(self) -> Any:
        import redis  # only processes configured with Redis need it

        with self._lock:
            if self._client is None:
                self._client = redis.Redis.from_url(self.url, socket_timeout=2, socket_connect_timeout=2)
            return self._client

    def publish(self, topic: str, payload: dict[str, Any] | None = None) -> None:
        self._sync_client().publish(self.prefix + topic, json.dumps(payload or {}))

    async def facts(self) -> AsyncIterator[Fact]:
        import redis.asyncio as aioredis

        while True:  # a lost Redis connection is retried; facts meanwhile are lost (screens re-read later)
            client = aioredis.Redis.from_url(self.url)
            pubsub = client.pubsub(ignore_subscribe_messages=True)
            try:
                await pubsub.psubscribe(self.prefix + "*")
                async for message in pubsub.listen():
                    if message.get("type") == "pmessage":
                        yield self._fact(message)
            except (OSError, ConnectionError, aioredis.RedisError) as error:
                logger.warning("live bus: Redis connection lost (%s); retrying", error)
                await asyncio.sleep(REDIS_RETRY_S)
            finally:
                await pubsub.aclose()
                await client.aclose()

    def _fact(self, message: dict[str, Any]) -> Fact:
        channel = message["channel"].decode() if isinstance(message["channel"], bytes) else message["channel"]
        try:
            payload = json.loads(message["data"])
        except (TypeError, ValueError):
            payload = {}
        return Fact(channel.removeprefix(self.prefix), payload if isinstance(payload, dict) else {})


def redis_prefix(url: str) -> str:
    """Pub/sub ignores Redis database numbers: the prefix carries it, so apps on other databases stay apart."""
    database = urlparse(url).path.strip("/") or "0"
    return f"ticketapp:{database}:live:"


_bus: Bus | None = None


def bus() -> Bus:
    global _bus  # one bus per process, chosen on first use
    if _bus is None:
        url = os.environ.get("REFLEX_REDIS_URL", "")
        _bus = RedisBus(url, redis_prefix(url)) if url else InProcessBus()
    return _bus


def use_bus(chosen: Bus | None) -> None:
    """Set this process's bus (None: choose again from the environment on next use)."""
    global _bus  # one bus per process
    _bus = chosen


def publish(topic: str, payload: dict[str, Any] | None = None) -> None:
    """Announce a committed change; never raises (the change is stored, screens catch up on their next read)."""
    try:
        bus().publish(topic, payload)
    except Exception:  # a broken bus must not undo or fail the caller's work
        logger.warning("live bus: could not publish %s", topic, exc_info=True)
