"""Event images uploaded by admins: checked by content (magic bytes) and size, stored outside /_upload.

Files live under `settings.media_dir` with random names and are served by the
`/media/{name}` route (ticketapp/api/media.py), which only ever serves names
this module could have produced.
"""

from __future__ import annotations

import re
import secrets
from pathlib import Path

from ticketapp.i18n import msgid
from ticketapp.services.catalog.events import AdminError
from ticketapp.settings import get_settings

MAX_IMAGE_BYTES = 5 * 1024 * 1024
MEDIA_URL_PREFIX = "/media/"
SAFE_NAME = re.compile(r"^[A-Za-z0-9_-]{16,64}\.(png|jpg|webp|gif)$")
CONTENT_TYPES = {"png": "image/png", "jpg": "image/jpeg", "webp": "image/webp", "gif": "image/gif"}


def sniff_image_type(data: bytes) -> str | None:
    """The image format from the file's first bytes (never from its name or the browser's claim)."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    return None


def media_dir() -> Path:
    folder = get_settings().media_dir or get_settings().data_dir / "media"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def save_event_image(data: bytes) -> str:
    """Store an uploaded image and return its public URL; AdminError (nothing stored) when refused."""
    if len(data) > MAX_IMAGE_BYTES:
        raise AdminError(msgid("The image is larger than 5 MB."))
    kind = sniff_image_type(data)
    if kind is None or len(data) < 16:
        raise AdminError(msgid("Please upload a PNG, JPEG, WebP or GIF image."))
    name = f"{secrets.token_urlsafe(18)}.{kind}"
    (media_dir() / name).write_bytes(data)
    return MEDIA_URL_PREFIX + name


def media_file(name: str) -> tuple[Path, str] | None:
    """(path, content type) of a stored image, or None for any name we did not generate."""
    if not SAFE_NAME.match(name):
        return None
    path = media_dir() / name
    return (path, CONTENT_TYPES[name.rsplit(".", 1)[1]]) if path.is_file() else None
