"""Outgoing mail, reusable by every feature.

`send_mail(...)` queues a background job (DESIGN.md "Jobs") that delivers the
message: through SMTP when `SMTP_HOST` is set, otherwise into the outbox folder
under DATA_DIR, listed by the `/dev/outbox` page so `make run` shows the whole
flow without a mail server. Every mail's text and HTML come from the same blocks
(`paragraph`, `bullets`, `button`…) through one skeleton, `render(...)`.
"""

from __future__ import annotations

import base64
import html
import re
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

from sqlmodel import Session

from ticketapp.i18n.languages import direction
from ticketapp.services import hooks
from ticketapp.services.shared import due
from ticketapp.settings import SUPPORTED_LOCALES, SmtpSettings, get_settings

MAIL_JOB = "mail.queued"  # the hooks event that delivers a mail


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


@dataclass(frozen=True)
class MailBlock:
    """One piece of a mail in both its forms: plain text and escaped HTML."""

    text: str
    html: str


@dataclass(frozen=True)
class MailLink:
    """One entry of a link list: `label (note): url` in text, the label linked in HTML."""

    label: str
    note: str
    url: str


_BUTTON_STYLE = (
    "display:inline-block;padding:10px 16px;background:#1f4fd8;color:#ffffff;text-decoration:none;border-radius:6px"
)
_SMALL_STYLE = "font-size:12px;color:#555"


def paragraph(text: str, *, strong: bool = False) -> MailBlock:
    escaped = html.escape(text)
    return MailBlock(text, f"<p><strong>{escaped}</strong></p>" if strong else f"<p>{escaped}</p>")


def _html_list(items: list[str]) -> str:
    return "<ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>"


def bullets(items: list[str], *, title: str = "") -> MailBlock:
    """A bulleted list, optionally under a one-line title."""
    lines = "\n".join(f"- {item}" for item in items)
    items_html = _html_list([html.escape(item) for item in items])
    if not title:
        return MailBlock(lines, items_html)
    return MailBlock(f"{title}\n{lines}", f"<p>{html.escape(title)}</p>{items_html}")


def link_list(title: str, links: list[MailLink]) -> MailBlock:
    """A headed list of links, one per line in the text part."""
    lines = "\n".join(f"{link.label} ({link.note}): {link.url}" for link in links)
    items_html = [
        f'<a href="{html.escape(link.url, quote=True)}">{html.escape(link.label)}</a> ({html.escape(link.note)})'
        for link in links
    ]
    return MailBlock(
        f"{title}:\n{lines}", f'<h2 style="font-size:16px">{html.escape(title)}</h2>' + _html_list(items_html)
    )


def button(label: str, url: str) -> MailBlock:
    """The mail's call to action; the address is repeated for clients that do not show buttons."""
    return MailBlock(
        f"{label}:\n{url}",
        f'<p><a href="{html.escape(url, quote=True)}" style="{_BUTTON_STYLE}">{html.escape(label)}</a></p>'
        # An address reads left to right even inside an Arabic mail.
        f'<p dir="ltr" style="{_SMALL_STYLE}">{html.escape(url)}</p>',
    )


def footer(text: str) -> MailBlock:
    """Small print after the signature delimiter ("-- "), which mail clients fold away."""
    return MailBlock(f"-- \n{text}", f'<p style="{_SMALL_STYLE}">{html.escape(text)}</p>')


# A colon after a word, before a space or a line break (not the one in "https://" nor in "20:00").
_COLON_AFTER_WORD = re.compile(r"(?<=\S):(?=\s)")


def typography(text: str, lang: str) -> str:
    """French sets a space before a colon (as the catalogue does): the blocks' own colons too ("Vos billets :")."""
    return _COLON_AFTER_WORD.sub(" :", text) if lang == "fr" else text


def render(blocks: list[MailBlock], lang: str) -> MailBody:
    """The one skeleton of every mail we send: blocks in order, text and HTML alike."""
    lang_attr, dir_attr = html.escape(lang, quote=True), direction(lang)
    html_doc = (
        f'<!doctype html><html lang="{lang_attr}" dir="{dir_attr}">'
        # On the body too: webmail keeps the body's attributes when it drops the <html> element.
        f'<body dir="{dir_attr}" style="font-family:Arial,sans-serif;color:#111;line-height:1.5">'
        + "".join(block.html for block in blocks)
        + "</body></html>"
    )
    return MailBody(text=typography("\n\n".join(block.text for block in blocks) + "\n", lang), html=html_doc)


def compose(
    paragraphs: list[str],
    *,
    lang: str = SUPPORTED_LOCALES[0],
    link_label: str = "",
    link_url: str = "",
    footer_text: str = "",
) -> MailBody:
    """A plain mail: paragraphs, an optional button and an optional footer."""
    blocks = [paragraph(text) for text in paragraphs]
    if link_url:
        blocks.append(button(link_label, link_url))
    if footer_text:
        blocks.append(footer(footer_text))
    return render(blocks, lang)


def build_message(
    to: str,
    subject: str,
    text: str,
    html_body: str,
    attachments: list[Attachment] | None = None,
    *,
    sender: str | None = None,
    message_id: str | None = None,
    in_reply_to: str | None = None,
) -> EmailMessage:
    """The MIME message: text with its HTML alternative, attachments, and threading headers for replies."""
    message = EmailMessage()
    message["From"] = sender or get_settings().smtp.sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(datetime.now(UTC))
    message["Message-ID"] = message_id or make_msgid(domain="ticketapp.local")
    if in_reply_to:
        message["In-Reply-To"] = in_reply_to
        message["References"] = in_reply_to
    message.set_content(text)
    message.add_alternative(html_body, subtype="html")
    for attachment in attachments or []:
        maintype, _, subtype = attachment.mime_type.partition("/")
        message.add_attachment(
            attachment.content, maintype=maintype, subtype=subtype or "octet-stream", filename=attachment.filename
        )
    return message


def _payload(to: str, subject: str, text: str, html_body: str, attachments: list[Attachment] | None) -> dict[str, Any]:
    """A mail as the job takes it: plain JSON (attachments in base64), so it can also be stored as due."""
    return {
        "to": to,
        "subject": subject,
        "text": text,
        "html": html_body,
        "attachments": [(a.filename, base64.b64encode(a.content).decode(), a.mime_type) for a in attachments or []],
    }


def send_mail(to: str, subject: str, text: str, html_body: str, attachments: list[Attachment] | None = None) -> None:
    """Queue a mail for delivery as a background job (inline when JOBS_IMMEDIATE=1)."""
    hooks.emit("mail.queued", payload=_payload(to, subject, text, html_body, attachments))


def queue_mail(
    session: Session,
    to: str,
    subject: str,
    text: str,
    html_body: str,
    attachments: list[Attachment] | None = None,
) -> None:
    """Record the mail as due with whatever the caller changed, commit, then queue it.

    The mail is never lost between that commit and the queue: the reconciler sends
    what the job did not mark done (services.shared.due).
    """
    payload = record_mail(session, to, subject, text, html_body, attachments)
    session.commit()
    hooks.emit_due(MAIL_JOB, payload=payload)


def record_mail(
    session: Session,
    to: str,
    subject: str,
    text: str,
    html_body: str,
    attachments: list[Attachment] | None = None,
) -> dict[str, Any]:
    """`queue_mail` without the commit: the caller commits (with the change the mail is about), then
    hands the returned payload to `hooks.emit_due(MAIL_JOB, payload=…)`."""
    payload = _payload(to, subject, text, html_body, attachments) | {"due_key": uuid.uuid4().hex}
    due.record(session, MAIL_JOB, payload["due_key"], payload=payload)
    return payload


def deliver_payload(payload: dict[str, Any]) -> str:
    """Deliver a queued mail now; returns where it went ('smtp' or the outbox file)."""
    attachments = [
        Attachment(name, content if isinstance(content, bytes) else base64.b64decode(content), mime)
        for name, content, mime in payload.get("attachments", [])
    ]
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
