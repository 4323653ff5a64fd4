"""The sites allowed to embed the widget: `https://example.org` (scheme, host and port; no path)."""

from __future__ import annotations

from urllib.parse import urlsplit

from sqlmodel import Session, col, select

from ticketapp.i18n import msgid
from ticketapp.models import WidgetOrigin
from ticketapp.services.accounts.audit import audit
from ticketapp.services.errors import DomainError

MAX_ORIGINS = 50


class WidgetOriginError(DomainError):
    """A site that cannot be added: nothing was written."""


def normalize(text: str) -> str:
    """`https://Shop.Example.org/` → `https://shop.example.org`; WidgetOriginError when it is no web origin."""
    value = text.strip().rstrip("/")
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname or len(value) > 300:
        raise WidgetOriginError(msgid("Enter a site address such as https://www.example.org."))
    if parts.path or parts.query or parts.fragment or parts.username or parts.password:
        raise WidgetOriginError(msgid("Enter only the site's address (scheme, host and port), without a path."))
    try:
        port = parts.port
    except ValueError as exc:
        raise WidgetOriginError(msgid("Enter a site address such as https://www.example.org.")) from exc
    host = parts.hostname.lower()
    return f"{parts.scheme}://{host}" + (f":{port}" if port else "")


def allowed(session: Session) -> list[str]:
    return list(session.exec(select(WidgetOrigin.origin).order_by(col(WidgetOrigin.origin))).all())


def is_allowed(session: Session, origin: str | None) -> bool:
    if not origin:
        return False
    try:
        clean = normalize(origin)
    except WidgetOriginError:
        return False
    return session.exec(select(WidgetOrigin.id).where(WidgetOrigin.origin == clean)).first() is not None


def add(session: Session, text: str, *, actor_id: int) -> str:
    origin = normalize(text)
    if origin in allowed(session):
        raise WidgetOriginError(msgid("{origin} is already allowed."), origin=origin)
    if len(allowed(session)) >= MAX_ORIGINS:
        raise WidgetOriginError(msgid("At most {limit} sites can embed the widget."), limit=MAX_ORIGINS)
    session.add(WidgetOrigin(origin=origin))
    audit(session, actor_id, "widget.allow_origin", "widget_origin", None, origin=origin)
    session.commit()
    return origin


def remove(session: Session, origin: str, *, actor_id: int) -> None:
    row = session.exec(select(WidgetOrigin).where(WidgetOrigin.origin == origin[:300])).first()
    if row is None:
        return
    session.delete(row)
    audit(session, actor_id, "widget.remove_origin", "widget_origin", None, origin=origin)
    session.commit()
