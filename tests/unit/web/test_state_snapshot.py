"""A tab's full snapshot (what a new or reconnecting tab is sent) holds only the states it used.

Before: every connection built and received all 40 states, the admin ones (and their
Plotly figures) included. A customer's snapshot must hold no staff state at all.
"""

from __future__ import annotations

import reflex as rx
from reflex.state import State
from reflex_base.utils import format

import ticketapp.ticketapp  # noqa: F401  (registers every page and state)
from ticketapp.state.base import StaffPageState
from ticketapp.state.shop.cart import CartState
from ticketapp.state.shop.catalog import EventPageState
from ticketapp.state.snapshot import _snapshot_when_used


def _app_states() -> list[type[rx.State]]:
    found: list[type[rx.State]] = []
    pending = list(State.get_substates())
    while pending:
        cls = pending.pop()
        pending.extend(cls.get_substates())
        if cls.__module__.startswith("ticketapp.state"):
            found.append(cls)
    return found


def _staff_state_names() -> set[str]:
    return {
        cls.get_full_name()
        for cls in _app_states()
        if issubclass(cls, StaffPageState) or cls.__module__.startswith("ticketapp.state.admin")
    }


def test_every_app_state_is_sent_only_when_used() -> None:
    states = _app_states()
    assert len(states) > 30
    assert [cls.__name__ for cls in states if cls.dict is not _snapshot_when_used] == []


def test_a_fresh_tab_is_sent_no_app_state() -> None:
    snapshot = State(_reflex_internal_init=True).dict()
    assert [name for name in snapshot if "ticketapp" in name] == []
    assert len(format.json_dumps(snapshot)) < 2_000


def test_a_customer_tab_gets_its_own_states_and_no_staff_state() -> None:
    root = State(_reflex_internal_init=True)
    root.get_substate(EventPageState.get_full_name().split(".")[1:]).title = "Jazz night"
    root.get_substate(CartState.get_full_name().split(".")[1:]).item_count = 2

    snapshot = root.dict()

    assert snapshot[EventPageState.get_full_name()]["title_rx_state_"] == "Jazz night"
    assert CartState.get_full_name() in snapshot
    assert set(snapshot) & _staff_state_names() == set()
    assert len(format.json_dumps(snapshot)) < 10_000


def test_the_compiled_initial_snapshot_keeps_every_state() -> None:
    snapshot = State(_reflex_internal_init=True).dict(initial=True)
    assert {cls.get_full_name() for cls in _app_states()} <= set(snapshot)
    assert _staff_state_names() <= set(snapshot)
