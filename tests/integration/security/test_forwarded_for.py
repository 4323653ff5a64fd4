"""Client IP behind a reverse proxy: X-Forwarded-For counts only through TRUSTED_PROXY_HOPS proxies."""

from __future__ import annotations

import importlib
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from sqlmodel import Session, select
from starlette.responses import PlainTextResponse
from starlette.testclient import TestClient

from tests.support_oidc import Person
from ticketapp.api.routes import with_api_routes
from ticketapp.models import SecurityEvent, SecurityEventKind
from ticketapp.settings import get_settings

FORGED = "203.0.113.66, 198.51.100.7"  # a forged entry, then what our proxy appended


async def reflex_stand_in(scope: Any, receive: Any, send: Any) -> None:
    await PlainTextResponse("reflex")(scope, receive, send)


def _oauth_sign_in_ip(session: Session, oidc_provider, subject: str) -> str:
    """Sign in through the OAuth routes with an X-Forwarded-For header; the IP the security log recorded."""
    oidc_provider.person = Person(subject, f"{subject}@example.org", name="Proxied Person")
    client = TestClient(with_api_routes(reflex_stand_in), headers={"X-Forwarded-For": FORGED})
    start = client.get("/auth/oauth/oidc/start", follow_redirects=False)
    at_provider = requests.get(start.headers["location"], allow_redirects=False, timeout=5)
    params = parse_qs(urlsplit(at_provider.headers["Location"]).query)
    done = client.get(
        "/auth/oauth/oidc/callback",
        params={"code": params["code"][0], "state": params["state"][0]},
        follow_redirects=False,
    )
    assert done.status_code == 303
    session.expire_all()
    event = session.exec(
        select(SecurityEvent).where(
            SecurityEvent.kind == SecurityEventKind.SIGN_IN_OK, SecurityEvent.email == f"{subject}@example.org"
        )
    ).one()
    return event.ip


def test_forwarded_for_is_ignored_without_trusted_hops(session: Session, oidc, oidc_provider) -> None:
    assert get_settings().trusted_proxy_hops == 0
    assert _oauth_sign_in_ip(session, oidc_provider, "direct") == "testclient"


@pytest.mark.parametrize(("hops", "expected"), [(1, "198.51.100.7"), (2, "203.0.113.66")])
def test_forwarded_for_is_honoured_through_the_configured_hops(
    session: Session, oidc, oidc_provider, monkeypatch: pytest.MonkeyPatch, hops: int, expected: str
) -> None:
    monkeypatch.setenv("TRUSTED_PROXY_HOPS", str(hops))
    get_settings.cache_clear()
    assert _oauth_sign_in_ip(session, oidc_provider, f"proxied{hops}") == expected


def test_reflex_gets_the_same_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    """Reflex resolves the states' client IP (sign-in throttling) from its own `trusted_proxy_hops`."""
    monkeypatch.setenv("TRUSTED_PROXY_HOPS", "1")
    get_settings.cache_clear()
    import rxconfig

    try:
        assert importlib.reload(rxconfig).config.trusted_proxy_hops == 1
    finally:
        monkeypatch.delenv("TRUSTED_PROXY_HOPS")
        get_settings.cache_clear()
        importlib.reload(rxconfig)
