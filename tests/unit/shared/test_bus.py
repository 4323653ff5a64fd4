"""The live bus: in-process delivery, delivery across processes through Redis, and a publish that never fails."""

from __future__ import annotations

import asyncio
import concurrent.futures
import socket
import subprocess
import sys
import textwrap
import uuid
from typing import Any

import pytest

from ticketapp.services.shared import bus
from ticketapp.services.shared.bus import Fact, InProcessBus, RedisBus


async def _first(source: bus.Bus, publish: object, wait_s: float = 5.0) -> Fact:
    facts = source.facts()
    listening = asyncio.ensure_future(anext(facts))
    await asyncio.sleep(0.2)  # subscribed before anyone publishes
    publish()  # type: ignore[operator]
    try:
        return await asyncio.wait_for(listening, wait_s)
    finally:
        await facts.aclose()


def _run_apart(coroutine: Any) -> Any:
    """asyncio.run in a thread of its own: in the whole suite Playwright's loop runs in the main thread."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def test_in_process_bus_delivers_to_its_listener_from_any_thread() -> None:
    source = InProcessBus()

    async def scenario() -> Fact:
        loop = asyncio.get_running_loop()
        return await _first(source, lambda: loop.run_in_executor(None, source.publish, "support.chat.7", {"fact": "x"}))

    assert _run_apart(scenario()) == Fact("support.chat.7", {"fact": "x"})


def test_publish_without_listener_or_with_a_broken_bus_does_not_raise() -> None:
    bus.use_bus(InProcessBus())
    try:
        bus.publish("order.ABC")
        bus.use_bus(RedisBus("redis://127.0.0.1:1/0", "test:"))  # nothing listens on port 1
        bus.publish("order.ABC")
    finally:
        bus.use_bus(None)


def test_redis_prefix_carries_the_database() -> None:
    assert bus.redis_prefix("redis://127.0.0.1:6379/13") == "ticketapp:13:live:"
    assert bus.redis_prefix("redis://127.0.0.1:6379") == "ticketapp:0:live:"


def _redis_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


@pytest.mark.skipif(not _redis_answers(), reason="needs Redis at 127.0.0.1:6379")
def test_redis_bus_delivers_a_fact_published_by_another_process() -> None:
    url, prefix = "redis://127.0.0.1:6379/0", f"ticketapp-test-{uuid.uuid4().hex[:8]}:"
    other_process = textwrap.dedent(f"""
        from ticketapp.services.shared.bus import RedisBus
        RedisBus({url!r}, {prefix!r}).publish("checkin.42", {{"fact": "admitted"}})
    """)

    def publish_elsewhere() -> None:
        subprocess.run([sys.executable, "-c", other_process], check=True, timeout=30)

    fact = _run_apart(_first(RedisBus(url, prefix), publish_elsewhere, wait_s=30))
    assert fact == Fact("checkin.42", {"fact": "admitted"})
