"""Token authentication, scopes, problem+json errors, rate limits and body caps of `/api/v1/`."""

from __future__ import annotations

import pytest
from sqlmodel import Session
from starlette.testclient import TestClient

from tests.factories import make_event, make_staff
from tests.integration.api_access.conftest import not_reflex
from ticketapp.api.routes import with_api_routes
from ticketapp.models import Role, StaffApiToken, User
from ticketapp.services.api_access.tokens import TokenError, authenticate, create_api_token, revoke_api_token
from ticketapp.services.tickets.staff_tokens import create_staff_token
from ticketapp.settings import get_settings


def _problem(response, status: int) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == status and body["title"]
    return body


@pytest.mark.parametrize("authorization", [None, "Bearer tka_wrong", "Bearer ", "Basic dXNlcjpwYXNz", "tka_x"])
def test_missing_or_bad_token_is_401_problem(client, auth, authorization) -> None:
    headers = {"Authorization": authorization} if authorization else {}
    response = client.get("/api/v1/events", headers=headers)
    _problem(response, 401)
    assert response.headers["www-authenticate"].startswith("Bearer")


def test_revoked_token_stops_working_at_once(client, session: Session, admin: User) -> None:
    row, plain = create_api_token(session, admin.id, "Mailing", ["events:read"])
    headers = {"Authorization": f"Bearer {plain}"}
    assert client.get("/api/v1/events", headers=headers).status_code == 200
    revoke_api_token(session, admin.id, row.id)
    _problem(client.get("/api/v1/events", headers=headers), 401)
    with pytest.raises(TokenError):
        revoke_api_token(session, admin.id, row.id)


def test_check_in_tokens_do_not_open_the_api(client, session: Session) -> None:
    staff = make_staff(session)
    _, plain = create_staff_token(session, staff.id, "Gate A")
    _problem(client.get("/api/v1/events", headers={"Authorization": f"Bearer {plain}"}), 401)


def test_wrong_scope_is_403_and_write_implies_read(client, session: Session, admin: User) -> None:
    _, plain = create_api_token(session, admin.id, "Accounting", ["invoices:read", "orders:write"])
    headers = {"Authorization": f"Bearer {plain}"}
    body = _problem(client.get("/api/v1/customers", headers=headers), 403)
    assert "customers:read" in body["detail"]
    assert client.get("/api/v1/invoices", headers=headers).status_code == 200
    assert client.get("/api/v1/orders", headers=headers).status_code == 200
    _problem(client.post("/api/v1/checkins", json={"event_id": 1, "scan": "X"}, headers=headers), 403)


def test_staff_token_follows_its_holder(client, session: Session, admin: User) -> None:
    agent = make_staff(session, "agent@example.com", "Agent", Role.AGENT)
    _, plain = create_api_token(session, admin.id, "Agent's laptop", ["events:read"], staff_user_id=agent.id)
    headers = {"Authorization": f"Bearer {plain}"}
    assert client.get("/api/v1/events", headers=headers).status_code == 200
    agent.role = Role.CUSTOMER
    session.add(agent)
    session.commit()
    _problem(client.get("/api/v1/events", headers=headers), 401)


def test_token_is_stored_hashed_and_last_use_recorded(client, session: Session, admin: User) -> None:
    row, plain = create_api_token(session, admin.id, "CRM", ["events:read"])
    assert plain.startswith("tka_") and plain not in (row.token_hash, row.scopes, row.label)
    assert row.last_used_at is None
    client.get("/api/v1/events", headers={"Authorization": f"Bearer {plain}"})
    session.expire_all()
    assert session.get(StaffApiToken, row.id).last_used_at is not None


def test_only_admins_create_tokens_and_scopes_are_checked(session: Session, admin: User) -> None:
    agent = make_staff(session, "agent@example.com", "Agent", Role.AGENT)
    with pytest.raises(TokenError):
        create_api_token(session, agent.id, "x", ["events:read"])
    with pytest.raises(TokenError):
        create_api_token(session, admin.id, "x", ["events:delete"])
    with pytest.raises(TokenError):
        create_api_token(session, admin.id, "x", [])
    with pytest.raises(TokenError):
        create_api_token(session, admin.id, " ", ["events:read"])
    customer = make_staff(session, "c@example.com", "C", Role.CUSTOMER)
    with pytest.raises(TokenError):
        create_api_token(session, admin.id, "x", ["events:read"], staff_user_id=customer.id)
    assert authenticate(session, "tka_" + "x" * 500) is None


def test_unknown_ids_and_paths_are_404_problems(client, session: Session, auth) -> None:
    make_event(session)
    _problem(client.get("/api/v1/events/999999", headers=auth), 404)
    _problem(client.get("/api/v1/orders/NOSUCHCODE", headers=auth), 404)
    _problem(client.get("/api/v1/customers/1", headers=auth), 404)  # the admin is not a customer
    _problem(client.get("/api/v1/nothing-here", headers=auth), 404)
    _problem(client.post("/api/v1/orders/NOSUCHCODE/cancel", headers=auth), 404)


def test_bad_parameters_are_400_and_bad_bodies_422(client, auth) -> None:
    body = _problem(client.get("/api/v1/events?limit=0", headers=auth), 400)
    assert body["errors"][0]["field"].endswith("limit")
    _problem(client.get("/api/v1/events?limit=abc", headers=auth), 400)
    _problem(client.get("/api/v1/events?cursor=bm9wZQ", headers=auth), 400)
    _problem(client.get("/api/v1/events/99999999999", headers=auth), 400)
    _problem(
        client.post("/api/v1/orders", content=b"{not json", headers={**auth, "content-type": "application/json"}), 422
    )
    _problem(client.post("/api/v1/orders", json={"buyer_name": "A"}, headers=auth), 422)
    _problem(
        client.post(
            "/api/v1/orders", json={"buyer_name": "A", "buyer_email": "a@b.c", "items": [], "surprise": 1}, headers=auth
        ),
        422,
    )


def test_huge_body_is_413_before_parsing(client, auth) -> None:
    huge = b'{"buyer_name": "' + b"x" * 200_000 + b'"}'
    _problem(client.post("/api/v1/orders", content=huge, headers={**auth, "content-type": "application/json"}), 413)

    def chunks():
        for _ in range(100):
            yield b"x" * 1000

    _problem(client.post("/api/v1/orders", content=chunks(), headers={**auth, "content-type": "application/json"}), 413)


def test_rate_limit_per_token_answers_429_with_retry_after(
    session: Session, admin: User, auth, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("API_RATE_LIMIT_PER_MINUTE", "3")
    get_settings.cache_clear()
    with TestClient(with_api_routes(not_reflex)) as client:
        for _ in range(3):
            assert client.get("/api/v1/events", headers=auth).status_code == 200
        response = client.get("/api/v1/events", headers=auth)
        _problem(response, 429)
        assert 1 <= int(response.headers["retry-after"]) <= 60
        _, other = create_api_token(session, admin.id, "Other", ["events:read"])
        assert client.get("/api/v1/events", headers={"Authorization": f"Bearer {other}"}).status_code == 200
    monkeypatch.delenv("API_RATE_LIMIT_PER_MINUTE")
    get_settings.cache_clear()


def test_openapi_document_and_reference_page(client) -> None:
    document = client.get("/api/v1/openapi.json").json()
    assert document["openapi"].startswith("3.")
    assert {"/events", "/orders", "/orders/{code}/refund", "/checkins", "/invoices"} <= set(document["paths"])
    assert document["paths"]["/orders"]["post"]["x-required-scope"] == "orders:write"
    page = client.get("/api/v1/docs")
    assert page.status_code == 200 and "<script" not in page.text
    assert "POST" in page.text and "/api/v1/orders/{code}/mark-paid" in page.text
    assert "default-src 'self'" in page.headers["content-security-policy"]
