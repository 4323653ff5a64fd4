"""The door's set-up per event: gates (which ticket types enter where) and the re-entry rule."""

from __future__ import annotations

from sqlmodel import Session, select

from ticketapp.i18n import msgid
from ticketapp.models import CheckinGate, Event, TicketType
from ticketapp.services.errors import DomainError
from ticketapp.services.tickets.checkin import event_gates

NAME_MAX = 80
MAX_GATES = 50


class GateError(DomainError):
    """A gate that cannot be saved or removed (nothing was changed)."""


def add_gate(session: Session, event_id: int, name: str, ticket_type_ids: list[int]) -> CheckinGate:
    """A gate admitting these ticket types (none: every type) (commits)."""
    name = name.strip()
    if not name or len(name) > NAME_MAX:
        raise GateError(msgid("Name the gate (at most 80 characters)."))
    if session.get(Event, event_id) is None:
        raise GateError(msgid("Event not found."))
    known = set(session.exec(select(TicketType.id).where(TicketType.event_id == event_id)).all())
    if any(type_id not in known for type_id in ticket_type_ids):
        raise GateError(msgid("That ticket type is not one of this event's."))
    gates = event_gates(session, event_id)
    if len(gates) >= MAX_GATES:
        raise GateError(msgid("An event has at most 50 gates."))
    if any(gate.name.casefold() == name.casefold() for gate in gates):
        raise GateError(msgid("There is already a gate called {name}."), name=name)
    gate = CheckinGate(event_id=event_id, name=name, ticket_type_ids=sorted(set(ticket_type_ids)) or None)
    session.add(gate)
    session.commit()
    session.refresh(gate)
    return gate


def remove_gate(session: Session, event_id: int, gate_id: int) -> None:
    gate = session.get(CheckinGate, gate_id)
    if gate is None or gate.event_id != event_id:
        raise GateError(msgid("Gate not found."))
    session.delete(gate)
    session.commit()


def set_reentry(session: Session, event_id: int, allowed: bool) -> None:
    """Deny a second entry (the default) or allow one after each exit scan (commits)."""
    event = session.get(Event, event_id)
    if event is None:
        raise GateError(msgid("Event not found."))
    event.reentry_allowed = allowed
    session.add(event)
    session.commit()
