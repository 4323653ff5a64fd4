"""Full snapshots carry only the states a tab has used.

Reflex 0.10 answers every new or reconnecting tab (`hydrate_and_load`) with `dict()` of the
whole state tree: every state of the app, admin ones included, each default copied (the
analytics figures alone took 40 % of a purchase's CPU) and sent. A state that lists
`SentWhenUsed` first leaves that snapshot while none of its vars holds a value: it still
equals its compiled defaults, which the browser already has in `initialState`. Its deltas,
once a handler sets something, are sent as usual.
"""

from __future__ import annotations

from typing import Any

from reflex.state import BaseState


def _snapshot_when_used(
    self: BaseState, include_computed: bool = True, initial: bool = False, **kwargs: Any
) -> dict[str, Any]:
    """`BaseState.dict`, minus this state while none of its vars holds a value.

    Reflex stores a var's value on first access, so "nothing stored" means the state still
    equals its compiled defaults. The compiler's `initial=True` snapshot keeps every state
    (the frontend's `initialState` needs them all).
    """
    if initial or any(name in self.__dict__ for name in self.base_vars):
        return BaseState.dict(self, include_computed, initial, **kwargs)
    snapshot: dict[str, Any] = {}
    for substate in self.substates.values():
        snapshot.update(substate.dict(include_computed, initial, **kwargs))
    return snapshot


class SentWhenUsed:
    """Keeps a state out of full snapshots until the tab uses it (see the module docstring).

    Reflex refuses a `dict` defined in a state's body (it would shadow a built-in method),
    so it is set on each subclass once Reflex has finished creating it.
    """

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.dict = _snapshot_when_used  # type: ignore[attr-defined]  # the state class this mixin joins has it
