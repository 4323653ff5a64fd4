"""Phone calls: an agent logs a call on the request it concerns, or on a new phone request."""

from __future__ import annotations

from sqlmodel import Session, select

from ticketapp.i18n import msgid
from ticketapp.models import SupportMessage, SupportTicket, User, utcnow
from ticketapp.models.support import AuthorKind, CallOutcome, Channel, PhoneCall, SupportStatus
from ticketapp.services.accounts.access import Viewer
from ticketapp.services.shared import bus
from ticketapp.services.support.sla import apply_sla
from ticketapp.services.support.tickets import (
    SupportError,
    choice,
    clean_text,
    mark_first_response,
    new_reference,
    require_agent,
)


def log_call(
    session: Session,
    viewer: Viewer | None,
    *,
    caller_name: str,
    caller_phone: str,
    summary: str,
    duration_seconds: int,
    outcome: str,
    reference: str = "",
    caller_email: str = "",
) -> SupportTicket:
    """Record a phone call on the ticket named by `reference`, or on a new phone ticket."""
    agent = require_agent(viewer)
    text = clean_text(summary)
    if not caller_name.strip():
        raise SupportError(msgid("Please give the caller's name."))
    if duration_seconds < 0 or duration_seconds > 24 * 3600:
        raise SupportError(msgid("The call duration is not valid."))
    call_outcome = choice(CallOutcome, outcome)
    now = utcnow()
    if reference.strip():
        ticket = session.exec(select(SupportTicket).where(SupportTicket.reference == reference.strip().upper())).first()
        if ticket is None:
            raise SupportError(msgid("No request has this reference."))
    else:
        customer = session.exec(select(User).where(User.email == caller_email.strip().lower())).first()
        ticket = SupportTicket(
            reference=new_reference(session),
            channel=Channel.PHONE,
            subject=text.splitlines()[0][:200],
            customer_id=customer.id if customer else None,
            guest_name=caller_name.strip()[:120],
            guest_email=caller_email.strip().lower()[:320],
            assignee_id=agent.id,
            created_at=now,
            first_response_due_at=now,
            resolution_due_at=now,
        )
        apply_sla(ticket)
        session.add(ticket)
        session.flush()
    mark_first_response(ticket, now)  # a person answered the phone
    if call_outcome == CallOutcome.RESOLVED:
        ticket.status, ticket.resolved_at = SupportStatus.RESOLVED, now
    ticket.updated_at = now
    assert ticket.id is not None  # noqa: S101  (found, or flushed above)
    session.add(
        PhoneCall(
            ticket_id=ticket.id,
            agent_id=agent.id,
            caller_name=caller_name.strip()[:120],
            caller_phone=caller_phone.strip()[:40],
            summary=text,
            duration_seconds=duration_seconds,
            outcome=call_outcome,
            created_at=now,
        )
    )
    session.add(
        SupportMessage(
            ticket_id=ticket.id,
            author_kind=AuthorKind.SYSTEM,
            author_id=agent.id,
            author_name=agent.name,
            channel=Channel.PHONE,
            is_internal=True,
            body=f"☎ {caller_name.strip()} ({_clock(duration_seconds)}, {call_outcome}): {text}",
            created_at=now,
        )
    )
    session.add(ticket)
    session.commit()
    bus.publish(bus.SUPPORT_TICKETS)
    return ticket


def _clock(seconds: int) -> str:
    return f"{seconds // 60}:{seconds % 60:02d}"
