"""The shared page-state pieces: paging, saying a refusal, and a staff page refusing a visitor."""

from __future__ import annotations

import asyncio
import inspect
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import reflex as rx
from reflex.state import State

from ticketapp.services.catalog.events import AdminError
from ticketapp.state.admin.orders import AdminOrdersState
from ticketapp.state.support.admin import SupportAdminState


def _fresh(state_cls: type[rx.State]) -> Any:
    root = State(_reflex_internal_init=True)
    return root.get_substate(state_cls.get_full_name().split(".")[1:])


def _run(result: Any) -> Any:
    """Await on a private loop (the browser tests may own this thread's loop)."""
    if not inspect.isawaitable(result):
        return result

    async def wait() -> Any:
        return await result

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, wait()).result()


def test_paged_knows_whether_there_is_a_next_and_a_previous_page() -> None:
    state = _fresh(AdminOrdersState)
    state.total = 2 * AdminOrdersState.page_size + 1
    assert (state.has_previous, state.has_next) == (False, True)
    state.page = 2
    assert (state.has_previous, state.has_next) == (True, False)


def test_a_refusal_is_said_in_the_visitors_language() -> None:
    state = _fresh(AdminOrdersState)
    _run(state._say_refused(AdminError("Event not found.")))
    assert (state.message, state.message_is_error) == ("Event not found.", True)
    _run(state._say("Saved."))
    assert (state.message, state.message_is_error) == ("Saved.", False)


def test_a_staff_page_refuses_an_anonymous_visitor_and_changes_nothing_else() -> None:
    state = _fresh(SupportAdminState)
    assert _run(state._staff()) is None
    assert (state.forbidden, state.loaded, state.message) == (True, True, "")
