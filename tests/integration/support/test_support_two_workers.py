"""Two backend workers sharing Redis: a chat line sent through worker A reaches a
client connected to worker B within about a second, and a client that reconnects
to the other worker gets what it missed.

Clients speak Reflex's own websocket protocol (python-socketio against `/_event`),
the way the browser does; the workers are real `reflex run --backend-only`
processes on one database and one Redis.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import socketio
from sqlmodel import Session

from ticketapp.db import make_engine
from ticketapp.models import User
from ticketapp.services.accounts.access import viewer_for_user as get_viewer
from ticketapp.services.shared import bus
from ticketapp.services.support import chat as support_chat
from ticketapp.services.support import presence as support_presence

PROJECT_DIR = Path(__file__).resolve().parents[3]
ROOT = "reflex___state____state"
CHAT = f"{ROOT}.ticketapp___state___support___chat____support_chat_state"
DELIVERY_BUDGET_S = 1.5


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The machine's Redis when it answers (CI), else a private redis-server."""
    if _answers(6379):
        yield "redis://127.0.0.1:6379/13"
        return
    port = _free_port()
    folder = tmp_path_factory.mktemp("redis")
    proc = subprocess.Popen(
        [shutil.which("redis-server") or "redis-server", "--port", str(port), "--bind", "127.0.0.1",
         "--save", "", "--appendonly", "no", "--dir", str(folder)],
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 10
        while not _answers(port) and time.monotonic() < deadline:
            time.sleep(0.1)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture(scope="module")
def workers(redis_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    folder = tmp_path_factory.mktemp("two-workers")
    database_url = f"sqlite:///{folder / 'app.db'}"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DATABASE_URL", "REFLEX_DB_URL"))}
    env.update(
        DATA_DIR=str(folder),
        DATABASE_URL=database_url,
        REFLEX_REDIS_URL=redis_url,
        GRANIAN_WORKERS="1",
        JOBS_IMMEDIATE="1",
        REFLEX_TELEMETRY_ENABLED="false",
        REFLEX_CHECK_LATEST_VERSION="false",
        REFLEX_USE_SYSTEM_BUN="1",
        REFLEX_WEB_WORKDIR=str(folder / "web"),
        PATH=f"{PROJECT_DIR / '.venv/bin'}:{env.get('PATH', '')}",
    )
    subprocess.run([sys.executable, "-m", "ticketapp", "migrate"], cwd=PROJECT_DIR, env=env, check=True)
    ports = [_free_port(), _free_port()]
    # The test client connects straight to each worker, so each worker's own origin is allowed (Reflex reads
    # REFLEX_CORS_ALLOWED_ORIGINS over rxconfig's BASE_URL origin).
    env["REFLEX_CORS_ALLOWED_ORIGINS"] = ",".join(f"http://127.0.0.1:{port}" for port in ports)
    procs = []
    for index, port in enumerate(ports):
        log = (folder / f"worker-{index}.log").open("wb")
        # Each `reflex run` empties its states folder on start: give each its own.
        worker_env = {**env, "REFLEX_STATES_WORKDIR": str(folder / f"states-{index}")}
        procs.append(
            subprocess.Popen(
                [
                    str(PROJECT_DIR / ".venv/bin/reflex"),
                    "run",
                    "--env",
                    "prod",
                    "--backend-only",
                    "--backend-port",
                    str(port),
                ],
                cwd=PROJECT_DIR,
                env=worker_env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        )
    # This process writes too (the agent's answer): like every writer, it publishes on the workers' Redis.
    bus.use_bus(bus.RedisBus(redis_url, bus.redis_prefix(redis_url)))
    try:
        for port, proc in zip(ports, procs, strict=True):
            _wait_for_ping(port, proc, folder)
        yield {"a": f"http://127.0.0.1:{ports[0]}", "b": f"http://127.0.0.1:{ports[1]}", "database_url": database_url}
    finally:
        bus.use_bus(None)
        for proc in procs:
            _signal(proc, 15)
        for proc in procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                _signal(proc, 9)


def _signal(proc: subprocess.Popen[bytes], signal_number: int) -> None:
    """Signal a worker's process group (it may already have exited)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal_number)


def _wait_for_ping(port: int, proc: subprocess.Popen[bytes], folder: Path) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            logs = "".join(p.read_text() for p in folder.glob("worker-*.log"))
            raise RuntimeError(f"worker exited:\n{logs[-4000:]}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/ping", timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("worker did not start")


class Tab:
    """One browser tab: a token, a websocket to one worker, and the state it was sent."""

    def __init__(self, token: str | None = None) -> None:
        self.token = token or str(uuid.uuid4())
        self.state: dict[str, dict[str, Any]] = {}
        self.changed = threading.Condition()
        self.sio = socketio.Client(reconnection=False)
        self.sio.on("event", self._on_event, namespace="/_event")

    def _on_event(self, update: dict[str, Any]) -> None:
        with self.changed:
            for substate, values in (update.get("delta") or {}).items():
                self.state.setdefault(substate, {}).update(values)
            self.changed.notify_all()

    def connect(self, url: str, storage: dict[str, str] | None = None) -> None:
        self.sio.connect(
            f"{url}?token={self.token}", socketio_path="/_event", transports=["websocket"], namespaces=["/_event"]
        )
        self.send(f"{ROOT}.hydrate_and_load", {"vars": storage or {}})
        self.wait_for(lambda s: s.get(ROOT, {}).get("is_hydrated_rx_state_") is True, 10)

    def send(self, handler: str, payload: dict[str, Any] | None = None) -> None:
        event = {"name": handler, "payload": payload or {}, "router_data": {"pathname": "/", "asPath": "/"}}
        self.sio.emit("event", event, namespace="/_event")

    def chat(self, handler: str, payload: dict[str, Any] | None = None) -> None:
        self.send(f"{CHAT}.{handler}", payload)

    def wait_for(self, condition: Callable[[dict[str, dict[str, Any]]], bool], timeout: float) -> float:
        """Seconds until `condition(state)` held; fails after `timeout`."""
        start = time.monotonic()
        with self.changed:
            while not condition(self.state):
                left = timeout - (time.monotonic() - start)
                assert left > 0, f"timed out; chat state: {self.state.get(CHAT)}"
                self.changed.wait(left)
        return time.monotonic() - start

    def chat_var(self, name: str) -> Any:
        return self.state.get(CHAT, {}).get(f"{name}_rx_state_")

    def close(self) -> None:
        self.sio.disconnect()


def _bodies(state: dict[str, dict[str, Any]]) -> list[str]:
    return [m["body"] for m in state.get(CHAT, {}).get("messages_rx_state_", [])]


def _shows(text: str) -> Callable[[dict[str, dict[str, Any]]], bool]:
    return lambda state: text in _bodies(state)


def _agent_online(database_url: str) -> int:
    engine = make_engine(database_url)
    with Session(engine) as session:
        user = User(email=f"agent-{uuid.uuid4().hex[:6]}@example.com", display_name="Agnès Agent", role="agent")
        session.add(user)
        session.commit()
        support_presence.set_presence(session, get_viewer(session, user.id), "online")
        user_id = user.id
    engine.dispose()
    return user_id


def _agent_replies(database_url: str, agent_id: int, chat_token: str, text: str) -> None:
    engine = make_engine(database_url)
    with Session(engine) as session:
        agent = get_viewer(session, agent_id)
        chat = support_chat.chat_for_customer(session, chat_token, customer_id=None)
        if chat.agent_id is None:
            support_chat.take_chat(session, agent, chat.id)
        support_chat.post_agent_message(session, agent, chat.id, text)
    engine.dispose()


def test_chat_lines_cross_workers_within_a_second_and_reconnects_catch_up(workers: dict[str, Any]) -> None:
    agent_id = _agent_online(workers["database_url"])
    first = Tab()  # the customer's first tab, on worker A
    first.connect(workers["a"])
    first.chat("toggle_panel")
    first.chat("watch")
    first.chat("start", {"form": {"guest_name": "Wanda", "guest_email": "wanda@example.com", "topic": "other"}})
    first.wait_for(lambda s: bool(s.get(CHAT, {}).get("chat_token_rx_state_")), 5)
    chat_token = first.chat_var("chat_token")

    second = Tab()  # a second tab of the same chat (its browser storage holds the token), on worker B
    second.connect(workers["b"], storage={f"{CHAT}.chat_token_rx_state_": chat_token})
    second.chat("toggle_panel")
    second.chat("watch")
    second.wait_for(lambda s: s.get(CHAT, {}).get("started_rx_state_") is True, 5)

    try:
        # Sent through worker A, seen by the client on worker B.
        first.chat("send", {"form": {"message": "Hello from worker A"}})
        crossed = second.wait_for(_shows("Hello from worker A"), 5)
        print(f"worker A -> client on worker B: {crossed:.2f} s")
        assert crossed < DELIVERY_BUDGET_S
        assert first.wait_for(_shows("Hello from worker A"), 5) < DELIVERY_BUDGET_S

        # An agent's answer (written by whichever worker serves the agent) reaches both.
        started = time.monotonic()
        _agent_replies(workers["database_url"], agent_id, chat_token, "Hi Wanda, agent here")
        second.wait_for(_shows("Hi Wanda, agent here"), 5)
        first.wait_for(_shows("Hi Wanda, agent here"), 5)
        assert time.monotonic() - started < DELIVERY_BUDGET_S

        # Tab B drops; a line arrives meanwhile; B comes back on worker A and catches up.
        second.close()
        first.chat("send", {"form": {"message": "Sent while you were away"}})
        first.wait_for(_shows("Sent while you were away"), 5)
        returning = Tab(token=second.token)
        returning.connect(workers["a"], storage={f"{CHAT}.chat_token_rx_state_": chat_token})
        returning.chat("watch")  # the open panel mounts again and restarts its loop
        returning.wait_for(_shows("Sent while you were away"), 5)
        lines = [body for body in _bodies(returning.state) if not body.endswith("joined the chat.")]
        assert lines == ["Hello from worker A", "Hi Wanda, agent here", "Sent while you were away"]
        returning.close()
    finally:
        first.close()
