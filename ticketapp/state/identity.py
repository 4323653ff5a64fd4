"""Who is signed in, seen from support's states.

The accounts work (sign-in, roles, 2FA) lands on another branch; until it is
merged this returns None, so agent pages refuse everyone and visitors chat as
guests. Wiring it to the accounts session is the one change needed here.
"""

from __future__ import annotations

import reflex as rx


async def current_user_id(state: rx.State) -> int | None:
    """The signed-in user's id for the browser behind `state`, or None."""
    del state  # read from the accounts session once it exists
    return None


async def second_factor_verified(state: rx.State) -> bool:
    """Whether this browser's session passed 2FA (required for the agent panel)."""
    del state  # read from the accounts session once it exists
    return False
