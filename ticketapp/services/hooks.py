"""One-way jobs: services announce what happened, `ticketapp.tasks` decides what runs.

Services call `emit("order.paid", order_id=…)` after their commit and never import
the task module; `tasks.py` subscribes its jobs with `@on("order.paid")` and is
imported by the app and the worker. Every event is declared here with its payload,
and emitting one that nobody subscribed to raises: a forgotten import fails loudly
instead of dropping a job.

This module imports nothing of ours, so anything may import it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

# Each known event and the keyword arguments its subscriber receives.
EVENTS: dict[str, frozenset[str]] = {
    "order.paid": frozenset({"order_id"}),  # issue the tickets, send the confirmation
    "order.refunded": frozenset({"order_id", "refund_id"}),  # send the refund notice
    "order.confirmation_resend": frozenset({"order_id"}),  # send the confirmation again
    "order.tickets_render": frozenset({"order_id", "lang"}),  # render the order's PDF again
    "mail.queued": frozenset({"payload"}),  # deliver one mail (SMTP or outbox)
    "support.reply_sent": frozenset({"message_id"}),  # e-mail an agent's reply to the customer
    "waitlist.seats_back": frozenset({"ticket_type_ids"}),  # offer freed seats to the waiting lists
    "messaging.send": frozenset({"message_id"}),  # send a started message's batches
    "webhooks.due": frozenset(),  # outgoing webhook deliveries were recorded: send what is due
}

Subscriber = TypeVar("Subscriber", bound=Callable[..., Any])

_subscribers: dict[str, Callable[..., Any]] = {}
log = logging.getLogger(__name__)


class UnknownEventError(LookupError):
    """An event name that is not declared in EVENTS (a typo, or a new event not declared yet)."""


class NoSubscriberError(RuntimeError):
    """A known event was emitted but no job subscribed to it: the work would be lost."""


def _known(name: str) -> frozenset[str]:
    if name not in EVENTS:
        raise UnknownEventError(f"unknown event {name!r}; known events: {', '.join(sorted(EVENTS))}")
    return EVENTS[name]


def on(name: str) -> Callable[[Subscriber], Subscriber]:
    """Subscribe the decorated callable to `name`; it is returned unchanged.

    One subscriber per event: each event starts exactly one job. Subscribing again
    replaces the earlier one, so a re-imported task module (tests reload it with
    another queue backend) never runs a job twice.
    """
    _known(name)

    def register(subscriber: Subscriber) -> Subscriber:
        _subscribers[name] = subscriber
        return subscriber

    return register


def _subscriber(name: str, payload: dict[str, Any]) -> Callable[..., Any]:
    expected = _known(name)
    if set(payload) != expected:
        raise TypeError(f"event {name!r} takes {sorted(expected)}, got {sorted(payload)}")
    subscriber = _subscribers.get(name)
    if subscriber is None:
        raise NoSubscriberError(f"nothing subscribed to {name!r}: import ticketapp.tasks in this process")
    return subscriber


def emit(name: str, **payload: Any) -> None:
    """Hand `payload` to the subscriber of `name` (a job: queued, or run inline with JOBS_IMMEDIATE=1)."""
    _subscriber(name, payload)(**payload)


def emit_due(name: str, **payload: Any) -> None:
    """Like `emit`, for work already recorded as due in the commit that caused it (services.shared.due).

    The cause is committed, so a queue that cannot take the job (full, locked, down) must
    not turn it into an error for the user: the failure is logged and the reconciler
    enqueues the job later. A wrong event name or payload still raises: that is a bug.
    """
    subscriber = _subscriber(name, payload)
    try:
        subscriber(**payload)
    except Exception:
        ids = {key: value for key, value in payload.items() if key != "payload"}  # never a mail's content
        log.exception("could not start %s %s now; the reconciler will", name, ids)
