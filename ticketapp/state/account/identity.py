"""Who is signed in, seen from support's states (backed by the accounts session)."""

from __future__ import annotations

import reflex as rx

from ticketapp.state.account.auth import current_user


async def current_user_id(state: rx.State) -> int | None:
    """The signed-in user's id for the browser behind `state`, or None."""
    user = await current_user(state)
    return user.id if user is not None else None


async def second_factor_verified(state: rx.State) -> bool:
    """Whether this browser's session passed 2FA (required for the agent panel)."""
    user = await current_user(state)
    return user is not None and user.fully_signed_in
