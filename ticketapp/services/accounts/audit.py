"""The audit trail of admin changes: who changed what, written in the change's own transaction."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from ticketapp.models import AdminAudit


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
