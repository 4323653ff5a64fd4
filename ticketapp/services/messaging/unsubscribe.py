"""Unsubscribing from non-essential mail (reminders, organisers' messages) with a signed link.

Essential mail (confirmation, tickets, refunds, transfers) never reads this: it always goes out.
"""

from __future__ import annotations

from urllib.parse import quote

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from ticketapp.models import MailOptOut
from ticketapp.services.shared.signing import sign, verify
from ticketapp.settings import get_settings

PURPOSE = "unsubscribe"


def _key(email: str) -> str:
    return email.strip().lower()


def url(email: str) -> str:
    address = _key(email)
    return f"{get_settings().base_url}/api/unsubscribe?e={quote(address)}&s={sign(address, PURPOSE)}"


def is_opted_out(session: Session, email: str) -> bool:
    return session.exec(select(MailOptOut.id).where(MailOptOut.email == _key(email))).first() is not None


def opt_out(session: Session, email: str, signature: str) -> bool:
    """Record the address's wish (commits); False when the link's signature does not match (nothing changes)."""
    address = _key(email)
    if not address or len(address) > 320 or not verify(address, PURPOSE, signature):
        return False
    if not is_opted_out(session, address):
        session.add(MailOptOut(email=address))
        try:
            session.commit()
        except IntegrityError:  # the same link opened twice at once
            session.rollback()
    return True


def opt_in(session: Session, email: str) -> None:
    """Mail me again (the customer's own choice in their account, or the link's undo)."""
    row = session.exec(select(MailOptOut).where(MailOptOut.email == _key(email))).first()
    if row is not None:
        session.delete(row)
        session.commit()
