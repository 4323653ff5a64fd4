"""Outgoing mail, reusable by every feature.

`send_mail(...)` queues a background job (DESIGN.md "Jobs") that delivers the
message: through SMTP when `SMTP_HOST` is set, otherwise into the outbox folder
under DATA_DIR, listed by the `/dev/outbox` page so `make run` shows the whole
flow without a mail server. `compose(...)` builds matching text and HTML bodies.
"""

from __future__ import annotations

import html
import smtplib
import ssl
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import format_datetime, make_msgid, parsedate_to_datetime
from pathlib import Path
from typing import Any

from ticketapp.settings import SmtpSettings, get_settings


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    mime_type: str = "application/octet-stream"


@dataclass(frozen=True)
class MailBody:
    text: str
    html: str


@dataclass(frozen=True)
class OutboxMail:
    """One message found in the outbox folder."""

    name: str
    to: str
    subject: str
    sent_at: datetime
    text: str
    html: str
    attachments: list[str] = field(default_factory=list)


def compose(paragraphs: list[str], *, link_label: str = "", link_url: str = "", footer: str = "") -> MailBody:
    """Text and HTML bodies from the same (already translated) paragraphs."""
    text_parts = list(paragraphs)
    html_parts = [f"<p>{html.escape(p)}</p>" for p in paragraphs]
    if link_url:
        text_parts.append(f"{link_label}:\n{link_url}")
        html_parts.append(
            f'<p><a href="{html.escape(link_url, quote=True)}" '
            f'style="display:inline-block;padding:10px 16px;background:#1f4fd8;color:#ffffff;'
            f'text-decoration:none;border-radius:6px">{html.escape(link_label)}</a></p>'
            f'<p style="font-size:12px;color:#555">{html.escape(link_url)}</p>'
        )
    if footer:
        text_parts.append(f"-- \n{footer}")
        html_parts.append(f'<p style="font-size:12px;color:#555">{html.escape(footer)}</p>')
    html_doc = (
        '<!doctype html><html><body style="font-family:Arial,sans-serif;color:#111;line-height:1.5">'
        + "".join(html_parts)
        + "</body></html>"
    )
    return MailBody(text="\n\n".join(text_parts) + "\n", html=html_doc)


def build_message(
    to: str, subject: str, text: str, html_body: str, attachments: list[Attachment] | None = None
) -> EmailMessage:
    settings = get_settings()
    message = EmailMessage()
    message["From"] = settings.smtp.sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(datetime.now(UTC))
    message["Message-ID"] = make_msgid(domain="ticketapp.local")
    message.set_content(text)
    message.add_alternative(html_body, subtype="html")
    for attachment in attachments or []:
        maintype, _, subtype = attachment.mime_type.partition("/")
        message.add_attachment(
            attachment.content, maintype=maintype, subtype=subtype or "octet-stream", filename=attachment.filename
        )
    return message


def send_mail(to: str, subject: str, text: str, html_body: str, attachments: list[Attachment] | None = None) -> None:
    """Queue a mail for delivery as a background job (inline when JOBS_IMMEDIATE=1)."""
    from ticketapp.tasks import deliver_mail_job  # the task module imports services: import late

    payload = {
        "to": to,
        "subject": subject,
        "text": text,
        "html": html_body,
        "attachments": [(a.filename, a.content, a.mime_type) for a in attachments or []],
    }
    deliver_mail_job(payload)


def deliver_payload(payload: dict[str, Any]) -> str:
    """Deliver a queued mail now; returns where it went ('smtp' or the outbox file)."""
    attachments = [Attachment(name, content, mime) for name, content, mime in payload.get("attachments", [])]
    message = build_message(payload["to"], payload["subject"], payload["text"], payload["html"], attachments)
    return deliver(message)


def deliver(message: EmailMessage) -> str:
    smtp = get_settings().smtp
    if smtp.host:
        _send_smtp(message, smtp)
        return "smtp"
    return str(_write_outbox(message))


def _send_smtp(message: EmailMessage, smtp: SmtpSettings) -> None:
    with smtplib.SMTP(smtp.host, smtp.port, timeout=30) as client:
        client.ehlo()
        if smtp.starttls and client.has_extn("starttls"):
            client.starttls(context=ssl.create_default_context())
            client.ehlo()
        if smtp.user:
            client.login(smtp.user, smtp.password)
        client.send_message(message)


def _outbox_dir() -> Path:
    path = get_settings().outbox_dir
    path.mkdir(parents=True, exist_ok=True)
    return path


def _write_outbox(message: EmailMessage) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
    path = _outbox_dir() / f"{stamp}-{uuid.uuid4().hex[:8]}.eml"
    path.write_bytes(message.as_bytes())
    return path


def _parse_outbox_file(path: Path) -> OutboxMail:
    message = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
    text_part = message.get_body(preferencelist=("plain",))
    html_part = message.get_body(preferencelist=("html",))
    date_header = message.get("Date")
    sent_at = parsedate_to_datetime(date_header) if date_header else datetime.now(UTC)
    return OutboxMail(
        name=path.name,
        to=str(message.get("To", "")),
        subject=str(message.get("Subject", "")),
        sent_at=sent_at,
        text=text_part.get_content() if text_part else "",
        html=html_part.get_content() if html_part else "",
        attachments=[part.get_filename() or "" for part in message.iter_attachments()],
    )


def list_outbox(limit: int = 100) -> list[OutboxMail]:
    """The newest mails written to the outbox folder first."""
    files = sorted(_outbox_dir().glob("*.eml"), reverse=True)[:limit]
    return [_parse_outbox_file(path) for path in files]
