"""Service-level targets: when a ticket's first response and resolution are due, and how each timer stands."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from ticketapp.models import SupportTicket
from ticketapp.models.support import Priority
from ticketapp.settings import get_settings


def parse_targets(spec: str) -> dict[str, int]:
    """'urgent:30,high:60' -> {'urgent': 30, 'high': 60} (minutes)."""
    targets: dict[str, int] = {}
    for part in spec.split(","):
        name, _, minutes = part.strip().partition(":")
        if name and minutes.strip().isdigit():
            targets[name.strip()] = int(minutes)
    return targets


def sla_targets(priority: str) -> tuple[timedelta, timedelta]:
    """(first response, resolution) allowances for a priority."""
    settings = get_settings().support
    first = parse_targets(settings.sla_first_response)
    resolution = parse_targets(settings.sla_resolution)
    return (
        timedelta(minutes=first.get(priority, first.get(Priority.NORMAL, 240))),
        timedelta(minutes=resolution.get(priority, resolution.get(Priority.NORMAL, 2880))),
    )


def apply_sla(ticket: SupportTicket) -> None:
    """Due times count from creation, so a priority change moves them both."""
    first, resolution = sla_targets(ticket.priority)
    ticket.first_response_due_at = ticket.created_at + first
    ticket.resolution_due_at = ticket.created_at + resolution


@dataclass(frozen=True)
class SlaTimer:
    state: str  # "met", "running", "overdue", "missed" (met, but late)
    seconds_left: int  # negative when overdue


def _timer(due: datetime, done_at: datetime | None, now: datetime) -> SlaTimer:
    if done_at is not None:
        return SlaTimer("met" if done_at <= due else "missed", int((due - done_at).total_seconds()))
    left = int((due - now).total_seconds())
    return SlaTimer("running" if left >= 0 else "overdue", left)


def first_response_timer(ticket: SupportTicket, now: datetime) -> SlaTimer:
    return _timer(ticket.first_response_due_at, ticket.first_response_at, now)


def resolution_timer(ticket: SupportTicket, now: datetime) -> SlaTimer:
    return _timer(ticket.resolution_due_at, ticket.resolved_at, now)


def is_overdue(ticket: SupportTicket, now: datetime) -> bool:
    return "overdue" in (first_response_timer(ticket, now).state, resolution_timer(ticket, now).state)
