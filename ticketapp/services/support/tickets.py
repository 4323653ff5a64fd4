"""Support tickets: who may see what, opening a request, its messages, status and priority.

Identity comes in as an `accounts.access.Viewer` (an active account); every
function that reads or changes protected data checks it here, so a state or a
route cannot forget the check.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import TypeVar

from sqlmodel import Session, col, select

from ticketapp.i18n import msgid
from ticketapp.models import Order, SupportMessage, SupportTicket, User, utcnow
from ticketapp.models.support import (
    MESSAGE_MAX_CHARS,
    AuthorKind,
    Channel,
    Priority,
    SupportStatus,
)
from ticketapp.services import hooks
from ticketapp.services.accounts.access import Viewer
from ticketapp.services.errors import DomainError
from ticketapp.services.shared import bus, due
from ticketapp.services.support.sla import apply_sla

EnumT = TypeVar("EnumT", bound=StrEnum)
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
REFERENCE_RE = re.compile(r"\bSR-[2-9A-HJKMNP-Z]{6}\b")
TOPICS = {
    "order": msgid("An order or payment"),
    "tickets": msgid("My tickets"),
    "event": msgid("An event"),
    "account": msgid("My account"),
    "other": msgid("Something else"),
}
EMAIL_RE = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")


class SupportError(DomainError, ValueError):
    """A request the rules refuse; `str(error)` is a message id to translate."""


class NotAllowedError(SupportError):
    """The viewer may not do this (or see this: we never say whether it exists)."""


def require_agent(viewer: Viewer | None) -> Viewer:
    if viewer is None or not viewer.is_agent:
        raise NotAllowedError(msgid("Only support agents can do this."))
    return viewer


def require_admin(viewer: Viewer | None) -> Viewer:
    if viewer is None or not viewer.is_admin:
        raise NotAllowedError(msgid("Only administrators can do this."))
    return viewer


# --- input hygiene -----------------------------------------------------------------


def choice(enum: type[EnumT], value: str) -> EnumT:
    """`value` as a member of `enum`; anything else is a clear refusal, not a crash."""
    try:
        return enum(value)
    except ValueError:
        raise SupportError(msgid("Choose a valid value.")) from None


def clean_text(text: str, max_chars: int = MESSAGE_MAX_CHARS) -> str:
    """Plain text, no control characters, bounded; never HTML (pages render it as text)."""
    kept = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch)[0] != "C")
    kept = kept.replace("\r\n", "\n").strip()
    if not kept:
        raise SupportError(msgid("Please write a message."))
    if len(kept) > max_chars:
        raise SupportError(msgid("The message is too long (4,000 characters at most)."))
    return kept


def clean_guest(name: str, email: str) -> tuple[str, str]:
    name, email = name.strip(), email.strip().lower()
    if not name or len(name) > 120:
        raise SupportError(msgid("Please give your name."))
    if len(email) > 320 or not EMAIL_RE.match(email):
        raise SupportError(msgid("Please give a valid e-mail address."))
    return name, email


def clean_topic(topic: str) -> str:
    return topic if topic in TOPICS else "other"


def new_reference(session: Session) -> str:
    while True:
        reference = "SR-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(6))
        if session.exec(select(SupportTicket.id).where(SupportTicket.reference == reference)).first() is None:
            return reference


def customer_orders(session: Session, viewer: Viewer | None, limit: int = 10) -> list[Order]:
    """The orders a signed-in customer may attach to a chat or request, newest first."""
    if viewer is None:
        return []
    query = select(Order).where(Order.user_id == viewer.id).order_by(col(Order.created_at).desc()).limit(limit)
    return list(session.exec(query))


def owned_order_id(session: Session, viewer: Viewer | None, order_id: int | None) -> int | None:
    """An order a customer attaches must be theirs."""
    if order_id is None:
        return None
    order = session.get(Order, order_id)
    if viewer is None or order is None or order.user_id != viewer.id:
        raise SupportError(msgid("That order is not one of yours."))
    return order_id


# --- tickets and messages ------------------------------------------------------------


@dataclass(frozen=True)
class Requester:
    """Who a ticket is for: a signed-in customer, or a guest by name and e-mail."""

    customer: Viewer | None = None
    guest_name: str = ""
    guest_email: str = ""

    @property
    def display_name(self) -> str:
        return self.customer.name if self.customer else self.guest_name


def open_ticket(
    session: Session,
    requester: Requester,
    *,
    channel: str,
    subject: str,
    body: str,
    topic: str = "other",
    order_id: int | None = None,
    priority: str = Priority.NORMAL,
    locale: str = "en",
    now: datetime | None = None,
) -> SupportTicket:
    """A new ticket with its first customer message (committed)."""
    text = clean_text(body)
    if requester.customer is None:
        name, email = clean_guest(requester.guest_name, requester.guest_email)
        requester = Requester(guest_name=name, guest_email=email)
    now = now or utcnow()
    ticket = SupportTicket(
        reference=new_reference(session),
        channel=choice(Channel, channel),
        priority=choice(Priority, priority),
        subject=(subject.strip() or text.splitlines()[0])[:200],
        topic=clean_topic(topic),
        customer_id=requester.customer.id if requester.customer else None,
        guest_name=requester.guest_name,
        guest_email=requester.guest_email,
        order_id=owned_order_id(session, requester.customer, order_id),
        locale=locale,
        created_at=now,
        updated_at=now,
        first_response_due_at=now,
        resolution_due_at=now,
    )
    apply_sla(ticket)
    session.add(ticket)
    session.flush()
    session.add(
        SupportMessage(
            ticket_id=ticket.id,
            author_kind=AuthorKind.CUSTOMER,
            author_id=ticket.customer_id,
            author_name=requester.display_name,
            channel=channel,
            body=text,
            created_at=now,
        )
    )
    session.commit()
    bus.publish(bus.SUPPORT_TICKETS)
    return ticket


def submit_contact_form(
    session: Session,
    viewer: Viewer | None,
    *,
    name: str,
    email: str,
    topic: str,
    subject: str,
    body: str,
    order_id: int | None = None,
    locale: str = "en",
) -> SupportTicket:
    requester = Requester(customer=viewer) if viewer else Requester(guest_name=name, guest_email=email)
    if not subject.strip():
        raise SupportError(msgid("Please give a subject."))
    return open_ticket(
        session,
        requester,
        channel=Channel.FORM,
        subject=subject,
        body=body,
        topic=topic,
        order_id=order_id,
        locale=locale,
    )


def ticket_email(session: Session, ticket: SupportTicket) -> str:
    if ticket.customer_id is not None:
        user = session.get(User, ticket.customer_id)
        if user is not None:
            return user.email
    return ticket.guest_email


def ticket_customer_name(session: Session, ticket: SupportTicket) -> str:
    if ticket.customer_id is not None:
        user = session.get(User, ticket.customer_id)
        if user is not None:
            return user.display_name
    return ticket.guest_name


def customer_ticket(session: Session, viewer: Viewer | None, ticket_id: int) -> SupportTicket:
    """A ticket its owner may read; anybody else learns nothing, not even that it exists."""
    ticket = session.get(SupportTicket, ticket_id)
    if viewer is None or ticket is None or ticket.customer_id != viewer.id:
        raise NotAllowedError(msgid("Request not found."))
    return ticket


def agent_ticket(session: Session, viewer: Viewer | None, ticket_id: int) -> SupportTicket:
    require_agent(viewer)
    ticket = session.get(SupportTicket, ticket_id)
    if ticket is None:
        raise SupportError(msgid("Request not found."))
    return ticket


def my_tickets(session: Session, viewer: Viewer | None) -> list[SupportTicket]:
    if viewer is None:
        return []
    query = select(SupportTicket).where(SupportTicket.customer_id == viewer.id)
    return list(session.exec(query.order_by(col(SupportTicket.updated_at).desc())))


def conversation(session: Session, ticket: SupportTicket, *, include_internal: bool) -> list[SupportMessage]:
    query = select(SupportMessage).where(SupportMessage.ticket_id == ticket.id)
    if not include_internal:
        query = query.where(col(SupportMessage.is_internal).is_(False))
    return list(session.exec(query.order_by(col(SupportMessage.id))))


def customer_conversation(session: Session, viewer: Viewer | None, ticket_id: int) -> list[SupportMessage]:
    return conversation(session, customer_ticket(session, viewer, ticket_id), include_internal=False)


def _reopen_on_customer_message(ticket: SupportTicket, now: datetime) -> None:
    if ticket.status in (SupportStatus.PENDING_CUSTOMER, SupportStatus.RESOLVED, SupportStatus.CLOSED):
        ticket.status = SupportStatus.OPEN
        ticket.resolved_at = None
    ticket.updated_at = now


def add_customer_message(
    session: Session,
    ticket: SupportTicket,
    body: str,
    *,
    author_name: str,
    channel: str,
    email_message_id: str | None = None,
    now: datetime | None = None,
) -> SupportMessage:
    """Append a customer message to a ticket (already authorised by the caller)."""
    now = now or utcnow()
    message = SupportMessage(
        ticket_id=ticket.id,
        author_kind=AuthorKind.CUSTOMER,
        author_id=ticket.customer_id,
        author_name=author_name[:120],
        channel=channel,
        body=clean_text(body),
        email_message_id=email_message_id,
        created_at=now,
    )
    _reopen_on_customer_message(ticket, now)
    session.add(message)
    session.add(ticket)
    session.commit()
    bus.publish(bus.SUPPORT_TICKETS)
    return message


def customer_reply(session: Session, viewer: Viewer | None, ticket_id: int, body: str) -> SupportMessage:
    ticket = customer_ticket(session, viewer, ticket_id)
    name = viewer.name if viewer else ""  # customer_ticket already refused anonymous viewers
    return add_customer_message(session, ticket, body, author_name=name, channel=Channel.FORM)


def agent_reply(
    session: Session,
    viewer: Viewer | None,
    ticket_id: int,
    body: str,
    *,
    internal: bool = False,
    now: datetime | None = None,
) -> SupportMessage:
    """An agent's answer (e-mailed to the customer by a job) or internal note."""
    agent = require_agent(viewer)
    ticket = agent_ticket(session, agent, ticket_id)
    now = now or utcnow()
    message = SupportMessage(
        ticket_id=ticket.id,
        author_kind=AuthorKind.AGENT,
        author_id=agent.id,
        author_name=agent.name,
        channel=Channel.EMAIL,
        is_internal=internal,
        body=clean_text(body),
        created_at=now,
    )
    if not internal:
        mark_first_response(ticket, now)
        if ticket.status in (SupportStatus.NEW, SupportStatus.OPEN):
            ticket.status = SupportStatus.PENDING_CUSTOMER
    if ticket.assignee_id is None:
        ticket.assignee_id = agent.id
    ticket.updated_at = now
    session.add(message)
    session.add(ticket)
    if not internal:
        session.flush()  # the message's id names its due e-mail
        due.record(session, "support.reply_sent", message.id or 0, message_id=message.id)
    session.commit()
    bus.publish(bus.SUPPORT_TICKETS)
    if not internal:
        hooks.emit_due("support.reply_sent", message_id=message.id)
    return message


def mark_first_response(ticket: SupportTicket, now: datetime) -> None:
    if ticket.first_response_at is None:
        ticket.first_response_at = now
    if ticket.status == SupportStatus.NEW:
        ticket.status = SupportStatus.OPEN


def set_status(session: Session, viewer: Viewer | None, ticket_id: int, status: str) -> SupportTicket:
    ticket = agent_ticket(session, viewer, ticket_id)
    new_status = choice(SupportStatus, status)
    now = utcnow()
    if new_status in (SupportStatus.RESOLVED, SupportStatus.CLOSED):
        ticket.resolved_at = ticket.resolved_at or now
    else:
        ticket.resolved_at = None
    ticket.status = new_status
    ticket.updated_at = now
    session.add(ticket)
    session.commit()
    bus.publish(bus.SUPPORT_TICKETS)
    return ticket


def set_priority(session: Session, viewer: Viewer | None, ticket_id: int, priority: str) -> SupportTicket:
    ticket = agent_ticket(session, viewer, ticket_id)
    ticket.priority = choice(Priority, priority)
    apply_sla(ticket)
    ticket.updated_at = utcnow()
    session.add(ticket)
    session.commit()
    bus.publish(bus.SUPPORT_TICKETS)
    return ticket


# --- customer sidebar ----------------------------------------------------------------


@dataclass(frozen=True)
class CustomerSummary:
    name: str
    email: str
    has_account: bool
    is_blocked: bool
    orders: list[Order]


def customer_summary(session: Session, viewer: Viewer | None, ticket: SupportTicket) -> CustomerSummary:
    require_agent(viewer)
    user = session.get(User, ticket.customer_id) if ticket.customer_id else None
    if user is None:
        return CustomerSummary(ticket.guest_name, ticket.guest_email, False, False, [])
    orders = session.exec(
        select(Order).where(Order.user_id == user.id).order_by(col(Order.created_at).desc()).limit(5)
    ).all()
    return CustomerSummary(user.display_name, user.email, True, user.is_blocked, list(orders))
