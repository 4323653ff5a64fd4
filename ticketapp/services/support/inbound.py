"""Inbound e-mail: a raw RFC 822 message becomes a customer message on the
ticket it answers (found by reference in subject, headers or address), or a
new e-mail ticket. Quoted history is cut off so the thread stays readable."""

from __future__ import annotations

import re
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import parseaddr

from sqlmodel import Session, select

from ticketapp.i18n import msgid
from ticketapp.models import SupportMessage, SupportTicket, User
from ticketapp.models.support import Channel
from ticketapp.services.accounts.access import viewer_of_user
from ticketapp.services.shared import bus
from ticketapp.services.support.attachments import attach, store_attachment
from ticketapp.services.support.tickets import (
    REFERENCE_RE,
    Requester,
    SupportError,
    add_customer_message,
    open_ticket,
)

MAX_INBOUND_BYTES = 10 * 1024 * 1024
THREAD_HEADERS = ("Subject", "In-Reply-To", "References", "To", "Cc")
# Where a mail client starts quoting the previous message.
QUOTE_MARKERS = [
    re.compile(r"^On .{1,200} wrote:\s*$"),
    re.compile(r"^Le .{1,200} a écrit\s?:\s*$"),
    re.compile(r"^-{2,}\s*Original Message\s*-{2,}", re.IGNORECASE),
    re.compile(r"^-{2,}\s*Message d’origine\s*-{2,}|^-{2,}\s*Message d'origine\s*-{2,}", re.IGNORECASE),
    re.compile(r"^From: .+"),
    re.compile(r"^_{10,}$"),
]


@dataclass(frozen=True)
class InboundResult:
    ticket: SupportTicket
    created: bool
    duplicate: bool = False


def strip_quoted(text: str) -> str:
    """Keep what the customer wrote above the quoted history."""
    kept: list[str] = []
    for line in text.replace("\r\n", "\n").split("\n"):
        stripped = line.strip()
        if stripped.startswith(">") or any(marker.match(stripped) for marker in QUOTE_MARKERS):
            break
        kept.append(line)
    return "\n".join(kept).strip()


def _plain_body(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    content = part.get_content()
    if part.get_content_type() == "text/html":
        content = re.sub(r"<[^>]+>", " ", content)  # only as a fallback; stored as plain text
    return str(content)


def find_reference(message: EmailMessage) -> str | None:
    for header in THREAD_HEADERS:
        found = REFERENCE_RE.search(str(message.get(header, "")).upper())
        if found:
            return found.group(0)
    return None


def receive_email(session: Session, raw: bytes) -> InboundResult:
    if len(raw) > MAX_INBOUND_BYTES:
        raise SupportError(msgid("The e-mail is too large."))
    message = message_from_bytes(raw, policy=policy.default)
    if not isinstance(message, EmailMessage):
        raise SupportError(msgid("The e-mail could not be read."))
    name, address = parseaddr(str(message.get("From", "")))
    if "@" not in address:
        raise SupportError(msgid("The e-mail has no sender address."))
    address = address.lower()
    message_id = str(message.get("Message-ID", "")).strip()[:255] or None
    if message_id:
        known = session.exec(select(SupportMessage).where(SupportMessage.email_message_id == message_id)).first()
        if known is not None and known.ticket_id is not None:
            ticket = session.get(SupportTicket, known.ticket_id)
            if ticket is not None:
                return InboundResult(ticket, created=False, duplicate=True)
    body = strip_quoted(_plain_body(message))
    reference = find_reference(message)
    ticket = None
    if reference:
        ticket = session.exec(select(SupportTicket).where(SupportTicket.reference == reference)).first()
    if ticket is not None:
        line = add_customer_message(
            session, ticket, body, author_name=name or address, channel=Channel.EMAIL, email_message_id=message_id
        )
        _keep_first_attachment(session, message, line)
        return InboundResult(ticket, created=False)
    user = session.exec(select(User).where(User.email == address)).first()
    customer = viewer_of_user(user)
    requester = Requester(customer=customer) if customer else Requester(guest_name=name or address, guest_email=address)
    subject = REFERENCE_RE.sub("", str(message.get("Subject", ""))).strip(" []:")
    ticket = open_ticket(session, requester, channel=Channel.EMAIL, subject=subject, body=body)
    first = session.exec(select(SupportMessage).where(SupportMessage.ticket_id == ticket.id)).one()
    first.email_message_id = message_id
    session.add(first)
    session.commit()
    bus.publish(bus.SUPPORT_TICKETS)
    _keep_first_attachment(session, message, first)
    return InboundResult(ticket, created=True)


def _keep_first_attachment(session: Session, message: EmailMessage, line: SupportMessage) -> None:
    """Keep the first image or PDF the customer attached; anything else is dropped unread."""
    for part in message.iter_attachments():
        data = part.get_payload(decode=True)
        if not isinstance(data, bytes):
            continue
        try:
            stored = store_attachment(part.get_filename() or "attachment", data)
        except SupportError:
            continue
        attach(session, line, stored)
        return
