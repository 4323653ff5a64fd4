"""A tab whose session ended (or changed) loses its whole server-side state; the language stays.

Real state trees (Reflex's root `State`), no browser: the data an admin's tab held, then the
tab's connection without the session cookie, as after `POST /auth/signout` and a reload.
"""

from __future__ import annotations

import asyncio
import contextvars
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from reflex.state import State
from reflex_base.event import Event

from ticketapp.state.account.auth import HYDRATE_EVENT, AuthState, TabIdentityMiddleware
from ticketapp.state.account.signin import SignUpState
from ticketapp.state.admin.orders import AdminOrdersState
from ticketapp.state.locale import LocaleState
from ticketapp.state.shop.cart import CartState

ROWS = [{"code": "PRIV42", "buyer": "private@example.com"}]


def _on_private_loop(coroutine: Any) -> Any:
    """On a loop of its own (the browser tests may own this thread's), with this thread's context
    (Reflex keeps the registered states in a context variable)."""
    context = contextvars.copy_context()
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(context.run, asyncio.run, coroutine).result()


def _admin_tab() -> State:
    root = State(_reflex_internal_init=True)
    orders = root.get_substate(AdminOrdersState.get_full_name().split(".")[1:])
    orders.rows, orders.total, orders.loaded = ROWS, 1, True
    root.get_substate(SignUpState.get_full_name().split(".")[1:])._email = "typed@example.com"
    root.get_substate(CartState.get_full_name().split(".")[1:]).cart_token = "c" * 43
    root.get_substate(LocaleState.get_full_name().split(".")[1:]).lang_cookie = "fr"
    auth = root.get_substate(AuthState.get_full_name().split(".")[1:])
    auth._session_id, auth.signed_in, auth.user_role = 7, True, "admin"
    return root


def _sub(root: State, cls: type) -> Any:
    return root.get_substate(cls.get_full_name().split(".")[1:])


def _assert_dropped(root: State) -> None:
    orders = _sub(root, AdminOrdersState)
    assert (orders.rows, orders.total, orders.loaded) == ([], 0, False)
    assert _sub(root, SignUpState)._email == ""
    assert _sub(root, CartState).cart_token == ""
    auth = _sub(root, AuthState)
    assert (auth._session_id, auth.signed_in, auth.user_role) == (0, False, "")
    assert _sub(root, LocaleState).lang_cookie == "fr"  # the browser's language choice stays


def test_reconnect_without_the_session_drops_the_tab_before_its_snapshot() -> None:
    root = _admin_tab()
    # The reconnecting tab's handshake carries no session cookie (signed out): no database needed.
    assert _on_private_loop(TabIdentityMiddleware().preprocess(None, root, Event(name=HYDRATE_EVENT))) is None
    _assert_dropped(root)
    snapshot = str(root.dict())
    assert "private@example.com" not in snapshot and "PRIV42" not in snapshot


def test_other_events_and_anonymous_tabs_are_left_alone() -> None:
    root = _admin_tab()
    other = Event(name=f"{AdminOrdersState.get_full_name()}.next_page")
    _on_private_loop(TabIdentityMiddleware().preprocess(None, root, other))
    assert _sub(root, AdminOrdersState).rows == ROWS
    anonymous = _admin_tab()
    _sub(anonymous, AuthState)._session_id = 0  # never signed in: nothing to drop, no lookup
    _on_private_loop(TabIdentityMiddleware().preprocess(None, anonymous, Event(name=HYDRATE_EVENT)))
    assert _sub(anonymous, AdminOrdersState).rows == ROWS


def test_a_handler_seeing_the_session_gone_drops_the_tab() -> None:
    root = _admin_tab()
    assert _on_private_loop(_sub(root, AuthState)._current_user()) is None
    _assert_dropped(root)
