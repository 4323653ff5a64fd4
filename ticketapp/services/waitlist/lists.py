"""Joining a waiting list (signed in, or a guest confirming by e-mail) and the admin's view of the lists."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from ticketapp.i18n import msgid
from ticketapp.models import Event, Order, TicketType, WaitlistEntry, WaitlistStatus, utcnow
from ticketapp.services import hooks
from ticketapp.services.accounts.accounts import is_valid_email, normalize_email
from ticketapp.services.booking.inventory import SalesState, availability, sales_state
from ticketapp.services.shared.mail import MAIL_JOB
from ticketapp.services.shared.signing import verify
from ticketapp.services.waitlist import mail
from ticketapp.services.waitlist.announce import seats_back
from ticketapp.services.waitlist.offers import WaitlistError, mail_context, settled_status
from ticketapp.settings import SUPPORTED_LOCALES

IN_LINE = (WaitlistStatus.UNCONFIRMED, WaitlistStatus.WAITING, WaitlistStatus.OFFERED)


@dataclass(frozen=True)
class Joined:
    entry_id: int
    confirmed: bool  # False: a guest, who must open the link mailed to them


def _check(
    session: Session, ticket_type_id: int, email: str, quantity: object, now: datetime
) -> tuple[TicketType, int]:
    if not is_valid_email(email):
        raise WaitlistError(msgid("Please enter a valid e-mail address."))
    ticket_type = session.get(TicketType, ticket_type_id) if 0 < ticket_type_id < 2**31 else None
    event = session.get(Event, ticket_type.event_id) if ticket_type else None
    if (
        ticket_type is None
        or ticket_type.hidden
        or event is None
        or sales_state(event, ticket_type, now) != SalesState.ON_SALE
    ):
        raise WaitlistError(msgid("This ticket type has no waiting list."))
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
        raise WaitlistError(msgid("Please choose a whole number of tickets."))
    limit = min(ticket_type.max_per_order, event.max_tickets_per_customer or ticket_type.max_per_order)
    if quantity > limit:
        raise WaitlistError(msgid("At most {limit} tickets of this type per person."), limit=limit)
    if availability(session, [ticket_type_id], now=now)[ticket_type_id].remaining > 0:
        raise WaitlistError(msgid("Tickets of this type are on sale: add them to your cart instead."))
    already = session.exec(
        select(WaitlistEntry.id).where(
            WaitlistEntry.ticket_type_id == ticket_type_id,
            WaitlistEntry.email == email,
            col(WaitlistEntry.status).in_(IN_LINE),
        )
    ).first()
    if already is not None:
        raise WaitlistError(msgid("This e-mail address is already on the waiting list for this ticket type."))
    return ticket_type, quantity


def join(
    session: Session,
    ticket_type_id: int,
    email: str,
    quantity: object,
    lang: str,
    *,
    user_id: int | None = None,
    now: datetime | None = None,
) -> Joined:
    """Put someone on the list of a sold-out type (commits). A signed-in buyer is in line at once; a
    guest gets a confirmation link by e-mail first (double opt-in). Bad input raises and changes nothing."""
    now = now or utcnow()
    email = normalize_email(email)
    ticket_type, count = _check(session, ticket_type_id, email, quantity, now)
    entry = WaitlistEntry(
        ticket_type_id=ticket_type.id or 0,
        email=email,
        user_id=user_id,
        quantity=count,
        lang=lang if lang in SUPPORTED_LOCALES else SUPPORTED_LOCALES[0],
        status=WaitlistStatus.WAITING if user_id is not None else WaitlistStatus.UNCONFIRMED,
        created_at=now,
        queued_at=now if user_id is not None else None,
    )
    session.add(entry)
    session.flush()
    payload = None
    if user_id is None:
        about = mail_context(session, entry.ticket_type_id, entry.lang)
        payload = mail.record_confirm_mail(session, entry.id or 0, email, count, entry.lang, about)
    session.commit()
    if payload is not None:
        hooks.emit_due(MAIL_JOB, payload=payload)
    else:
        seats_back([entry.ticket_type_id])  # seats freed a moment ago may be waiting for the first in line
    return Joined(entry.id or 0, user_id is not None)


def confirm(session: Session, entry_id: int, signature: str, *, now: datetime | None = None) -> WaitlistEntry:
    """The guest opened the confirmation link: they take their place in line (commits; a second use is harmless)."""
    entry = session.get(WaitlistEntry, entry_id) if 0 < entry_id < 2**31 else None
    if entry is None or not verify(mail.confirm_value(entry_id, entry.email), mail.CONFIRM_PURPOSE, signature):
        raise WaitlistError(msgid("This link is not valid. Please use the link from your e-mail."))
    if entry.status == WaitlistStatus.UNCONFIRMED:
        entry.status, entry.queued_at = WaitlistStatus.WAITING, now or utcnow()
        session.add(entry)
        session.commit()
        seats_back([entry.ticket_type_id])
    return entry


def position(session: Session, entry: WaitlistEntry) -> int:
    """1 for the first person waiting (0 when not waiting)."""
    if entry.status != WaitlistStatus.WAITING or entry.queued_at is None:
        return 0
    ahead = session.exec(
        select(func.count(col(WaitlistEntry.id))).where(
            WaitlistEntry.ticket_type_id == entry.ticket_type_id,
            WaitlistEntry.status == WaitlistStatus.WAITING,
            col(WaitlistEntry.queued_at) < entry.queued_at,
        )
    ).one()
    return int(ahead) + 1


# --- admin ----------------------------------------------------------------------


@dataclass(frozen=True)
class ListRow:
    entry: WaitlistEntry
    position: int  # in line among those waiting; 0 for the others
    status: str  # settled: an offer whose order was paid reads "bought"


@dataclass(frozen=True)
class Figures:
    waiting: int
    offers: int  # people ever offered seats
    bought: int

    @property
    def conversion_percent(self) -> int:
        return round(100 * self.bought / self.offers) if self.offers else 0


def type_choices(session: Session) -> list[tuple[int, str]]:
    """Ticket types that have a waiting list, as (id, 'Event — Type'), newest events first."""
    rows = session.exec(
        select(TicketType.id, Event.title, TicketType.name)
        .join(Event, col(Event.id) == TicketType.event_id)
        .where(col(TicketType.id).in_(select(WaitlistEntry.ticket_type_id)))
        .order_by(col(Event.starts_at).desc(), col(TicketType.position))
    ).all()
    return [(i or 0, f"{title} — {name}") for i, title, name in rows]


def list_entries(session: Session, ticket_type_id: int) -> list[ListRow]:
    entries = session.exec(
        select(WaitlistEntry, Order.status)
        .outerjoin(Order, col(Order.id) == WaitlistEntry.order_id)
        .where(WaitlistEntry.ticket_type_id == ticket_type_id)
        .order_by(col(WaitlistEntry.queued_at).is_(None), col(WaitlistEntry.queued_at), col(WaitlistEntry.id))
    ).all()
    rows, place = [], 0
    for entry, order_status in entries:
        if entry.status == WaitlistStatus.WAITING:
            place += 1
        rows.append(
            ListRow(entry, place if entry.status == WaitlistStatus.WAITING else 0, settled_status(entry, order_status))
        )
    return rows


def figures(rows: list[ListRow]) -> Figures:
    return Figures(
        waiting=sum(1 for r in rows if r.status == WaitlistStatus.WAITING),
        offers=sum(1 for r in rows if r.entry.offered_at is not None),
        bought=sum(1 for r in rows if r.status == WaitlistStatus.BOUGHT),
    )
