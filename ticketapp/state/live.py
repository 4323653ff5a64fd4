"""Live updates pushed to open screens: one listener per backend worker, no loop per viewer.

A screen that shows something other people change (a chat, the agents' queue, an
order waiting for its payment, a door's check-in counter) *follows* the bus topics
of those facts (`follow(self, ...)`, from its load or mount event). This worker's one
listener task receives every fact (`services.shared.bus`: Redis pub/sub across
workers, else in-process) and, for each viewer following the topic whose socket is on
this worker, opens that viewer's state (`app.modify_state`) and calls its
`_on_fact(topic, payload)` (private: a browser cannot call it), which reads the database again and assigns what changed;
Reflex sends the delta. An idle viewer costs a dictionary entry.

Followers are dropped when they unfollow, when their socket has been gone from this
worker for `DISCONNECT_GRACE_S` (a reconnect mounts the screen again, which follows
again, on whichever worker it lands), or after `FOLLOW_TTL_S` without following again.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any

import reflex as rx
from reflex.istate.manager.token import BaseStateToken
from reflex_base.registry import RegistrationContext

from ticketapp.services.shared import bus as live_bus
from ticketapp.services.shared.bus import Bus, Fact

logger = logging.getLogger(__name__)

# Short socket blips (reconnects) keep a follower; a gone browser is dropped.
DISCONNECT_GRACE_S = 15.0
FOLLOW_TTL_S = 4 * 3600.0
# Local only, every TICK_S: staff screens refresh what changes with the clock (SLA timers, presence).
TICK = "tick"
TICK_S = 30.0

Follower = tuple[str, type[rx.State]]  # (client token, the state class that follows)
Apply = Callable[[Follower, list[Fact]], Awaitable[None]]


@dataclass
class _Following:
    topics: set[str]
    expires: float
    last_connected: float


class Hub:
    """This worker's followers per topic, and the fan-out of facts to them."""

    def __init__(self, is_connected: Callable[[str], bool], apply: Apply) -> None:
        self._is_connected, self._apply = is_connected, apply
        self._following: dict[Follower, _Following] = {}
        self._by_topic: defaultdict[str, set[Follower]] = defaultdict(set)
        self._pending: dict[Follower, list[Fact]] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    def follow(self, follower: Follower, topics: Iterable[str]) -> None:
        """`follower` now follows exactly `topics` (an empty set ends it)."""
        self.unfollow(follower)
        wanted = set(topics)
        if not wanted:
            return
        now = time.monotonic()
        self._following[follower] = _Following(wanted, expires=now + FOLLOW_TTL_S, last_connected=now)
        for topic in wanted:
            self._by_topic[topic].add(follower)

    def unfollow(self, follower: Follower) -> None:
        following = self._following.pop(follower, None)
        for topic in following.topics if following else ():
            self._by_topic[topic].discard(follower)
            if not self._by_topic[topic]:
                del self._by_topic[topic]

    def topics_of(self, follower: Follower) -> set[str]:
        following = self._following.get(follower)
        return set(following.topics) if following else set()

    def followers(self, topic: str) -> set[Follower]:
        return set(self._by_topic.get(topic, ()))

    def _still_here(self, follower: Follower, now: float) -> bool:
        following = self._following[follower]
        if self._is_connected(follower[0]):
            following.last_connected = now
        elif now - following.last_connected > DISCONNECT_GRACE_S:
            return False
        return now < following.expires

    def deliver(self, fact: Fact) -> None:
        """Hand `fact` to every follower of its topic still here; at most one push runs per follower."""
        now = time.monotonic()
        for follower in self.followers(fact.topic):
            if not self._still_here(follower, now):
                self.unfollow(follower)
            elif follower in self._pending:
                self._pending[follower].append(fact)  # the running push takes it next
            else:
                self._pending[follower] = [fact]
                task = asyncio.create_task(self._push(follower))
                self._tasks.add(task)
                task.add_done_callback(self._tasks.discard)
        if isinstance(fades := fact.payload.get("fades_after_s"), int | float):
            # A fact that fades by itself ("is typing"): look again once it has, one timer per fact, not per viewer.
            asyncio.get_running_loop().call_later(fades + 0.2, self.deliver, Fact(fact.topic, {"fact": "faded"}))

    async def _push(self, follower: Follower) -> None:
        try:
            while facts := self._pending.get(follower):
                self._pending[follower] = []
                # One read per topic, however many facts of it arrived meanwhile.
                latest = {fact.topic: fact for fact in facts}
                await self._apply(follower, list(latest.values()))
        except Exception:
            logger.exception("live push to %s failed", follower[1].__name__)
        finally:
            self._pending.pop(follower, None)

    def sweep(self) -> None:
        now = time.monotonic()
        for follower in list(self._following):
            if not self._still_here(follower, now):
                self.unfollow(follower)

    async def listen(self, source: Bus) -> None:
        """The worker's one listener: every fact from the bus, fanned out here."""
        ticking = asyncio.create_task(self._tick())
        try:
            async for fact in source.facts():
                self.deliver(fact)
        finally:
            ticking.cancel()

    async def _tick(self) -> None:
        while True:
            await asyncio.sleep(TICK_S)
            self.sweep()
            self.deliver(Fact(TICK))


def _app() -> Any:
    # The running app, as Reflex's own shared states reach it (reflex/istate/shared.py):
    # importing the app module from here would make the UI depend on its own entry point.
    return RegistrationContext.get().app


def _connected_here(token: str) -> bool:
    """Whether the browser behind `token` has its socket on this worker (others push to their own)."""
    namespace = _app().event_namespace
    if namespace is None:
        return False
    manager = namespace._token_manager  # no public accessor in 0.10.1
    record = manager.token_to_socket.get(token)
    return record is not None and record.instance_id == manager.instance_id


async def _apply_to_state(follower: Follower, facts: list[Fact]) -> None:
    token, state_class = follower
    async with _app().modify_state(BaseStateToken(ident=token, cls=state_class)) as root:
        screen = await root.get_state(state_class)
        for fact in facts:
            await screen._on_fact(fact.topic, fact.payload)


hub = Hub(_connected_here, _apply_to_state)
_listener: asyncio.Task[None] | None = None


async def listen() -> None:
    """The app's lifespan task (ticketapp.py): this worker's one listener."""
    global _listener  # one listener per process
    _listener = asyncio.current_task()
    await hub.listen(live_bus.bus())


def _ensure_listening() -> None:
    """Start the listener on first use when no lifespan task did (an app without the wiring)."""
    global _listener  # one listener per process
    if _listener is None or _listener.done():
        _listener = asyncio.create_task(hub.listen(live_bus.bus()))


def follow(state: rx.State, *topics: str) -> None:
    """This viewer's screen (`state`) follows `topics` from now on (none: it stops following)."""
    _ensure_listening()
    hub.follow((token_of(state), type(state)), topics)


def token_of(state: rx.State) -> str:
    return state.router.session.client_token
