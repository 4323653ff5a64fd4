"""Links keep the visitor's host when it is one of the app's own; BASE_URL otherwise (services/shared/origin.py)."""

from __future__ import annotations

import contextvars
from collections.abc import Iterator

import pytest

from ticketapp.services.shared import origin
from ticketapp.settings import get_settings


@pytest.fixture
def base_url(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("BASE_URL", "http://localhost:3000")
    get_settings.cache_clear()
    yield "http://localhost:3000"
    get_settings.cache_clear()


def _served_from(page_origin: str) -> str:
    """app_base_url() while an event from `page_origin` is handled (its own context, as each event's task)."""

    def handle() -> str:
        origin.serve_origin(page_origin)
        return origin.app_base_url()

    return contextvars.copy_context().run(handle)


@pytest.mark.parametrize(
    ("page_origin", "expected"),
    [
        ("http://127.0.0.1:3000", "http://127.0.0.1:3000"),  # the loopback twin on the same port
        ("http://localhost:3000", "http://localhost:3000"),
        ("http://127.0.0.1:4000", "http://localhost:3000"),  # another port is another app
        ("https://evil.example", "http://localhost:3000"),  # a forged Origin changes nothing
        ("", "http://localhost:3000"),
    ],
)
def test_links_keep_an_own_host_only(base_url: str, page_origin: str, expected: str) -> None:
    assert _served_from(page_origin) == expected


def test_outside_an_event_links_use_base_url(base_url: str) -> None:
    assert contextvars.Context().run(origin.app_base_url) == base_url


@pytest.mark.parametrize(
    ("base", "host", "port", "warns"),
    [
        ("http://localhost:3000", "localhost", 3000, False),
        ("http://127.0.0.1:3000", "localhost", 3000, False),
        ("http://localhost:3000", "localhost", 3001, True),
        ("https://tickets.example.com", "0.0.0.0", 443, False),
        ("https://tickets.example.com", "localhost", 3000, True),
    ],
)
def test_start_up_warns_when_base_url_is_not_the_served_address(base: str, host: str, port: int, warns: bool) -> None:
    warning = origin.base_url_mismatch(base, host, port)
    assert (warning is not None) == warns
    if warning:
        assert base in warning
