"""The web layer's live hub (state/live.py): fan-out to followers, coalescing, and dropping viewers that left."""

from __future__ import annotations

import asyncio
import concurrent.futures
from typing import Any
from unittest import mock

from ticketapp.services.shared.bus import Fact
from ticketapp.state import live
from ticketapp.state.live import Follower, Hub


def _run_apart(coroutine: Any) -> Any:
    """asyncio.run in a thread of its own: in the whole suite Playwright's loop runs in the main thread."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


class _Screen:  # stands in for a state class: the hub only keys followers by it
    pass


def _hub(connected: set[str], pushed: list[tuple[str, list[str]]]) -> Hub:
    async def apply(follower: Follower, facts: list[Fact]) -> None:
        pushed.append((follower[0], [fact.topic for fact in facts]))

    return Hub(lambda token: token in connected, apply)


async def _settle() -> None:
    for _ in range(5):
        await asyncio.sleep(0)


def test_a_fact_reaches_only_the_followers_of_its_topic() -> None:
    pushed: list[tuple[str, list[str]]] = []
    hub = _hub({"a", "b", "c"}, pushed)

    async def scenario() -> None:
        hub.follow(("a", _Screen), ["support.chat.1"])  # type: ignore[arg-type]
        hub.follow(("b", _Screen), ["support.chat.1", "support.chats"])  # type: ignore[arg-type]
        hub.follow(("c", _Screen), ["support.chat.2"])  # type: ignore[arg-type]
        hub.deliver(Fact("support.chat.1"))
        await _settle()

    _run_apart(scenario())
    assert sorted(pushed) == [("a", ["support.chat.1"]), ("b", ["support.chat.1"])]


def test_facts_arriving_before_a_push_ran_are_read_once_per_topic() -> None:
    pushed: list[tuple[str, list[str]]] = []
    hub = _hub({"a"}, pushed)

    async def scenario() -> None:
        hub.follow(("a", _Screen), ["support.chat.1", "support.chats"])  # type: ignore[arg-type]
        hub.deliver(Fact("support.chat.1"))
        for _ in range(5):  # before the first push ran
            hub.deliver(Fact("support.chat.1"))
        hub.deliver(Fact("support.chats"))
        await _settle()

    _run_apart(scenario())
    assert pushed == [("a", ["support.chat.1", "support.chats"])]


def test_a_viewer_that_left_is_dropped_after_the_grace_and_an_unfollow_ends_it_at_once() -> None:
    pushed: list[tuple[str, list[str]]] = []
    connected = {"stays", "leaves", "unfollows"}
    hub = _hub(connected, pushed)
    clock = [1000.0]

    async def scenario() -> None:
        with mock.patch.object(live.time, "monotonic", lambda: clock[0]):
            for token in connected:
                hub.follow((token, _Screen), ["checkin.5"])  # type: ignore[arg-type]
            connected.discard("leaves")
            hub.follow(("unfollows", _Screen), [])  # type: ignore[arg-type]
            hub.deliver(Fact("checkin.5"))  # within the grace: a reconnect blip still gets it
            await _settle()
            clock[0] += live.DISCONNECT_GRACE_S + 1
            hub.deliver(Fact("checkin.5"))
            await _settle()

    _run_apart(scenario())
    assert sorted(token for token, _ in pushed) == ["leaves", "stays", "stays"]
    assert hub.followers("checkin.5") == {("stays", _Screen)}
    assert hub.topics_of(("leaves", _Screen)) == set()  # type: ignore[arg-type]


def test_a_follower_expires_without_following_again() -> None:
    pushed: list[tuple[str, list[str]]] = []
    hub = _hub({"a"}, pushed)
    clock = [0.0]
    with mock.patch.object(live.time, "monotonic", lambda: clock[0]):
        hub.follow(("a", _Screen), ["order.X"])  # type: ignore[arg-type]
        clock[0] += live.FOLLOW_TTL_S + 1
        hub.sweep()
    assert hub.followers("order.X") == set()


def test_a_fading_fact_is_looked_at_again_once_it_faded() -> None:
    pushed: list[tuple[str, list[str]]] = []
    hub = _hub({"a"}, pushed)

    async def scenario() -> None:
        hub.follow(("a", _Screen), ["support.chat.1"])  # type: ignore[arg-type]
        hub.deliver(Fact("support.chat.1", {"fact": "typing", "fades_after_s": 0.0}))
        await asyncio.sleep(0.4)

    _run_apart(scenario())
    assert pushed == [("a", ["support.chat.1"]), ("a", ["support.chat.1"])]
