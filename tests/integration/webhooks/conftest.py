from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlmodel import Session

from tests.factories import make_staff
from tests.fakes.webhook_receiver import Receiver
from ticketapp.models import Role, User
from ticketapp.settings import get_settings


@pytest.fixture
def loopback_allowed(app_db: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("WEBHOOKS_ALLOW_PRIVATE", "1")
    monkeypatch.setenv("WEBHOOK_TIMEOUT_S", "5")
    get_settings.cache_clear()
    yield
    monkeypatch.delenv("WEBHOOKS_ALLOW_PRIVATE")
    get_settings.cache_clear()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    started = Receiver().start()
    yield started
    started.stop()


@pytest.fixture
def organiser(session: Session) -> User:
    return make_staff(session, "organiser@example.com", "Organiser", Role.ADMIN)
