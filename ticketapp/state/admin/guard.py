"""The one place where admin states learn who is signed in.

Every admin state handler calls `require_admin(self)` first, and on
`PermissionError` changes nothing and shows the 403 panel. The accounts session
decides who is signed in; staff count only once they gave their second factor.
"""

from __future__ import annotations

import asyncio

import reflex as rx
from reflex.event import EventSpec

from ticketapp.db import session_scope
from ticketapp.models import Role
from ticketapp.services.accounts.access import ensure_admin
from ticketapp.state.account.auth import current_user, require_role


async def current_user_id(state: rx.State) -> int | None:
    """The signed-in user's id (second factor given), or None."""
    user = await current_user(state)
    return user.id if user is not None and user.fully_signed_in else None


def _check(user_id: int | None) -> int:
    with session_scope() as session:
        return ensure_admin(session, user_id)


async def require_admin(state: rx.State) -> int:
    """The admin's user id; raises PermissionError (AdminRefusedError) when the visitor is not an active admin."""
    return await asyncio.to_thread(_check, await current_user_id(state))


async def admin_or_forbidden(state: rx.State) -> int | None:
    """For admin page states (with `forbidden` and `loaded` vars): the admin's id, or None after showing 403."""
    try:
        actor = await require_admin(state)
    except PermissionError:
        state.forbidden, state.loaded = True, True
        return None
    state.forbidden = False
    return actor


class AdminGateState(rx.State):
    """First step of every admin page load: send visitors where the accounts guard says.

    Anonymous → sign-in (with return-to), staff without 2FA → enrolment, others → 403.
    It only redirects; each handler still checks `require_admin` itself.
    """

    @rx.event
    async def check(self) -> EventSpec | None:
        access = await require_role(self, Role.ADMIN)
        return None if access.ok else access.redirect
