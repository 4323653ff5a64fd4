"""Inbound e-mail: a raw RFC 822 message becomes a customer message on the
ticket it answers (found by reference in subject, headers or address), or a
new e-mail ticket. Quoted history is cut off so the thread stays readable.

`From:` is not authenticated, so a sender counts as verified only when the mail
replies to one we sent (a signed reply token in In-Reply-To/References, see
reply_tokens.py). Unverified senders are labelled as such to agents, and a new
ticket from them is never filed under the account that has their address: no
account data (orders, tickets) is attached on the strength of `From:`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import parseaddr

from sqlmodel import Session, select

from ticketapp.i18n import msgid
from ticketapp.models import SupportMessage, SupportTicket
from ticketapp.models.support import Channel
from ticketapp.services.shared import bus
from ticketapp.services.support.attachments import attach, store_attachment
from ticketapp.services.support.reply_tokens import signed_reply_reference
from ticketapp.services.support.tickets import (
    REFERENCE_RE,
    Requester,
    SupportError,
    add_customer_message,
    open_ticket,
    ticket_email,
)

MAX_INBOUND_BYTES = 10 * 1024 * 1024
UNVERIFIED_LABEL = "(unverified sender)"
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
    verified_reference = signed_reply_reference(message)
    reference = verified_reference or find_reference(message)
    ticket = None
    if reference:
        ticket = session.exec(select(SupportTicket).where(SupportTicket.reference == reference)).first()
    sender = name or address
    if ticket is not None:
        verified = reference == verified_reference and address == ticket_email(session, ticket).lower()
        author = sender if verified else f"{sender} {UNVERIFIED_LABEL}"
        line = add_customer_message(
            session, ticket, body, author_name=author, channel=Channel.EMAIL, email_message_id=message_id
        )
        _keep_first_attachment(session, message, line)
        return InboundResult(ticket, created=False)
    # A new thread: nothing proves the sender owns `address`, so it stays a guest ticket.
    requester = Requester(guest_name=f"{sender} {UNVERIFIED_LABEL}"[:120], guest_email=address)
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
