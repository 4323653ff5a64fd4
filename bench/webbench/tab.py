"""One browser tab speaking the compiled frontend's websocket protocol (socket.io on `/_event`).

What the bundle's `state.js` does, and this tab copies:
- connect with `?token=<new uuid>`, the hydrate event riding in the socket.io CONNECT packet (`auth.event`) next to
  the state schema hash; on a first page load the event carries the compiled per-state hashes;
- send the page's `on_mount` events once connected; on a client-side navigation mark the root state not hydrated
  and send `update_vars_internal` (the cookies) and `on_load_internal`;
- apply each `delta` to its copy of the state, write tracked cookie vars to its cookie jar (unless the update is
  the not-yet-hydrated snapshot), pass backend events in `events` back to the server, and follow `_redirect`s.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import engineio
import socketio
from reflex_base.constants.state import FIELD_MARKER

from webbench.site import Site

ROOT_STATE = "reflex___state____state"
HYDRATE_AND_LOAD = f"{ROOT_STATE}.hydrate_and_load"
UPDATE_VARS_INTERNAL = f"{ROOT_STATE}.reflex___state____update_vars_internal_state.update_vars_internal"
ON_LOAD_INTERNAL = f"{ROOT_STATE}.reflex___state____on_load_internal_state.on_load_internal"
IS_HYDRATED = f"is_hydrated{FIELD_MARKER}"
NAMESPACE = "/_event"
CONNECT_TIMEOUT_S = 60.0


class StepError(Exception):
    """What a buyer would see go wrong: an error message on the page, a timeout, a dropped connection."""


class _OrderedEngineIO(engineio.Client):
    # engineio.Client hands each message to a new thread, which can apply two deltas out of order;
    # a browser applies them in arrival order, so this client does too.
    def _trigger_event(self, event: str, *args: Any, **kwargs: Any) -> Any:
        if event == "message":
            kwargs["run_async"] = False
        return super()._trigger_event(event, *args, **kwargs)


class _SocketClient(socketio.Client):
    def __init__(self, on_raw: Callable[[str], None]) -> None:
        super().__init__(reconnection=False)
        self._on_raw = on_raw

    def _engineio_client_class(self) -> type[engineio.Client]:
        return _OrderedEngineIO

    def _handle_eio_message(self, data: Any) -> None:
        if isinstance(data, str):
            self._on_raw(data)
        super()._handle_eio_message(data)


def var(name: str) -> str:
    return name + FIELD_MARKER


class Tab:
    """A fresh tab (new token, empty cookie jar unless given one); not reusable after `close`."""

    def __init__(self, site: Site, cookies: dict[str, str] | None = None, accept_language: str = "en") -> None:
        self.site = site
        self.token = str(uuid.uuid4())
        self.cookies: dict[str, str] = dict(cookies or {})
        self.state: dict[str, dict[str, Any]] = {}
        self.redirects: list[str] = []
        self.first_update_bytes = 0  # the socket.io packet of the first update: the hydrate snapshot
        self.first_update: dict[str, dict[str, Any]] = {}
        self.bytes_received = 0
        self.events_sent = 0  # every event the tab sent the backend (each is one state lock, handler run and delta)
        self.closed_reason = ""
        self._accept_language = accept_language
        self._path = "/"
        self._params: dict[str, str] = {}
        self._raw_size = 0
        self._changed = threading.Condition()
        self._sio = _SocketClient(self._note_raw)
        self._sio.on("event", self._on_update, namespace=NAMESPACE)
        self._sio.on("disconnect", self._on_disconnect, namespace=NAMESPACE)
        self._sio.on("state_mismatch", self._on_state_mismatch, namespace=NAMESPACE)

    # -- reading the state --------------------------------------------------------------------------------------

    def get(self, state_name: str, name: str, default: Any = None) -> Any:
        return self.state.get(state_name, {}).get(var(name), default)

    @property
    def hydrated(self) -> bool:
        return self.state.get(ROOT_STATE, {}).get(IS_HYDRATED) is True

    def wait_for(self, done: Callable[[Tab], bool], timeout: float, what: str) -> None:
        """Block until `done(self)` holds; `done` may raise StepError for an error shown on the page."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while not done(self):
                if self.closed_reason:
                    raise StepError(f"{what}: connection closed ({self.closed_reason})")
                left = deadline - time.monotonic()
                if left <= 0:
                    raise StepError(f"{what}: nothing after {timeout:.0f} s")
                self._changed.wait(left)

    def take_redirect(self) -> str | None:
        with self._changed:
            return self.redirects.pop(0) if self.redirects else None

    # -- talking to the server ----------------------------------------------------------------------------------

    def open(self, url: str, params: dict[str, str], on_mount: list[str], *, first_load: bool = True) -> None:
        """Load `url` (path and query) as a new page: connect with the hydrate event, then send the on_mount events.

        `params` are the route's dynamic segments (React Router puts them in the query it sends).
        `first_load=False` is a reconnect: no compiled hashes, so the backend sends the whole state.
        """
        self._path, self._params = url, params
        payload: dict[str, Any] = {}
        if storage := self._storage_vars():
            payload["vars"] = storage
        if first_load:
            payload["hashes"] = self.site.initial_state_hashes
        boot = {"name": HYDRATE_AND_LOAD, "payload": payload, "router_data": self._router_data()}
        headers = {"User-Agent": "ticketapp-bench", "Accept-Language": self._accept_language}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        self._sio.connect(
            f"{self.site.url}?token={self.token}",
            headers=headers,
            auth={"event": boot, "state_schema": self.site.state_schema},
            transports=["websocket"],
            namespaces=[NAMESPACE],
            socketio_path=NAMESPACE,
            wait_timeout=CONNECT_TIMEOUT_S,
        )
        self.events_sent += 1  # the hydrate, in the CONNECT packet
        for handler in on_mount:
            self.send(handler)

    def navigate(self, url: str, params: dict[str, str], on_mount: list[str]) -> None:
        """A client-side navigation (a link or a `_redirect` to this site): no new connection."""
        with self._changed:
            self.state.setdefault(ROOT_STATE, {})[IS_HYDRATED] = False
            self._path, self._params = url, params
        for handler in on_mount:
            self.send(handler)
        if storage := self._storage_vars():
            self.send(UPDATE_VARS_INTERNAL, {"vars": storage})
        self.send(ON_LOAD_INTERNAL)

    def send(self, handler: str, payload: dict[str, Any] | None = None) -> None:
        event: dict[str, Any] = {"name": handler, "router_data": self._router_data()}
        if payload:
            event["payload"] = payload
        self.events_sent += 1
        self._sio.emit("event", event, namespace=NAMESPACE)

    def close(self) -> None:
        self._sio.disconnect()

    # -- what the browser does on its own -----------------------------------------------------------------------

    def _router_data(self) -> dict[str, Any]:
        parts = urlsplit(self._path)
        data: dict[str, Any] = {"pathname": parts.path, "asPath": self._path}
        query = {**dict(parse_qsl(parts.query)), **self._params}
        if query:
            data["query"] = query
        return data

    def _storage_vars(self) -> dict[str, str]:
        return {key: self.cookies[name] for key, name in self.site.cookie_vars.items() if name in self.cookies}

    def _note_raw(self, data: str) -> None:
        self._raw_size = len(data.encode())

    def _on_update(self, update: dict[str, Any]) -> None:
        with self._changed:
            self.bytes_received += self._raw_size
            delta = update.get("delta") or {}
            if not self.first_update_bytes:
                self.first_update_bytes = self._raw_size
                self.first_update = delta
            for state_name, values in delta.items():
                self.state.setdefault(state_name, {}).update(values)
            self._store_cookies(delta)
            for event in update.get("events") or []:
                self._follow(event)
            self._changed.notify_all()

    def _store_cookies(self, delta: dict[str, dict[str, Any]]) -> None:
        roots = [name for name in delta if "." not in name]
        if len(roots) == 1 and delta[roots[0]].get(IS_HYDRATED) is False:
            return  # the hydrate snapshot: the browser already holds these values
        for state_name, values in delta.items():
            for name, value in values.items():
                if cookie := self.site.cookie_vars.get(f"{state_name}.{name}"):
                    self.cookies[cookie] = str(value)

    def _follow(self, event: dict[str, Any]) -> None:
        name = event.get("name", "")
        if name == "_redirect":
            self.redirects.append((event.get("payload") or {}).get("path", ""))
        elif name == "_remove_cookie":
            # (The browser then hydrates again; no step of the bench signs out, so it stops at the cookie.)
            self.cookies.pop((event.get("payload") or {}).get("key", ""), None)
        elif not name.startswith("_"):
            # A backend event returned to the page: the browser queues it and sends it straight back.
            self.events_sent += 1
            self._sio.emit("event", {**event, "router_data": self._router_data()}, namespace=NAMESPACE)

    def _on_disconnect(self, reason: Any = None) -> None:
        with self._changed:
            self.closed_reason = str(reason or "closed")
            self._changed.notify_all()

    def _on_state_mismatch(self, info: Any) -> None:
        with self._changed:
            self.closed_reason = f"the frontend bundle does not match the backend's state schema: {info}"
            self._changed.notify_all()
