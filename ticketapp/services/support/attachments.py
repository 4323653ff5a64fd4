"""Attachments on support messages: images and PDFs up to 5 MB, checked by their
first bytes (never by the name or the browser's word), stored privately under
DATA_DIR (files under /_upload are public)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import Session

from ticketapp.i18n import msgid
from ticketapp.models import SupportMessage
from ticketapp.services.support.tickets import SupportError
from ticketapp.settings import get_settings

MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True)
class StoredAttachment:
    path: str  # relative to the attachments folder
    name: str
    content_type: str


def sniff_type(data: bytes) -> tuple[str, str] | None:
    """(content type, extension) from magic bytes, or None for anything else."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png", "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg", "jpg"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif", "gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp", "webp"
    if data.startswith(b"%PDF-"):
        return "application/pdf", "pdf"
    return None


def attachments_dir() -> Path:
    return get_settings().data_dir / "support-attachments"


def store_attachment(filename: str, data: bytes) -> StoredAttachment:
    if len(data) > MAX_ATTACHMENT_BYTES:
        raise SupportError(msgid("Attachments can be 5 MB at most."))
    sniffed = sniff_type(data)
    if sniffed is None:
        raise SupportError(msgid("Only images (PNG, JPEG, GIF, WebP) and PDF files can be attached."))
    content_type, extension = sniffed
    folder = attachments_dir()
    folder.mkdir(parents=True, exist_ok=True)
    # A random name: the customer's file name never becomes a path.
    stored_name = f"{secrets.token_hex(16)}.{extension}"
    (folder / stored_name).write_bytes(data)
    display = Path(filename).name[:200] or stored_name
    return StoredAttachment(stored_name, display, content_type)


def attachment_bytes(stored: str) -> bytes:
    path = (attachments_dir() / stored).resolve()
    if path.parent != attachments_dir().resolve():
        raise SupportError(msgid("Attachment not found."))
    return path.read_bytes()


def attach(session: Session, message: SupportMessage, stored: StoredAttachment) -> SupportMessage:
    """Record a stored file on a message its author just posted."""
    message.attachment_path = stored.path
    message.attachment_name = stored.name
    message.attachment_type = stored.content_type
    session.add(message)
    session.commit()
    return message


def message_attachment(
    session: Session, message_id: int, ticket_id: int, *, include_internal: bool
) -> tuple[str, str, bytes]:
    """(file name, content type, bytes) of a message's attachment, if it belongs to `ticket_id`.

    Callers authorise the ticket first (customer_ticket / agent_ticket).
    """
    message = session.get(SupportMessage, message_id)
    if message is None or message.ticket_id != ticket_id:
        raise SupportError(msgid("Attachment not found."))
    return _attached_file(message)


def chat_attachment(session: Session, message_id: int, chat_id: int) -> tuple[str, str, bytes]:
    """(file name, content type, bytes) of a live chat line's attachment, if it belongs to `chat_id`.

    Callers authorise the chat first (chat.agent_chat): agents open a picture while the chat is still live.
    """
    message = session.get(SupportMessage, message_id)
    if message is None or message.chat_id != chat_id:
        raise SupportError(msgid("Attachment not found."))
    return _attached_file(message)


def _attached_file(message: SupportMessage) -> tuple[str, str, bytes]:
    if not message.attachment_path or message.is_internal:
        raise SupportError(msgid("Attachment not found."))
    return (
        message.attachment_name or "attachment",
        message.attachment_type or "",
        attachment_bytes(message.attachment_path),
    )
