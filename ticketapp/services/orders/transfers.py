"""Giving a ticket to someone else by e-mail: offer, accept through a signed single-use link, new QR.

The holder (the order's buyer, or whoever received the ticket before) names the recipient; the
recipient gets a link `/transfers/<id>?s=<HMAC>` (services/shared/signing, purpose
"ticket-transfer"), valid until the offer expires and used once (the offer's status). Accepting
re-issues the ticket at once: a new secret (so its old signed QR token names a secret reference
check-in no longer finds: refused as forged) and a new code (so the old one cannot be typed at the
door either); the ticket then belongs to the recipient (`Ticket.holder_email`, and their account
when one has that e-mail). The event may forbid transfers or cap them per ticket. Each step is one
line of the order's trail.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, select

from ticketapp.db import begin_write_locked
from ticketapp.i18n import msgid
from ticketapp.models import (
    PAID_STATUSES,
    Event,
    Order,
    Ticket,
    TicketStatus,
    TicketTransfer,
    TicketType,
    TransferStatus,
    User,
    utcnow,
)
from ticketapp.services.accounts.accounts import get_user_by_email, is_valid_email, normalize_email
from ticketapp.services.errors import DomainError
from ticketapp.services.orders import lifecycle, self_service_mail
from ticketapp.services.shared.signing import sign, verify
from ticketapp.services.tickets.issuing import new_ticket_secret, unused_code
from ticketapp.services.webhooks import events as webhook_events
from ticketapp.settings import get_settings

PURPOSE = "ticket-transfer"
OFFER_TTL = timedelta(days=7)
MAX_NAME = 200


class TransferError(DomainError):
    """A refused transfer step, shown translated."""


NOT_FOUND = msgid("Ticket not found.")
NOT_ALLOWED = msgid("The organiser does not allow ticket transfers for this event.")
LIMIT_REACHED = msgid("This ticket cannot be transferred again: the organiser allows {limit} transfer(s) per ticket.")
NOT_VALID = msgid("Only a valid ticket for an event still to come can be transferred.")
ALREADY_OFFERED = msgid("This ticket is already offered to someone; cancel that transfer first.")
NAME_NEEDED = msgid("Please enter the recipient's name.")
NAME_TOO_LONG = msgid("The recipient's name is too long.")
BAD_EMAIL = msgid("Please enter a valid e-mail address.")
SAME_HOLDER = msgid("This ticket is already yours; enter the e-mail of the person receiving it.")
BAD_LINK = msgid("This transfer link is not valid.")
USED_LINK = msgid("This transfer link was already used.")
CANCELLED_LINK = msgid("This transfer was cancelled by the sender.")
EXPIRED_LINK = msgid("This transfer link has expired.")


@dataclass(frozen=True)
class Holding:
    """A ticket with what the rules need about it."""

    ticket: Ticket
    order: Order
    event: Event

    @property
    def holder_email(self) -> str:
        return self.ticket.holder_email or self.order.buyer_email

    @property
    def holder_name(self) -> str:
        if self.ticket.holder_email is None:
            return self.order.buyer_name
        return self.ticket.attendee_name or self.ticket.holder_email


def holding_of(session: Session, ticket: Ticket) -> Holding:
    order = session.get(Order, ticket.order_id)
    ticket_type = session.get(TicketType, ticket.ticket_type_id)
    event = session.get(Event, ticket_type.event_id) if ticket_type else None
    assert order is not None and event is not None  # noqa: S101  (foreign keys)
    return Holding(ticket, order, event)


def may_hold(holding: Holding, user_id: int | None, *, via_order_link: bool) -> bool:
    """Whether this viewer acts for the ticket's holder: its account, or the buyer's signed order page
    (for a guest order, or the buyer's account signed in) while the ticket was never given away."""
    if holding.ticket.holder_email is not None:
        return user_id is not None and holding.ticket.holder_user_id == user_id
    if holding.order.user_id is not None:
        return holding.order.user_id == user_id
    return via_order_link


def held_ticket(session: Session, code: str, user_id: int | None, *, order_code: str | None = None) -> Holding:
    """The ticket `code` if this viewer holds it (`order_code`: reached from that order's signed page)."""
    ticket = session.exec(select(Ticket).where(Ticket.code == code.strip().upper())).first()
    if ticket is None:
        raise TransferError(NOT_FOUND)
    holding = holding_of(session, ticket)
    via_link = order_code is not None and order_code.strip().upper() == holding.order.code
    if not may_hold(holding, user_id, via_order_link=via_link):
        raise TransferError(NOT_FOUND)  # someone else's ticket looks exactly like a missing one
    return holding


def open_offer(session: Session, ticket_id: int) -> TicketTransfer | None:
    statement = select(TicketTransfer).where(
        TicketTransfer.ticket_id == ticket_id, TicketTransfer.status == TransferStatus.OFFERED
    )
    return session.exec(statement).first()


def transfer_refusal(session: Session, holding: Holding, now: datetime) -> tuple[str, dict[str, object]]:
    """Why this ticket cannot be offered now ("" when it can), with the message's values."""
    ticket, event = holding.ticket, holding.event
    if not event.transfers_allowed:
        return NOT_ALLOWED, {}
    if event.transfer_limit is not None and ticket.transfer_count >= event.transfer_limit:
        return LIMIT_REACHED, {"limit": event.transfer_limit}
    usable = ticket.status == TicketStatus.VALID and holding.order.status in PAID_STATUSES
    if not usable or ticket.checked_in_at is not None or event.ends_at <= now:
        return NOT_VALID, {}
    return "", {}


def accept_path(transfer_id: int) -> str:
    return f"/transfers/{transfer_id}?s={sign(str(transfer_id), PURPOSE)}"


def _clean_recipient(holding: Holding, name: str, email: str) -> tuple[str, str]:
    clean_name = " ".join(name.split())
    clean_email = normalize_email(email)
    if not clean_name:
        raise TransferError(NAME_NEEDED)
    if len(clean_name) > MAX_NAME:
        raise TransferError(NAME_TOO_LONG)
    if not is_valid_email(clean_email):
        raise TransferError(BAD_EMAIL)
    if clean_email == normalize_email(holding.holder_email):
        raise TransferError(SAME_HOLDER)
    return clean_name, clean_email


def offer(
    session: Session,
    code: str,
    to_name: str,
    to_email: str,
    *,
    user_id: int | None,
    order_code: str | None = None,
    lang: str = "en",
    now: datetime | None = None,
) -> TicketTransfer:
    """The holder offers the ticket to `to_email`; the recipient is mailed the accept link (commits)."""
    now = now or utcnow()
    holding = held_ticket(session, code, user_id, order_code=order_code)
    name, email = _clean_recipient(holding, to_name, to_email)
    begin_write_locked(session)
    session.refresh(holding.ticket)
    refusal, values = transfer_refusal(session, holding, now)
    if refusal:
        session.rollback()
        raise TransferError(refusal, **values)
    if open_offer(session, holding.ticket.id or 0) is not None:
        session.rollback()
        raise TransferError(ALREADY_OFFERED)
    transfer = TicketTransfer(
        ticket_id=holding.ticket.id or 0,
        order_id=holding.order.id or 0,
        to_name=name,
        to_email=email,
        offered_by=user_id,
        created_at=now,
        expires_at=min(now + OFFER_TTL, holding.event.ends_at),
    )
    session.add(transfer)
    session.flush()
    lifecycle.note(session, holding.order.id or 0, f"ticket {holding.ticket.code} offered to {email}", actor_id=user_id)
    url = get_settings().base_url + accept_path(transfer.id or 0)
    self_service_mail.queue_transfer_offer(
        session, name, email, holding.holder_name, holding.event.title, url, lang, event_id=holding.event.id
    )  # commits the offer, its note and its mail
    return transfer


def cancel_offer(session: Session, code: str, *, user_id: int | None, order_code: str | None = None) -> None:
    """The holder takes back an offer nobody accepted yet: its link stops working (commits)."""
    holding = held_ticket(session, code, user_id, order_code=order_code)
    begin_write_locked(session)
    transfer = open_offer(session, holding.ticket.id or 0)
    if transfer is None:
        session.rollback()
        raise TransferError(msgid("This ticket has no transfer waiting to be accepted."))
    transfer.status = TransferStatus.CANCELLED
    session.add(transfer)
    lifecycle.note(
        session,
        holding.order.id or 0,
        f"ticket {holding.ticket.code} transfer to {transfer.to_email} cancelled",
        actor_id=user_id,
    )
    session.commit()


def offer_from_link(session: Session, transfer_id: int, signature: str, now: datetime | None = None) -> TicketTransfer:
    """The offer behind an accept link, if the link is genuine, unused and not expired."""
    if not verify(str(transfer_id), PURPOSE, signature):
        raise TransferError(BAD_LINK)
    transfer = session.get(TicketTransfer, transfer_id)
    if transfer is None:
        raise TransferError(BAD_LINK)
    if transfer.status == TransferStatus.ACCEPTED:
        raise TransferError(USED_LINK)
    if transfer.status == TransferStatus.CANCELLED:
        raise TransferError(CANCELLED_LINK)
    if transfer.expires_at <= (now or utcnow()):
        raise TransferError(EXPIRED_LINK)
    return transfer


@dataclass(frozen=True)
class Accepted:
    ticket_code: str
    event_title: str
    has_account: bool


def _reissue(session: Session, holding: Holding, transfer: TicketTransfer, account: User | None) -> str:
    """The ticket becomes the recipient's with a new secret and code: what the old holder has stops admitting."""
    ticket = holding.ticket
    old_code = ticket.code
    ticket.secret = new_ticket_secret()
    ticket.code = unused_code(session)
    ticket.attendee_name = transfer.to_name
    ticket.holder_email = transfer.to_email
    ticket.holder_user_id = account.id if account else None
    ticket.transfer_count += 1
    session.add(ticket)
    return old_code


def accept(
    session: Session,
    transfer_id: int,
    signature: str,
    *,
    user_id: int | None = None,
    lang: str = "en",
    now: datetime | None = None,
) -> Accepted:
    """The recipient accepts through the mailed link, once: the ticket is re-issued to them (commits)."""
    now = now or utcnow()
    offer_from_link(session, transfer_id, signature, now)
    begin_write_locked(session)
    transfer = offer_from_link(session, transfer_id, signature, now)  # again, inside the write lock
    session.refresh(transfer)
    ticket = session.get(Ticket, transfer.ticket_id, populate_existing=True)
    assert ticket is not None  # noqa: S101  (a foreign key)
    holding = holding_of(session, ticket)
    previous = (holding.holder_name, holding.holder_email)
    refusal, values = transfer_refusal(session, holding, now)
    if refusal:
        session.rollback()
        raise TransferError(refusal, **values)
    account = get_user_by_email(session, transfer.to_email)
    old_code = _reissue(session, holding, transfer, account)
    transfer.status = TransferStatus.ACCEPTED
    transfer.accepted_at = now
    transfer.accepted_user_id = account.id if account else None
    session.add(transfer)
    lifecycle.note(
        session,
        holding.order.id or 0,
        f"ticket {old_code} transferred to {transfer.to_email}, re-issued as {ticket.code}",
        actor_id=account.id if account else user_id,
    )
    event_title = holding.event.title
    webhook_events.record(
        session,
        "ticket.transferred",
        {
            "ticket_code": ticket.code,
            "previous_ticket_code": old_code,
            "order_code": holding.order.code,
            "from_email": previous[1],
            "to_email": transfer.to_email,
            "to_name": ticket.attendee_name,
        },
    )
    self_service_mail.queue_transfer_done(
        session, ticket, holding.order, event_title, previous, has_account=account is not None, lang=lang
    )  # commits the new holder, the used link, the note and the mails
    return Accepted(ticket_code=ticket.code, event_title=event_title, has_account=account is not None)
