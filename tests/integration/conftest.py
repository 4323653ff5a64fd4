"""Integration fixtures: settings pointed at the loopback SMTP server / OIDC provider."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.conftest import oidc_env
from ticketapp.settings import get_settings


def _with_env(values: dict[str, str]) -> Iterator[None]:
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
def smtp(mail_sink):
    """Mail goes through the real SMTP protocol to the loopback server."""
    yield from _with_env({"SMTP_HOST": mail_sink.host, "SMTP_PORT": str(mail_sink.port), "SMTP_STARTTLS": "0"})


@pytest.fixture
def oidc(oidc_provider, smtp):
    yield from _with_env({**oidc_env(oidc_provider), "BASE_URL": "http://testserver"})
