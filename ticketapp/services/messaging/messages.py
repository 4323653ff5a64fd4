"""Scheduled and one-off messages to an event's buyers or attendees, sent by jobs in batches.

A scheduled message is due at the event's start or end plus its offset ("2 days before start" is
anchor "start", offset −2880 min); the minute job (`send_due`) starts the due ones. Starting a
message writes its recipients (one row per address: a unique key, so a second start or a racing
worker adds nobody twice) and its total; each batch then records its mails as due with the
recipients marked sent and a note in each order's trail, in one commit, so a retried batch never
mails anyone twice. Addresses that unsubscribed are skipped (messages are not essential mail).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from ticketapp.i18n import gettext, msgid, normalize_locale, translate
from ticketapp.models import (
    Audience,
    Event,
    Message,
    MessageRecipient,
    MessageStatus,
    Order,
    TemplateKind,
    TicketType,
    utcnow,
)
from ticketapp.services import hooks
from ticketapp.services.errors import DomainError
from ticketapp.services.messaging import audience, templates, unsubscribe
from ticketapp.services.orders import lifecycle
from ticketapp.services.shared.mail import MAIL_JOB, button, footer, paragraph, record_mail, render

BATCH_SIZE = 50
ANCHORS = ("start", "end")
MAX_OFFSET_MINUTES = 60 * 24 * 365
NOTE_PREFIX = "message sent"


class MessageError(DomainError):
    """A message that cannot be saved or changed (nothing was changed)."""


@dataclass(frozen=True)
class Draft:
    """What the organiser wrote: empty subject and text mean "the reminder template in each buyer's language"."""

    subject: str
    body: str
    audience: str = Audience.BUYERS
    ticket_type_id: int | None = None
    checkin_filter: str = "any"
    order_status: str = "paid"


def due_at(message: Message, event: Event) -> datetime | None:
    if message.anchor is None:
        return None
    base = event.starts_at if message.anchor == "start" else event.ends_at
    return base + timedelta(minutes=message.offset_minutes)


def _check(session: Session, event_id: int, draft: Draft) -> Event:
    event = session.get(Event, event_id)
    if event is None:
        raise MessageError(msgid("Event not found."))
    if draft.audience not in (Audience.BUYERS, Audience.ATTENDEES):
        raise MessageError(msgid("Choose who gets the message."))
    if draft.checkin_filter not in audience.CHECKIN_FILTERS or draft.order_status not in audience.ORDER_FILTERS:
        raise MessageError(msgid("Choose a check-in status and an order status from the lists."))
    if draft.ticket_type_id is not None:
        ticket_type = session.get(TicketType, draft.ticket_type_id)
        if ticket_type is None or ticket_type.event_id != event_id:
            raise MessageError(msgid("That ticket type is not one of this event's."))
    if bool(draft.subject.strip()) != bool(draft.body.strip()):
        raise MessageError(msgid("Write both a subject and a text, or leave both empty to use the reminder template."))
    if draft.subject.strip():
        templates.validate(TemplateKind.REMINDER, draft.subject, draft.body)
    return event


def schedule(
    session: Session, event_id: int, draft: Draft, *, anchor: str, offset_minutes: int, actor_id: int | None
) -> Message:
    """A message sent by the minute job once the event's start/end plus the offset has come (commits)."""
    _check(session, event_id, draft)
    if anchor not in ANCHORS:
        raise MessageError(msgid("Choose the event's start or end."))
    if abs(offset_minutes) > MAX_OFFSET_MINUTES:
        raise MessageError(msgid("The time must be within a year of the event."))
    message = _new(event_id, draft, actor_id)
    message.anchor, message.offset_minutes = anchor, offset_minutes
    session.add(message)
    session.commit()
    session.refresh(message)
    return message


def send_now(session: Session, event_id: int, draft: Draft, *, actor_id: int | None) -> Message:
    """A one-off message: its recipients are chosen now and its batches go out as a job (commits)."""
    _check(session, event_id, draft)
    message = _new(event_id, draft, actor_id)
    session.add(message)
    session.commit()
    session.refresh(message)
    start(session, message.id or 0)
    hooks.emit("messaging.send", message_id=message.id)
    return message


def _new(event_id: int, draft: Draft, actor_id: int | None) -> Message:
    return Message(
        event_id=event_id,
        subject=draft.subject.strip(),
        body=draft.body.strip(),
        audience=draft.audience,
        ticket_type_id=draft.ticket_type_id,
        checkin_filter=draft.checkin_filter,
        order_status=draft.order_status,
        created_by=actor_id,
    )


def cancel(session: Session, message_id: int, event_id: int) -> Message:
    message = session.get(Message, message_id)
    if message is None or message.event_id != event_id:
        raise MessageError(msgid("Message not found."))
    if message.status != MessageStatus.SCHEDULED:
        raise MessageError(msgid("Only a message that has not started can be cancelled."))
    message.status = MessageStatus.CANCELLED
    session.add(message)
    session.commit()
    return message


def start(session: Session, message_id: int, now: datetime | None = None) -> bool:
    """Choose the recipients of a scheduled message and mark it sending (commits); False if it had started."""
    claimed = session.exec(
        update(Message)
        .where(col(Message.id) == message_id, col(Message.status) == MessageStatus.SCHEDULED)
        .values(status=MessageStatus.SENDING, started_at=now or utcnow())
    )
    if claimed.rowcount != 1:
        session.rollback()
        return False
    message = session.get(Message, message_id)
    assert message is not None  # noqa: S101  (just updated)
    people = audience.recipients(session, message)
    for person in people:
        session.add(
            MessageRecipient(
                message_id=message_id, email=person.email, name=person.name, order_id=person.order_id, lang=person.lang
            )
        )
    message.total = len(people)
    session.add(message)
    try:
        session.commit()
    except IntegrityError:  # another worker started it first: its rows stand
        session.rollback()
        return False
    return True


def due_messages(session: Session, now: datetime) -> list[int]:
    """Scheduled messages whose moment has come (the event's start/end plus offset ≤ now)."""
    rows = session.exec(
        select(Message, Event)
        .join(Event, col(Event.id) == Message.event_id)
        .where(Message.status == MessageStatus.SCHEDULED, col(Message.anchor).is_not(None))
    ).all()
    return [message.id or 0 for message, event in rows if (moment := due_at(message, event)) and moment <= now]


def send_due(session: Session, now: datetime | None = None) -> list[int]:
    """The minute job: start every due message and send its batches; the ids started."""
    now = now or utcnow()
    started = [message_id for message_id in due_messages(session, now) if start(session, message_id, now)]
    for message_id in started + unfinished(session):
        send_all(session, message_id)
    return started


def unfinished(session: Session) -> list[int]:
    """Messages left sending by a lost job: the minute job finishes them."""
    return list(session.exec(select(Message.id).where(Message.status == MessageStatus.SENDING)).all())  # type: ignore[arg-type]


def send_all(session: Session, message_id: int) -> None:
    while send_batch(session, message_id):
        pass


def send_batch(session: Session, message_id: int, size: int = BATCH_SIZE) -> int:
    """Mail the next `size` pending recipients (one commit with their mails' due records); how many were done."""
    message = session.get(Message, message_id)
    if message is None or message.status != MessageStatus.SENDING:
        return 0
    pending = session.exec(
        select(MessageRecipient)
        .where(MessageRecipient.message_id == message_id, MessageRecipient.status == "pending")
        .order_by(col(MessageRecipient.id))
        .limit(size)
    ).all()
    if not pending:
        message.status, message.finished_at = MessageStatus.SENT, utcnow()
        session.add(message)
        session.commit()
        return 0
    payloads: list[dict[str, Any]] = []
    for recipient in pending:
        claimed = session.exec(
            update(MessageRecipient)
            .where(col(MessageRecipient.id) == recipient.id, col(MessageRecipient.status) == "pending")
            .values(status="claimed")
        )
        if claimed.rowcount != 1:
            continue  # another worker has it
        if unsubscribe.is_opted_out(session, recipient.email):
            recipient.status = "skipped"
            message.skipped += 1
        else:
            payloads.append(_record(session, message, recipient))
            recipient.status, recipient.sent_at = "sent", utcnow()
            message.sent += 1
            lifecycle.note(session, recipient.order_id, f"{NOTE_PREFIX}: {message.subject or 'reminder'}"[:500])
        session.add(recipient)
    session.add(message)
    session.commit()
    for payload in payloads:
        hooks.emit_due(MAIL_JOB, payload=payload)
    return len(pending)


def _record(session: Session, message: Message, recipient: MessageRecipient) -> dict[str, Any]:
    lang = normalize_locale(recipient.lang)
    order = session.get(Order, recipient.order_id)
    values = templates.event_values(session, message.event_id, lang) | (audience.order_values(order) if order else {})
    values["buyer_name"] = recipient.name
    subject, body = (
        (message.subject, message.body) if message.subject else templates.reminder_text(session, message.event_id, lang)
    )
    blocks = [paragraph(text) for text in templates.paragraphs_of(templates.fill(body, values))]
    if order is not None:
        blocks.append(button(gettext(lang, "View my order"), values["order_link"]))
    blocks.append(
        footer(translate(lang, "Unsubscribe from these messages: {link}", link=unsubscribe.url(recipient.email)))
    )
    mail = render(blocks, lang)
    return record_mail(session, recipient.email, templates.fill(subject, values), mail.text, mail.html)


@dataclass(frozen=True)
class MessageRow:
    message: Message
    due: datetime | None
    type_name: str


def list_messages(session: Session, event_id: int) -> list[MessageRow]:
    event = session.get(Event, event_id)
    if event is None:
        return []
    names = dict(session.exec(select(TicketType.id, TicketType.name).where(TicketType.event_id == event_id)).all())
    rows = session.exec(select(Message).where(Message.event_id == event_id).order_by(col(Message.id).desc())).all()
    return [MessageRow(m, due_at(m, event), names.get(m.ticket_type_id or 0, "")) for m in rows]
