"""The one place where admin states learn who is signed in.

`current_user_id` is the hook the accounts work replaces at merge time: it
returns the signed-in user's id from the accounts session (which also enforces
2FA). Until then nobody is signed in, so every admin handler refuses.
Every admin state handler calls `require_admin(self)` first, and on
`PermissionError` changes nothing and shows the 403 panel.
"""

from __future__ import annotations

import asyncio

import reflex as rx

from ticketapp.db import session_scope
from ticketapp.services.admin_access import ensure_admin


def current_user_id(state: rx.State) -> int | None:
    """The signed-in user's id, or None. TODO(accounts): read the accounts session here."""
    del state
    return None


def _check(user_id: int | None) -> int:
    with session_scope() as session:
        return ensure_admin(session, user_id)


async def require_admin(state: rx.State) -> int:
    """The admin's user id; raises PermissionError (AdminRefusedError) when the visitor is not an active admin."""
    return await asyncio.to_thread(_check, current_user_id(state))
