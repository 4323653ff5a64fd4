"""Who may download a ticket PDF: its owner, or whoever holds a signed, expiring link.

Links look like `/api/tickets/K7QF-M2XD.pdf?exp=1893456000&sig=…`; the signature
is `services.signing` (HMAC-SHA256 with SECRET_KEY) over the ticket code and the expiry, so neither
can be changed, and an expired link is refused even with a valid signature.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import urlencode

from sqlmodel import Session, select

from ticketapp.models import Order, Ticket, utcnow
from ticketapp.services.shared.origin import app_base_url
from ticketapp.services.shared.signing import sign, verify
from ticketapp.services.tickets.mine import holds_ticket
from ticketapp.settings import Settings, get_settings

LINK_PURPOSE = "ticket-pdf"


def signed_ticket_path(code: str, secret_key: str, ttl: timedelta, now: datetime | None = None) -> str:
    """The download path of one ticket's PDF, valid for `ttl`."""
    expires = int(((now or utcnow()) + ttl).timestamp())
    query = urlencode({"exp": expires, "sig": sign(f"{code}:{expires}", LINK_PURPOSE, secret_key)})
    return f"/api/tickets/{code}.pdf?{query}"


def link_is_valid(code: str, exp: str | None, sig: str | None, secret_key: str, now: datetime | None = None) -> bool:
    if not exp or not sig or not exp.isdigit() or len(exp) > 12:
        return False
    if not verify(f"{code}:{int(exp)}", LINK_PURPOSE, sig, secret_key):
        return False
    return int(exp) > int((now or utcnow()).timestamp())


def downloadable_ticket(session: Session, code: str, user_id: int | None) -> Ticket | None:
    """The ticket with `code`, provided `user_id` holds it (None: already authorized by a link)."""
    statement = select(Ticket).join(Order, Order.id == Ticket.order_id)  # type: ignore[arg-type]
    statement = statement.where(Ticket.code == code)
    if user_id is not None:  # someone else's ticket (a transferred one included) looks exactly like a missing one
        statement = statement.where(holds_ticket(user_id))
    return session.exec(statement).first()


def ticket_download_url(code: str, settings: Settings | None = None, now: datetime | None = None) -> str:
    """The absolute signed link for e-mails, valid for TICKET_LINK_TTL_HOURS."""
    base_url = settings.base_url if settings else app_base_url()  # a caller's own settings name their host
    settings = settings or get_settings()
    ttl = timedelta(hours=settings.ticket_link_ttl_hours)
    return base_url + signed_ticket_path(code, settings.secret_key, ttl, now)
