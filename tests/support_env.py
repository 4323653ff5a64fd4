"""Account test fixtures: a loopback SMTP server, a loopback OIDC provider, and
settings pointed at them. Registered for every test by `pytest_plugins` in
tests/conftest.py: request `mail_sink`, `smtp`, `oidc_provider` or `oidc`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.support_oidc import CLIENT_ID, CLIENT_SECRET, FakeOIDCProvider, start_oidc_provider
from tests.support_smtp import MailSink, start_mail_sink
from ticketapp.settings import get_settings


@pytest.fixture(scope="session")
def mail_sink() -> Iterator[MailSink]:
    """aiosmtpd on 127.0.0.1: every mail sent in SMTP mode lands here."""
    sink, controller = start_mail_sink()
    yield sink
    controller.stop()


@pytest.fixture(scope="session")
def oidc_provider() -> Iterator[FakeOIDCProvider]:
    provider, server = start_oidc_provider()
    yield provider
    server.shutdown()


def oidc_env(provider: FakeOIDCProvider) -> dict[str, str]:
    return {
        "OIDC_ISSUER": provider.issuer,
        "OIDC_CLIENT_ID": CLIENT_ID,
        "OIDC_CLIENT_SECRET": CLIENT_SECRET,
        "OIDC_LABEL": "Test ID",
    }


def smtp_env(sink: MailSink) -> dict[str, str]:
    return {"SMTP_HOST": sink.host, "SMTP_PORT": str(sink.port), "SMTP_STARTTLS": "0"}


def _with_env(values: dict[str, str]) -> Iterator[None]:
    """Set environment variables for one test, re-reading the settings on the way in and out."""
    saved = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    get_settings.cache_clear()
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        get_settings.cache_clear()


@pytest.fixture
def smtp(mail_sink: MailSink) -> Iterator[None]:
    """Mail of this test goes through the real SMTP protocol to `mail_sink`."""
    yield from _with_env(smtp_env(mail_sink))


@pytest.fixture
def oidc(oidc_provider: FakeOIDCProvider, smtp: None) -> Iterator[None]:
    """The generic OIDC provider configured to point at `oidc_provider`."""
    yield from _with_env({**oidc_env(oidc_provider), "BASE_URL": "http://testserver"})
