"""Dropping a tab's server-side state when the person behind it changes.

Reflex keeps every state a tab used (orders, customers, chats, figures) on the server under
the tab's client token, and sends it all again in the snapshot of every reconnect. After a
sign-out, a session revoked elsewhere or a sign-in as someone else, that data belongs to the
previous person: `drop_tab_state` resets every state of the tab's tree to its defaults (the
backend-only `_vars` too), so neither the live tab nor a reload of it shows any of it. The
language choice is the browser's, not the person's, and stays.
"""

from __future__ import annotations

import reflex as rx
from reflex.state import BaseState

from ticketapp.state.locale import LocaleState

# States that describe the browser rather than who is signed in.
KEPT_STATES: tuple[type[BaseState], ...] = (LocaleState,)


def _root(state: BaseState) -> BaseState:
    while state.parent_state is not None:
        state = state.parent_state
    return state


async def drop_tab_state(state: rx.State) -> None:
    """Reset every state of the tab behind `state` (loading those not in memory) but KEPT_STATES."""
    root = _root(state)
    for state_class in sorted(type(root).get_substates(), key=lambda cls: cls.get_full_name()):
        if issubclass(state_class, KEPT_STATES) or state_class.__module__.startswith("reflex."):
            continue
        substate = await root.get_state(state_class)
        # A state the tab never used holds nothing (its vars are read lazily): leave it unloaded-equal.
        if any(name in substate.__dict__ for name in state_class.get_fields() if not name.startswith("router")):
            substate.reset()
