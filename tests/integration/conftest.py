"""Fixtures shared by the integration tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlmodel import Session

from tests.factories import make_staff
from tests.fakes.stripe_api import WEBHOOK_SECRET, FakeStripe, FakeStripeServer
from ticketapp.models import Role, User
from ticketapp.settings import get_settings


@pytest.fixture
def fake_stripe(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeStripe]:
    """Stripe configured and pointed at a local stand-in for its API."""
    with FakeStripeServer() as fake:
        monkeypatch.setenv("STRIPE_SECRET_KEY", "sk_test_ticketapp")
        monkeypatch.setenv("STRIPE_WEBHOOK_SECRET", WEBHOOK_SECRET)
        monkeypatch.setenv("STRIPE_API_BASE", fake.base_url)
        get_settings.cache_clear()
        yield fake
    get_settings.cache_clear()


@pytest.fixture
def admin(session: Session) -> User:
    """An administrator (no password, no second factor: services take the id)."""
    return make_staff(session, "boss@example.com", "Boss", Role.ADMIN)
