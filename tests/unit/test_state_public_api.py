"""Every public method of an `rx.State` is callable by any browser: Reflex turns it into an
event handler whether it was meant as one or not. So a state's public callables must be
declared handlers (`@rx.event`); helpers are `_private`. Computed vars are not callables and
Reflex's own base methods (`setvar`, `get_state`…) are left to Reflex.

`@rx.event` without options sets no marker on the function, and Reflex registers every public
method in `event_handlers` anyway, so the declaration is read from the source: the decorators
written above the `def`.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import textwrap
from collections.abc import Callable, Iterator
from typing import Any

import reflex as rx
from reflex.event import EventHandler

import ticketapp.state
from ticketapp.state.account.auth import AuthState
from ticketapp.state.shop.cart import CartState

# "Module.Class.method": why it is public without `@rx.event`. Keep it empty unless a reason is real.
INTENDED_WITHOUT_DECORATOR: dict[str, str] = {}


def _app_states() -> list[type[rx.State]]:
    for module in pkgutil.walk_packages(ticketapp.state.__path__, "ticketapp.state."):
        importlib.import_module(module.name)
    found: list[type[rx.State]] = []
    pending = list(rx.State.__subclasses__())
    while pending:
        state = pending.pop()
        pending.extend(state.__subclasses__())
        if state.__module__.startswith("ticketapp.") and state not in found:
            found.append(state)
    return found


def _declared_function(value: Any) -> Callable[..., Any] | None:
    """The function behind a public class attribute, if it is a method of any kind."""
    if isinstance(value, EventHandler):
        return value.fn
    if isinstance(value, staticmethod | classmethod):
        return value.__func__
    if inspect.isfunction(value):
        return value
    return None


def _decorators(function: Callable[..., Any]) -> list[str]:
    source = textwrap.dedent(inspect.getsource(function))
    definition = ast.parse(source).body[0]
    assert isinstance(definition, ast.FunctionDef | ast.AsyncFunctionDef)
    return [ast.unparse(decorator) for decorator in definition.decorator_list]


def _is_declared_handler(function: Callable[..., Any]) -> bool:
    return any(d == "rx.event" or d.startswith("rx.event(") for d in _decorators(function))


def _public_methods(state: type[rx.State]) -> Iterator[tuple[str, Callable[..., Any]]]:
    for name, value in vars(state).items():
        if name.startswith("_") or hasattr(rx.State, name):
            continue
        function = _declared_function(value)
        if function is not None:
            yield name, function


def test_the_check_sees_states_handlers_and_helpers() -> None:
    states = _app_states()
    assert CartState in states
    assert AuthState in states
    handlers = dict(_public_methods(CartState))
    assert _is_declared_handler(handlers["refresh_count"])
    assert not _is_declared_handler(CartState._show)  # a private helper: no decorator


def test_every_public_state_method_is_a_declared_event_handler() -> None:
    undeclared = [
        f"{state.__module__}.{state.__name__}.{name}"
        for state in _app_states()
        for name, function in _public_methods(state)
        if not _is_declared_handler(function)
    ]
    unexplained = [path for path in undeclared if path not in INTENDED_WITHOUT_DECORATOR]
    assert unexplained == [], "public but not @rx.event (make it _private, or a handler):\n" + "\n".join(unexplained)
