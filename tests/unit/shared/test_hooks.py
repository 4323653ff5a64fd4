"""One-way jobs: services emit declared events, the task module subscribes; a job never silently disappears."""

from __future__ import annotations

import ast
import inspect
from typing import Any

import pytest

from ticketapp.services import hooks


@pytest.fixture
def no_subscribers(monkeypatch: pytest.MonkeyPatch) -> None:
    """Hide the real jobs (tests/conftest.py imports ticketapp.tasks) for the duration of a test."""
    monkeypatch.setattr(hooks, "_subscribers", {})


def test_the_subscriber_receives_the_payload(no_subscribers: None) -> None:
    received: list[dict[str, Any]] = []

    @hooks.on("order.refunded")
    def remember(**payload: Any) -> None:
        received.append(payload)

    hooks.emit("order.refunded", order_id=7, refund_id=3)
    assert received == [{"order_id": 7, "refund_id": 3}]


def test_a_known_event_without_subscriber_raises(no_subscribers: None) -> None:
    with pytest.raises(hooks.NoSubscriberError, match=r"order\.paid"):
        hooks.emit("order.paid", order_id=1)


def test_an_unknown_event_raises_on_emit_and_on_subscribe(no_subscribers: None) -> None:
    with pytest.raises(hooks.UnknownEventError, match=r"order\.payed"):
        hooks.emit("order.payed", order_id=1)
    with pytest.raises(hooks.UnknownEventError):
        hooks.on("order.payed")


def test_a_payload_must_carry_exactly_the_declared_keys(no_subscribers: None) -> None:
    hooks.on("order.paid")(lambda order_id: None)
    with pytest.raises(TypeError, match="order_id"):
        hooks.emit("order.paid", order=1)
    with pytest.raises(TypeError):
        hooks.emit("order.paid", order_id=1, lang="en")


def test_subscribing_again_replaces_so_a_reloaded_module_runs_a_job_once(no_subscribers: None) -> None:
    calls: list[str] = []
    hooks.on("order.paid")(lambda order_id: calls.append("first"))
    hooks.on("order.paid")(lambda order_id: calls.append("second"))
    hooks.emit("order.paid", order_id=1)
    assert calls == ["second"]


def test_the_task_module_subscribes_a_job_to_every_event() -> None:
    import ticketapp.tasks  # noqa: F401  (what the app and the worker import)

    assert set(hooks._subscribers) == set(hooks.EVENTS)


def test_hooks_import_nothing_of_ours() -> None:
    tree = ast.parse(inspect.getsource(hooks))
    imported = [node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)] + [
        alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names
    ]
    assert not [name for name in imported if name.startswith("ticketapp")]
