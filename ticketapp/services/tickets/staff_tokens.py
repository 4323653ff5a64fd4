"""Per-staff API tokens for scanner apps: created once, stored hashed, revocable."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from sqlmodel import Session, select

from ticketapp.models import Role, StaffApiToken, User, utcnow
from ticketapp.services.accounts.access import Viewer, has_role, viewer_of_user

TOKEN_PREFIX = "tka_"  # noqa: S105  (a public prefix that makes leaked tokens recognisable)
# Door staff: agents (and admins, who pass every staff check).
CHECKIN_ROLE = Role.AGENT


class NotStaffError(PermissionError):
    """Only admins and agents get check-in tokens."""


def hash_token(token: str) -> str:
    # The token has 256 random bits, so a fast hash is enough: nothing to brute-force.
    return hashlib.sha256(token.encode()).hexdigest()


def create_staff_token(session: Session, user_id: int, label: str) -> tuple[StaffApiToken, str]:
    """Create a token for a staff member; the plain token is returned once and never stored; commits."""
    user = session.get(User, user_id)
    if user is None or user.is_blocked or not has_role(user.role, CHECKIN_ROLE):
        raise NotStaffError("only active admins and agents can hold check-in tokens")
    label = label.strip()
    if not label or len(label) > 120:
        raise ValueError("a label of 1 to 120 characters is required")
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = StaffApiToken(user_id=user_id, label=label, token_hash=hash_token(plain))
    session.add(row)
    session.commit()
    return row, plain


def authenticate_staff_token(session: Session, token: str, now: datetime | None = None) -> int | None:
    """The staff user id for a live token of an active admin/agent, else None; records the use."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    statement = (
        select(StaffApiToken, User)
        .join(User, User.id == StaffApiToken.user_id)  # type: ignore[arg-type]
        .where(StaffApiToken.token_hash == hash_token(token))
    )
    found = session.exec(statement).first()
    if found is None:
        return None
    row, user = found
    if row.revoked_at is not None or user.is_blocked or not has_role(user.role, CHECKIN_ROLE):
        return None
    row.last_used_at = now or utcnow()
    session.add(row)
    session.commit()
    return user.id


def viewer_for_staff_token(session: Session, token: str) -> Viewer | None:
    """The door staff member holding a live staff API token, or None; records the use."""
    user_id = authenticate_staff_token(session, token) if token else None
    return viewer_of_user(session.get(User, user_id), by_staff_token=True) if user_id is not None else None


def revoke_staff_token(session: Session, token_id: int, now: datetime | None = None) -> bool:
    row = session.get(StaffApiToken, token_id)
    if row is None or row.revoked_at is not None:
        return False
    row.revoked_at = now or utcnow()
    session.add(row)
    session.commit()
    return True
