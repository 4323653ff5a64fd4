"""A customer's own tickets: listing (upcoming first), attendee name changes, resending the e-mail.

Ownership is the order's `user_id`, or the ticket's `holder_user_id` once it was transferred
(`holds_ticket`): every function takes the signed-in user's id and treats someone else's
ticket exactly like a missing one.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, or_
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import Select

from ticketapp.i18n import msgid
from ticketapp.models import PAID_STATUSES, VOID_STATUSES, Event, Order, Ticket, TicketStatus, TicketType, Venue, utcnow
from ticketapp.services.errors import DomainError
from ticketapp.services.tickets.issuing import token_for_ticket
from ticketapp.services.tickets.qr import screen_png
from ticketapp.services.tickets.tokens import get_signing_key
from ticketapp.settings import get_settings

MAX_ATTENDEE_NAME = 200


class TicketChangeError(DomainError):
    """A refused change, shown translated to the customer."""


@dataclass(frozen=True)
class OwnedTicket:
    ticket: Ticket
    order: Order
    ticket_type: TicketType
    event: Event
    venue: Venue

    @property
    def is_void(self) -> bool:
        return self.ticket.status == TicketStatus.VOID or self.order.status in VOID_STATUSES

    def is_past(self, now: datetime) -> bool:
        return self.event.ends_at < now

    def change_deadline(self) -> datetime:
        return self.event.starts_at - timedelta(hours=get_settings().attendee_change_cutoff_hours)

    def can_change_name(self, now: datetime) -> bool:
        return not self.is_void and now < self.change_deadline()


def holds_ticket(user_id: int) -> ColumnElement[bool]:
    """The tickets `user_id` holds: received by transfer, or bought and never transferred away."""
    return or_(
        col(Ticket.holder_user_id) == user_id,
        and_(col(Order.user_id) == user_id, col(Ticket.holder_email).is_(None)),
    )


def _ticket_rows() -> Select[Ticket, Order, TicketType, Event, Venue]:
    # sqlmodel types select() for at most four entities; the Select it builds takes any number.
    rows: Select[Ticket, Order, TicketType, Event, Venue] = Select(Ticket, Order, TicketType, Event, Venue)
    return (
        rows.join(Order, col(Order.id) == Ticket.order_id)
        .join(TicketType, col(TicketType.id) == Ticket.ticket_type_id)
        .join(Event, col(Event.id) == TicketType.event_id)
        .join(Venue, col(Venue.id) == Event.venue_id)
    )


def _owned_rows(user_id: int) -> Select[Ticket, Order, TicketType, Event, Venue]:
    return _ticket_rows().where(holds_ticket(user_id))


def order_tickets(session: Session, order_code: str) -> list[OwnedTicket]:
    """The tickets of one order, for whoever holds its signed link (the caller checked it), soonest first."""
    statement = _ticket_rows().where(Order.code == order_code).order_by(col(Event.starts_at), col(Ticket.id))
    return [OwnedTicket(*row) for row in session.exec(statement).all()]


def user_tickets(
    session: Session, user_id: int, now: datetime | None = None
) -> tuple[list[OwnedTicket], list[OwnedTicket]]:
    """(upcoming soonest first, past most recent first) tickets of the user's orders."""
    now = now or utcnow()
    rows = session.exec(_owned_rows(user_id).order_by(col(Event.starts_at), col(Ticket.id))).all()
    owned = [OwnedTicket(*row) for row in rows]
    upcoming = [t for t in owned if not t.is_past(now)]
    past = [t for t in reversed(owned) if t.is_past(now)]
    return upcoming, past


def owned_ticket(session: Session, user_id: int, code: str) -> OwnedTicket | None:
    row = session.exec(_owned_rows(user_id).where(Ticket.code == code)).first()
    return OwnedTicket(*row) if row else None


def qr_data_uri(session: Session, ticket: Ticket) -> str:
    """The ticket's signed token as a PNG data URI (shown on phones at the door, scaled up pixelated)."""
    png = screen_png(token_for_ticket(session, ticket, get_signing_key()))
    return "data:image/png;base64," + base64.b64encode(png).decode()


def change_attendee_name(
    session: Session, user_id: int, code: str, name: str, now: datetime | None = None
) -> OwnedTicket:
    """Rename the attendee of one of the user's tickets before the cut-off.

    The PDFs are cached under a name derived from their content, so the next
    download renders the new name; the caller queues `render_order_tickets`
    to have the order PDF ready.
    """
    now = now or utcnow()
    clean = " ".join(name.split())
    if not clean:
        raise TicketChangeError(msgid("Please enter the attendee's name."))
    if len(clean) > MAX_ATTENDEE_NAME:
        raise TicketChangeError(msgid("The attendee's name is too long."))
    owned = owned_ticket(session, user_id, code)
    if owned is None:
        raise TicketChangeError(msgid("Ticket not found."))
    if owned.is_void:
        raise TicketChangeError(msgid("This ticket is void."))
    if not owned.can_change_name(now):
        raise TicketChangeError(msgid("The attendee's name can no longer be changed for this event."))
    owned.ticket.attendee_name = clean
    session.add(owned.ticket)
    session.commit()
    return owned


def resendable_order(session: Session, user_id: int, order_code: str) -> Order:
    """The user's paid order whose confirmation may be sent again."""
    order = session.exec(select(Order).where(Order.code == order_code, Order.user_id == user_id)).first()
    if order is None:
        raise TicketChangeError(msgid("Order not found."))
    if order.status not in PAID_STATUSES:
        raise TicketChangeError(msgid("This order has no valid tickets to send."))
    return order
