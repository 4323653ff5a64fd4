"""The real `/api/v1/` app (as routes.py mounts it, behind the security headers) on the test's database."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlmodel import Session
from starlette.responses import PlainTextResponse
from starlette.testclient import TestClient

from tests.factories import make_staff
from ticketapp.api.routes import with_api_routes
from ticketapp.models import Role, User
from ticketapp.services.api_access.tokens import AREAS, create_api_token


def not_reflex(scope, receive, send):  # type: ignore[no-untyped-def]
    return PlainTextResponse("reflex", status_code=404)(scope, receive, send)


@pytest.fixture
def client(app_db: str) -> Iterator[TestClient]:
    with TestClient(with_api_routes(not_reflex)) as test_client:
        yield test_client


@pytest.fixture
def admin(session: Session) -> User:
    return make_staff(session, "boss@example.com", "Boss", Role.ADMIN)


@pytest.fixture
def full_token(session: Session, admin: User) -> str:
    """An integration's token with write access everywhere."""
    _, plain = create_api_token(session, admin.id or 0, "CRM sync", [f"{area}:write" for area in AREAS])
    return plain


@pytest.fixture
def auth(full_token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {full_token}"}
