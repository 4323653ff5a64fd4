"""Check-in at the door: one scan, one clear answer, each ticket admitted once.

A scan is either a QR token (signature checked with the public key, then the
secret reference against the database) or a human code typed by staff. The
admission itself is a conditional UPDATE (`… WHERE checked_in_at IS NULL`):
the database decides which of two simultaneous scans wins, never Python.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import func, update
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from ticketapp.models import (
    VOID_STATUSES,
    CheckinGate,
    Event,
    EventStatus,
    Order,
    Ticket,
    TicketStatus,
    TicketType,
    User,
    Venue,
    utcnow,
)
from ticketapp.services.shared import bus
from ticketapp.services.tickets.issuing import normalize_ticket_code
from ticketapp.services.tickets.tokens import (
    InvalidTicketTokenError,
    SigningKey,
    secret_reference,
    sign_document,
    verify_ticket_token,
)
from ticketapp.services.webhooks import events as webhook_events

MAX_SCAN_LENGTH = 2000


class ScanOutcome(StrEnum):
    VALID = "valid"
    ALREADY_USED = "already_used"
    VOID = "void"
    WRONG_EVENT = "wrong_event"
    FORGED = "forged"
    UNKNOWN = "unknown"  # a typed code that matches no ticket
    WRONG_GATE = "wrong_gate"  # this ticket type does not enter at the door's gate
    EXITED = "exited"  # an exit scan: the holder may come back in (the event allows re-entry)
    NOT_INSIDE = "not_inside"  # an exit scan of a ticket that is not in


class EmptyScanError(ValueError):
    """Nothing (or far too much) was scanned or typed."""


@dataclass(frozen=True, slots=True)
class ScanResult:
    outcome: ScanOutcome
    ticket_code: str | None = None
    attendee_name: str | None = None
    ticket_type: str | None = None
    checked_in_at: datetime | None = None
    checked_in_by: str | None = None
    gates: tuple[str, ...] = ()  # WRONG_GATE: the gates where this ticket type does enter
    reentry: bool = False  # VALID: back in after an exit scan

    def as_json(self) -> dict[str, str | None]:
        return {
            "outcome": self.outcome.value,
            "ticket_code": self.ticket_code,
            "attendee_name": self.attendee_name,
            "ticket_type": self.ticket_type,
            "checked_in_at": self.checked_in_at.isoformat() if self.checked_in_at else None,
            "checked_in_by": self.checked_in_by,
        }


def _looks_like_token(text: str) -> bool:
    return text.count(".") == 2


def _ticket_from_token(session: Session, token: str, key: SigningKey, now: datetime) -> Ticket | ScanOutcome:
    try:
        claims = verify_ticket_token(token, key, now=now)
    except InvalidTicketTokenError:
        return ScanOutcome.FORGED
    ticket = session.get(Ticket, claims.ticket_id)
    # Signed by us but naming a ticket that does not exist, or whose secret was rotated: not admissible.
    if ticket is None or secret_reference(ticket.secret) != claims.secret_ref:
        return ScanOutcome.FORGED
    return ticket


def _find_ticket(session: Session, scanned: str, key: SigningKey, now: datetime) -> Ticket | ScanOutcome:
    if _looks_like_token(scanned):
        return _ticket_from_token(session, scanned, key, now)
    ticket = session.exec(select(Ticket).where(Ticket.code == normalize_ticket_code(scanned))).first()
    return ticket if ticket is not None else ScanOutcome.UNKNOWN


def _is_void(session: Session, ticket: Ticket) -> bool:
    order = session.get(Order, ticket.order_id)
    return ticket.status == TicketStatus.VOID or (order is not None and order.status in VOID_STATUSES)


def _result(session: Session, outcome: ScanOutcome, ticket: Ticket) -> ScanResult:
    ticket_type = session.get(TicketType, ticket.ticket_type_id)
    staff = session.get(User, ticket.checked_in_by) if ticket.checked_in_by is not None else None
    return ScanResult(
        outcome=outcome,
        ticket_code=ticket.code,
        attendee_name=ticket.attendee_name,
        ticket_type=ticket_type.name if ticket_type else None,
        checked_in_at=ticket.checked_in_at,
        checked_in_by=staff.display_name if staff else None,
    )


def _admit(session: Session, ticket_id: int, staff_user_id: int | None, now: datetime) -> bool:
    """Mark used if and only if nobody did before; the row count says who won."""
    statement = (
        update(Ticket)
        .where(
            col(Ticket.id) == ticket_id, col(Ticket.checked_in_at).is_(None), col(Ticket.status) == TicketStatus.VALID
        )
        .values(checked_in_at=now, checked_in_by=staff_user_id)
    )
    result = session.exec(statement)
    admitted = int(result.rowcount) == 1
    if admitted:
        ticket = session.get(Ticket, ticket_id)
        data = {"ticket_id": ticket_id, "ticket_code": ticket.code if ticket else "", "checked_in_at": now}
        webhook_events.record(session, "ticket.checked_in", data | {"staff_user_id": staff_user_id}, now=now)
    session.commit()
    return admitted


def gate_admits(gate: CheckinGate, ticket_type_id: int) -> bool:
    return not gate.ticket_type_ids or ticket_type_id in gate.ticket_type_ids


def event_gates(session: Session, event_id: int) -> list[CheckinGate]:
    return list(session.exec(select(CheckinGate).where(CheckinGate.event_id == event_id).order_by(col(CheckinGate.id))))


def _wrong_gate(session: Session, ticket: Ticket) -> ScanResult:
    ticket_type = session.get(TicketType, ticket.ticket_type_id)
    event_id = ticket_type.event_id if ticket_type else 0
    where = tuple(g.name for g in event_gates(session, event_id) if gate_admits(g, ticket.ticket_type_id))
    return replace(_result(session, ScanOutcome.WRONG_GATE, ticket), gates=where)


def _exit(session: Session, ticket_id: int, now: datetime) -> bool:
    """Scanned out if and only if it is in (came in, not out since); the database decides between two scans."""
    statement = (
        update(Ticket)
        .where(col(Ticket.id) == ticket_id, col(Ticket.checked_in_at).is_not(None), col(Ticket.exited_at).is_(None))
        .values(exited_at=now)
    )
    result = session.exec(statement)
    session.commit()
    return int(result.rowcount) == 1


def _come_back(session: Session, ticket_id: int, staff_user_id: int | None) -> bool:
    """In again after an exit scan: only one of two simultaneous scans clears the exit."""
    statement = (
        update(Ticket)
        .where(
            col(Ticket.id) == ticket_id, col(Ticket.exited_at).is_not(None), col(Ticket.status) == TicketStatus.VALID
        )
        .values(exited_at=None, checked_in_by=staff_user_id)
    )
    result = session.exec(statement)
    session.commit()
    return int(result.rowcount) == 1


def scan(
    session: Session,
    event_id: int,
    scanned: str,
    staff_user_id: int | None,
    key: SigningKey,
    now: datetime | None = None,
    *,
    gate_id: int | None = None,
    exit_scan: bool = False,
) -> ScanResult:
    """Check a QR token or typed code in (or out, `exit_scan`) for `event_id` at a gate (None: any).

    A ticket is admitted once; when the event allows re-entry, again after each exit scan.
    """
    text = scanned.strip()
    if not text or len(text) > MAX_SCAN_LENGTH:
        raise EmptyScanError("scan a QR code or type a ticket code")
    now = now or utcnow()
    found = _find_ticket(session, text, key, now)
    if isinstance(found, ScanOutcome):
        return ScanResult(outcome=found)
    ticket = found
    ticket_type = session.get(TicketType, ticket.ticket_type_id)
    if ticket_type is None or ticket_type.event_id != event_id:
        return ScanResult(outcome=ScanOutcome.WRONG_EVENT, ticket_code=ticket.code)
    if _is_void(session, ticket):
        return _result(session, ScanOutcome.VOID, ticket)
    assert ticket.id is not None  # noqa: S101
    if gate_id is not None:
        gate = session.get(CheckinGate, gate_id)
        if gate is None or gate.event_id != event_id or not gate_admits(gate, ticket.ticket_type_id):
            return _wrong_gate(session, ticket)
    if exit_scan:
        outcome = ScanOutcome.EXITED if _exit(session, ticket.id, now) else ScanOutcome.NOT_INSIDE
        session.refresh(ticket)
        return _result(session, outcome, ticket)
    admitted = _admit(session, ticket.id, staff_user_id, now)
    event = session.get(Event, event_id)
    back = (
        not admitted and event is not None and event.reentry_allowed and _come_back(session, ticket.id, staff_user_id)
    )
    session.refresh(ticket)  # the winner's time and staff member, as stored
    if admitted or back:
        bus.publish(bus.checkin_topic(event_id))  # every door's counter for the event
        return replace(_result(session, ScanOutcome.VALID, ticket), reentry=back)
    outcome = ScanOutcome.VOID if ticket.status == TicketStatus.VOID else ScanOutcome.ALREADY_USED
    return _result(session, outcome, ticket)


@dataclass(frozen=True, slots=True)
class CheckinCounter:
    checked_in: int
    sold: int


def _admissible_tickets(event_id: int) -> SelectOfScalar[int]:
    return (
        select(func.count())
        .select_from(Ticket)
        .join(TicketType, col(TicketType.id) == col(Ticket.ticket_type_id))
        .join(Order, col(Order.id) == col(Ticket.order_id))
        .where(
            TicketType.event_id == event_id,
            Ticket.status == TicketStatus.VALID,
            col(Order.status).not_in(VOID_STATUSES),
        )
    )


def checkin_counter(session: Session, event_id: int) -> CheckinCounter:
    """Checked-in vs sold (valid, not refunded) tickets of an event."""
    sold = session.exec(_admissible_tickets(event_id)).one()
    checked_in = session.exec(_admissible_tickets(event_id).where(col(Ticket.checked_in_at).is_not(None))).one()
    return CheckinCounter(checked_in=int(checked_in), sold=int(sold))


def offline_checkin_list(session: Session, event_id: int, key: SigningKey, now: datetime | None = None) -> str | None:
    """A signed (JWS) list of the event's tickets for scanners that must work without network."""
    event = session.get(Event, event_id)
    if event is None:
        return None
    rows = session.exec(
        select(Ticket, Order.status)
        .join(TicketType, col(TicketType.id) == col(Ticket.ticket_type_id))
        .join(Order, col(Order.id) == col(Ticket.order_id))
        .where(TicketType.event_id == event_id)
        .order_by(col(Ticket.id))
    ).all()
    tickets = [
        {
            "tid": ticket.id,
            "code": ticket.code,
            "ref": secret_reference(ticket.secret),
            "void": ticket.status == TicketStatus.VOID or order_status in VOID_STATUSES,
            "checked_in": ticket.checked_in_at is not None,
        }
        for ticket, order_status in rows
    ]
    generated = (now or utcnow()).isoformat()
    return sign_document({"event_id": event_id, "generated_at": generated, "tickets": tickets}, key)


@dataclass(frozen=True, slots=True)
class CheckinEvent:
    id: int
    title: str
    starts_at: datetime
    timezone: str


def checkin_events(session: Session, now: datetime | None = None) -> list[CheckinEvent]:
    """Published events that have not ended more than a day ago, soonest first: what a door may scan for."""
    since = (now or utcnow()) - timedelta(days=1)
    rows = session.exec(
        select(Event, Venue.timezone)
        .join(Venue, col(Venue.id) == col(Event.venue_id))
        .where(Event.status == EventStatus.PUBLISHED, col(Event.ends_at) >= since)
        .order_by(col(Event.starts_at))
    ).all()
    return [CheckinEvent(event.id, event.title, event.starts_at, tz) for event, tz in rows if event.id is not None]
