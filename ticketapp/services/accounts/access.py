"""Who is this, and may they? The one access rule for admin, agent and door staff (no reflex here).

A `Viewer` is the person behind a request, built fresh from the database for each
request by one of the `viewer_for_*` functions. Only an active account becomes a
Viewer: a blocked or deleted one is nobody (None), so "active" holds by construction.

`access_decision` is the rule itself (pure), `require` applies it and raises.
States reach it through the guard in `state/base.py`, routes through `api/deps.py`;
services that check a role on a Viewer (support) use the same properties.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from sqlmodel import Session

from ticketapp.models import Role, User
from ticketapp.services.accounts.sessions import CurrentUser, resolve_session


class Decision(StrEnum):
    """May the visitor go on, and if not, why (and so where a page sends them)."""

    OK = "ok"
    SIGN_IN = "signin"
    ENROL = "enrol"  # staff who have not set up their second factor yet
    CODE = "code"  # staff who have not given their second factor in this session
    FORBIDDEN = "forbidden"


class AccessRefusedError(PermissionError):
    """The visitor may not do this; the caller must change nothing."""

    def __init__(self, decision: Decision) -> None:
        super().__init__(decision.value)
        self.decision = decision


@dataclass(frozen=True)
class Viewer:
    """An active account behind a request."""

    id: int
    name: str
    email: str
    role: str
    two_factor_enabled: bool = False
    # The second factor was given in this browser session (only staff are asked for one).
    second_factor_given: bool = False
    # Signed in by a door device's staff API token rather than a browser session: the token,
    # issued to one staff member and revocable, stands for the whole sign-in.
    by_staff_token: bool = False

    @property
    def is_staff(self) -> bool:
        return self.role in (Role.AGENT, Role.ADMIN)

    @property
    def is_agent(self) -> bool:
        """Agents and admins (admins pass every staff check)."""
        return has_role(self.role, Role.AGENT)

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def fully_signed_in(self) -> bool:
        """Staff count as signed in only once they gave their second factor."""
        return not self.is_staff or self.by_staff_token or (self.two_factor_enabled and self.second_factor_given)


def has_role(role: str, needed: str) -> bool:
    """Whether an account with `role` holds `needed`: customer < agent < admin."""
    if needed == Role.ADMIN:
        return role == Role.ADMIN
    if needed == Role.AGENT:
        return role in (Role.AGENT, Role.ADMIN)
    return True


def viewer_of_user(user: User | None, *, by_staff_token: bool = False) -> Viewer | None:
    """The Viewer for an account row, or None when there is none or it is blocked or deleted."""
    if user is None or user.id is None or user.is_blocked or user.deleted_at is not None:
        return None
    return Viewer(
        id=user.id,
        name=user.display_name,
        email=user.email,
        role=user.role,
        two_factor_enabled=user.two_factor_enabled,
        by_staff_token=by_staff_token,
    )


def viewer_for_user(session: Session, user_id: int | None) -> Viewer | None:
    """The account behind a user id whose sign-in the caller knows nothing about (no second factor)."""
    return viewer_of_user(session.get(User, user_id)) if user_id is not None else None


def viewer_of_session(user: CurrentUser | None) -> Viewer | None:
    """The Viewer for a resolved browser session (see `sessions.resolve_session`)."""
    if user is None:
        return None
    return Viewer(
        id=user.id,
        name=user.display_name,
        email=user.email,
        role=user.role,
        two_factor_enabled=user.two_factor_enabled,
        second_factor_given=user.second_factor_ok,
    )


def viewer_for_session_token(session: Session, token: str) -> Viewer | None:
    """The person behind a browser's session cookie, or None (unknown, expired, revoked, blocked)."""
    return viewer_of_session(resolve_session(session, token)) if token else None


def access_decision(
    viewer: Viewer | None, roles: Iterable[str] = (), allow_pending_second_factor: bool = False
) -> Decision:
    """The rule. `roles`: any one of them will do (admins pass every staff check).

    `allow_pending_second_factor` is for the page where staff set up or give their second factor.
    """
    if viewer is None:
        return Decision.SIGN_IN
    if not viewer.fully_signed_in and not allow_pending_second_factor:
        return Decision.CODE if viewer.two_factor_enabled else Decision.ENROL
    needed = tuple(roles)
    if needed and not any(has_role(viewer.role, role) for role in needed):
        return Decision.FORBIDDEN
    return Decision.OK


def require(viewer: Viewer | None, role: Role | None = None) -> Viewer:
    """`viewer` if they may act with `role` (None: any signed-in person); raises AccessRefusedError."""
    decision = access_decision(viewer, (role,) if role else ())
    if viewer is None or decision != Decision.OK:
        raise AccessRefusedError(decision)
    return viewer


def ensure_admin(session: Session, user_id: int | None) -> int:
    """`user_id` if that account is an active admin; raises AccessRefusedError otherwise.

    An account check only: for a caller that already knows how the person signed in.
    """
    viewer = viewer_for_user(session, user_id)
    if viewer is None or not viewer.is_admin:
        raise AccessRefusedError(Decision.FORBIDDEN)
    return viewer.id
