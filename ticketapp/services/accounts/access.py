"""Who may use the admin area, and the audit trail of admin changes (no reflex here)."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from ticketapp.models import AdminAudit, Role, User


class AdminRefusedError(PermissionError):
    """The caller is not an active admin: the handler must change nothing."""


def ensure_admin(session: Session, user_id: int | None) -> int:
    """Return `user_id` if it is an active, unblocked admin; raise AdminRefusedError otherwise."""
    if user_id is None:
        raise AdminRefusedError("not signed in")
    user = session.get(User, user_id)
    if user is None or user.role != Role.ADMIN or user.is_blocked:
        raise AdminRefusedError("admins only")
    return user_id


def audit(
    session: Session,
    actor_id: int,
    action: str,
    target_type: str,
    target_id: int | None = None,
    **details: Any,
) -> AdminAudit:
    """Add an audit row to the session's transaction (the caller commits it with the change)."""
    row = AdminAudit(
        actor_user_id=actor_id, action=action, target_type=target_type, target_id=target_id, details=details or None
    )
    session.add(row)
    return row
