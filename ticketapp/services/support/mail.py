"""E-mail for support: an agent's reply goes to the customer with the ticket
reference in the subject and headers, so their answer threads back in.

Delivery goes through the shared mail service (SMTP, or the outbox folder
when no SMTP server is configured).
"""

from __future__ import annotations

from dataclasses import dataclass
from email.utils import formataddr, make_msgid
from pathlib import Path

from sqlmodel import Session, col, select

from ticketapp.i18n import msgid, translate
from ticketapp.models import SupportMessage, SupportTicket
from ticketapp.services.shared import mail as mail_service
from ticketapp.services.support.reply_tokens import reply_token
from ticketapp.services.support.tickets import ticket_customer_name, ticket_email
from ticketapp.settings import get_settings


@dataclass(frozen=True)
class OutgoingMail:
    to: str
    subject: str
    body: mail_service.MailBody
    message_id: str
    in_reply_to: str | None = None


def reply_subject(ticket: SupportTicket, lang: str) -> str:
    return translate(lang, msgid("[{reference}] Re: {subject}"), reference=ticket.reference, subject=ticket.subject)


def render_agent_reply(session: Session, ticket: SupportTicket, message: SupportMessage) -> OutgoingMail:
    lang = ticket.locale
    settings = get_settings()
    name = ticket_customer_name(session, ticket)
    greeting = translate(lang, msgid("Hello {name},"), name=name)
    footer = translate(
        lang,
        msgid("Reply to this e-mail to answer. Your request: {reference}. {url}/support"),
        reference=ticket.reference,
        url=settings.base_url,
    )
    signature = translate(lang, msgid("{agent}, Ticketapp support"), agent=message.author_name)
    body = mail_service.render(
        [
            mail_service.paragraph(greeting),
            *(mail_service.paragraph(part) for part in message.body.split("\n\n")),
            mail_service.paragraph(signature),
            mail_service.footer(footer),
        ],
        lang,
    )
    last_inbound = session.exec(
        select(SupportMessage.email_message_id)
        .where(SupportMessage.ticket_id == ticket.id, col(SupportMessage.email_message_id).is_not(None))
        .order_by(col(SupportMessage.id).desc())
    ).first()
    return OutgoingMail(
        to=ticket_email(session, ticket),
        subject=reply_subject(ticket, lang),
        body=body,
        # The signed reference inside our Message-ID threads replies even when the subject was edited,
        # and proves to inbound.py that the answer replies to a mail we sent.
        message_id=make_msgid(idstring=reply_token(ticket.reference), domain=settings.support.reply_domain),
        in_reply_to=last_inbound,
    )


def outbox_dir() -> Path:
    return get_settings().outbox_dir


def deliver(mail: OutgoingMail) -> None:
    """Send now (this runs inside a retried job): SMTP, or the outbox folder."""
    sender = formataddr(("Ticketapp support", get_settings().support.from_address))
    message = mail_service.build_message(
        mail.to,
        mail.subject,
        mail.body.text,
        mail.body.html,
        sender=sender,
        message_id=mail.message_id,
        in_reply_to=mail.in_reply_to,
    )
    mail_service.deliver(message)


def send_agent_reply(session: Session, message_id: int) -> bool:
    """Job body: e-mail one agent reply; internal notes and chat lines never leave."""
    message = session.get(SupportMessage, message_id)
    if message is None or message.is_internal or message.ticket_id is None or message.email_message_id:
        return False
    ticket = session.get(SupportTicket, message.ticket_id)
    if ticket is None:
        return False
    mail = render_agent_reply(session, ticket, message)
    if not mail.to:
        return False
    deliver(mail)
    message.email_message_id = mail.message_id
    session.add(message)
    session.commit()
    return True
