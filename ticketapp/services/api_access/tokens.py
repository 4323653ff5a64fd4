"""API tokens for a staff member or a named integration: scoped per area, revocable, last use recorded.

They extend the check-in tokens (tickets/staff_tokens.py): same table, same hash, same prefix; a token
with scopes also opens `/api/v1/`. The plain token is returned once at creation and never stored.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, col, select

from ticketapp.db import begin_write_locked
from ticketapp.i18n import msgid
from ticketapp.models import Role, StaffApiToken, User, utcnow
from ticketapp.services.accounts.access import has_role
from ticketapp.services.errors import DomainError
from ticketapp.services.tickets.staff_tokens import TOKEN_PREFIX, hash_token

AREAS = ("events", "orders", "customers", "checkins", "promotions", "waitlist", "questions", "invoices")
LEVELS = ("read", "write")
# "last used" is written at most this often per token: every request would otherwise be a write.
LAST_USED_RESOLUTION = timedelta(seconds=60)
NAME_MAX = 120


class TokenError(DomainError):
    """A token could not be created or revoked as asked; nothing changed."""


@dataclass(frozen=True)
class ApiCaller:
    """Who is calling the API: the token, whom it acts as (for the orders' trail), and what it may do."""

    token_id: int
    name: str
    actor_id: int | None  # the staff member, or the admin who created the integration's token
    grants: frozenset[str]

    def may(self, area: str, level: str) -> bool:
        return f"{area}:{level}" in self.grants or (level == "read" and f"{area}:write" in self.grants)


@dataclass(frozen=True)
class TokenRow:
    id: int
    name: str
    holder: str  # the staff member's name, or "" for an integration
    scopes: list[str]
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


def parse_scopes(scopes: list[str] | str) -> list[str]:
    """Known "area:level" grants, sorted, without repeats; TokenError for an unknown one or none."""
    items = scopes.split() if isinstance(scopes, str) else scopes
    clean: set[str] = set()
    for item in items:
        area, _, level = item.strip().partition(":")
        if area not in AREAS or level not in LEVELS:
            raise TokenError(msgid("Unknown permission: {scope}."), scope=item[:40])
        clean.add(f"{area}:{level}")
    if not clean:
        raise TokenError(msgid("Choose at least one permission."))
    return sorted(clean)


def create_api_token(
    session: Session, creator_id: int, name: str, scopes: list[str] | str, *, staff_user_id: int | None = None
) -> tuple[StaffApiToken, str]:
    """A new scoped token for an integration (`staff_user_id` None) or a staff member; commits.

    Only an admin creates them. Returns the row and the plain token, shown once."""
    creator = session.get(User, creator_id)
    if creator is None or creator.is_blocked or not has_role(creator.role, Role.ADMIN):
        raise TokenError(msgid("Only administrators can create API tokens."))
    label = " ".join(name.split())
    if not label or len(label) > NAME_MAX:
        raise TokenError(msgid("Please enter a name of 1 to {max} characters."), max=NAME_MAX)
    grants = parse_scopes(scopes)
    if staff_user_id is not None:
        holder = session.get(User, staff_user_id)
        if holder is None or holder.is_blocked or not has_role(holder.role, Role.AGENT):
            raise TokenError(msgid("Only active staff members can hold an API token."))
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = StaffApiToken(
        user_id=staff_user_id,
        label=label,
        token_hash=hash_token(plain),
        scopes=" ".join(grants),
        created_by_id=creator_id,
    )
    session.add(row)
    session.commit()
    return row, plain


def authenticate(session: Session, token: str, now: datetime | None = None) -> ApiCaller | None:
    """The caller behind a live scoped token, or None (unknown, revoked, check-in only, holder no longer staff).

    Records the use (at most once a minute per token)."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    row = session.exec(select(StaffApiToken).where(StaffApiToken.token_hash == hash_token(token))).first()
    if row is None or row.id is None or row.revoked_at is not None or not row.scopes:
        return None
    actor_id = row.user_id if row.user_id is not None else row.created_by_id
    if row.user_id is not None:
        holder = session.get(User, row.user_id)
        if (
            holder is None
            or holder.is_blocked
            or holder.deleted_at is not None
            or not has_role(holder.role, Role.AGENT)
        ):
            return None
    moment = now or utcnow()
    if row.last_used_at is None or moment - row.last_used_at >= LAST_USED_RESOLUTION:
        begin_write_locked(session)  # SQLite: wait in the writers' queue, not on the busy timeout
        session.execute(update(StaffApiToken).where(col(StaffApiToken.id) == row.id).values(last_used_at=moment))
        session.commit()
    return ApiCaller(token_id=row.id, name=row.label, actor_id=actor_id, grants=frozenset(row.scopes.split()))


def list_api_tokens(session: Session) -> list[TokenRow]:
    """Every scoped token, newest first, with its holder's name."""
    rows = session.exec(
        select(StaffApiToken).where(col(StaffApiToken.scopes).is_not(None)).order_by(col(StaffApiToken.id).desc())
    ).all()
    names = {
        user.id: user.display_name
        for user in session.exec(
            select(User).where(col(User.id).in_({row.user_id for row in rows if row.user_id is not None}))
        ).all()
    }
    return [
        TokenRow(
            id=row.id or 0,
            name=row.label,
            holder=names.get(row.user_id, "") if row.user_id is not None else "",
            scopes=(row.scopes or "").split(),
            created_at=row.created_at,
            last_used_at=row.last_used_at,
            revoked_at=row.revoked_at,
        )
        for row in rows
    ]


def revoke_api_token(session: Session, actor_id: int, token_id: int, now: datetime | None = None) -> StaffApiToken:
    """Revoke a scoped token (it stops working at once); commits. TokenError if unknown or already revoked."""
    actor = session.get(User, actor_id)
    if actor is None or actor.is_blocked or not has_role(actor.role, Role.ADMIN):
        raise TokenError(msgid("Only administrators can revoke API tokens."))
    row = session.get(StaffApiToken, token_id)
    if row is None or row.scopes is None:
        raise TokenError(msgid("This token does not exist."))
    if row.revoked_at is not None:
        raise TokenError(msgid("This token was already revoked."))
    row.revoked_at = now or utcnow()
    session.add(row)
    session.commit()
    return row


def staff_choices(session: Session) -> list[tuple[int, str]]:
    """Active admins and agents who may hold a token: (id, "name <email>")."""
    users = session.exec(
        select(User)
        .where(col(User.role).in_([Role.ADMIN, Role.AGENT]), User.is_blocked == False, col(User.deleted_at).is_(None))  # noqa: E712
        .order_by(col(User.display_name))
    ).all()
    return [(user.id or 0, f"{user.display_name} <{user.email}>") for user in users]
