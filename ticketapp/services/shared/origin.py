"""Which of the app's own addresses the visitor is on, for the links built while serving them.

`make run` answers on http://localhost:3000 and http://127.0.0.1:3000 alike, but BASE_URL names only
one: a buyer on the other one, sent to BASE_URL by a payment return or an e-mail link, lands on a
second site (other cookies: signed out, empty cart). While an event of theirs is handled, links
use the address they are on when it is one of ours (BASE_URL's origin or its loopback twin on the
same port, `Settings.allowed_origins`); anywhere else — jobs, unknown hosts — BASE_URL.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from urllib.parse import urlsplit

from ticketapp.settings import get_settings

_visitor_origin: ContextVar[str] = ContextVar("visitor_origin", default="")


def own_origin(origin: str) -> str:
    """`origin` when it is one of the app's own addresses, else ""."""
    origin = origin.strip().rstrip("/")
    return origin if origin in get_settings().allowed_origins else ""


def serve_origin(origin: str) -> None:
    """The visitor's page origin for the rest of this event's handling (anything not ours counts as none)."""
    _visitor_origin.set(own_origin(origin))


def visitor_origin() -> str | None:
    """The visitor's own origin for this event (None outside a visitor's event): stored on orders at placement."""
    return _visitor_origin.get() or None


@contextmanager
def serving(origin: str | None) -> Iterator[None]:
    """Links built inside use `origin` (an order's stored one) when it is still one of ours — for jobs
    (mails sent by the worker) that act for a visitor who is no longer connected."""
    token = _visitor_origin.set(own_origin(origin or ""))
    try:
        yield
    finally:
        _visitor_origin.reset(token)


def app_base_url() -> str:
    """BASE_URL, on the visitor's own host when that is one of ours."""
    base_url = get_settings().base_url
    origin = _visitor_origin.get()
    return origin + urlsplit(base_url).path.rstrip("/") if origin else base_url


def base_url_mismatch(base_url: str, served_host: str, served_port: int) -> str | None:
    """A start-up warning when BASE_URL does not name the address the app is served on (None when it does).

    A loopback BASE_URL must name the served port; another host is fine only behind a proxy, which is said."""
    parts = urlsplit(base_url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    loopback = {"localhost", "127.0.0.1", "::1"}
    if port == served_port and (
        served_host in {"0.0.0.0", "::", ""}  # noqa: S104  (every interface: BASE_URL's host is one of them)
        or parts.hostname == served_host
        or (parts.hostname in loopback and served_host in loopback)
    ):
        return None
    return (
        f"warning: BASE_URL is {base_url} but the app is served on {served_host or 'localhost'}:{served_port}. "
        "Payment returns and e-mail links go to BASE_URL: set BASE_URL to the address buyers use "
        "(fine as it is only if a proxy forwards BASE_URL to this address)."
    )
