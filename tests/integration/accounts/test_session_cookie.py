"""The session cookie is set only by `/auth/session` (one-time signed ticket) and cleared by
`POST /auth/signout`; the account lists its sessions and signs them out one by one or all.

Routes run through the real ASGI stack (`with_api_routes`) on SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import quote

from sqlmodel import Session
from starlette.responses import PlainTextResponse
from starlette.testclient import TestClient

from tests.factories import make_user
from ticketapp.api.routes import with_api_routes
from ticketapp.models import Role, UserSession, utcnow
from ticketapp.services.accounts import sessions as auth_sessions
from ticketapp.services.accounts.security_log import ClientInfo

CLIENT = ClientInfo(ip="203.0.113.9", user_agent="pytest")
ORIGIN = "http://localhost:3000"  # BASE_URL's origin in the test settings


def _client(base_url: str = ORIGIN) -> TestClient:
    async def reflex_stand_in(scope: Any, receive: Any, send: Any) -> None:
        await PlainTextResponse("reflex")(scope, receive, send)

    return TestClient(with_api_routes(reflex_stand_in), base_url=base_url, follow_redirects=False)


def _signed_in(session: Session, email: str, remember: bool = False, role: str = Role.CUSTOMER) -> tuple[int, str]:
    user = make_user(session, email, role=role)
    token, user_session = auth_sessions.create_session(session, user, remember, CLIENT)
    session.commit()
    return user_session.id or 0, token


def _set_cookie_headers(response: Any) -> list[str]:
    return [value for name, value in response.headers.multi_items() if name == "set-cookie"]


def test_ticket_sets_an_httponly_cookie_once(session: Session, app_db: str) -> None:
    session_id, token = _signed_in(session, "ada@example.com", remember=True)
    ticket = auth_sessions.cookie_ticket(session, token)
    client = _client()

    first = client.get(f"/auth/session?ticket={quote(ticket)}&next=%2Faccount")
    assert first.status_code == 303 and first.headers["location"] == "/account"
    (remember_cookie,) = [c for c in _set_cookie_headers(first) if c.startswith("ta_remember=")]
    assert "HttpOnly" in remember_cookie and "SameSite=lax" in remember_cookie and "Max-Age=2592000" in remember_cookie
    cookie_token = remember_cookie.split(";")[0].split("=", 1)[1]
    # The cookie holds a rotated token for the same session; the one the handler saw is dead.
    resolved = auth_sessions.resolve_session(session, cookie_token)
    assert resolved is not None and resolved.session_id == session_id
    assert auth_sessions.resolve_session(session, token) is None

    # The same link again (history, a shared screenshot, a proxy log): refused, no cookie.
    replay = _client().get(f"/auth/session?ticket={quote(ticket)}&next=%2Faccount")
    assert replay.status_code == 303 and replay.headers["location"].startswith("/signin?oauth_error=")
    assert not [c for c in _set_cookie_headers(replay) if c.startswith(("ta_session=", "ta_remember="))]


def test_forged_expired_and_cross_site_tickets_are_refused(session: Session, app_db: str) -> None:
    session_id, token = _signed_in(session, "bob@example.com")
    ticket = auth_sessions.cookie_ticket(session, token)
    _, issued, signature = ticket.split(".")
    other_id, _ = _signed_in(session, "eve@example.com")
    forged = [
        f"{other_id}.{issued}.{signature}",  # someone else's session, this signature
        f"{session_id}.{issued}.{'0' * 32}",  # made-up signature
        f"{session_id}.{int(issued) + 60}.{signature}",  # later issue time, same signature
        "9" * 40 + f".{issued}.{signature}",
        "garbage",
        "",
    ]
    for bad in forged:
        response = _client().get(f"/auth/session?ticket={quote(bad)}")
        assert response.headers["location"].startswith("/signin?oauth_error="), bad
        assert not _set_cookie_headers(response), bad
    # A ticket older than its lifetime.
    later = utcnow() + auth_sessions.COOKIE_TICKET_LIFETIME + timedelta(seconds=1)
    assert auth_sessions.redeem_cookie_ticket(session, ticket, now=later) is None
    # Opened from another site's link (login CSRF): refused even though the ticket is good.
    cross = _client().get(f"/auth/session?ticket={quote(ticket)}", headers={"sec-fetch-site": "cross-site"})
    assert cross.headers["location"].startswith("/signin?oauth_error=") and not _set_cookie_headers(cross)
    # The genuine ticket still works once.
    assert _client().get(f"/auth/session?ticket={quote(ticket)}").headers["location"] == "/"


def test_ticket_of_a_revoked_session_sets_nothing(session: Session, app_db: str) -> None:
    _, token = _signed_in(session, "carl@example.com")
    ticket = auth_sessions.cookie_ticket(session, token)
    auth_sessions.revoke_session(session, token, CLIENT)
    assert auth_sessions.redeem_cookie_ticket(session, ticket) is None
    assert auth_sessions.cookie_ticket(session, token) == ""


def test_sign_out_post_revokes_and_clears_the_cookies(session: Session, app_db: str) -> None:
    _, token = _signed_in(session, "dora@example.com", remember=True)
    client = _client()
    client.cookies.set("ta_remember", token)
    client.cookies.set("cart", "c" * 43)

    # A GET does not sign out (a link or an image on another page could).
    get = client.get("/auth/signout")
    assert not _set_cookie_headers(get) and auth_sessions.resolve_session(session, token) is not None
    # A form on another site posting here: refused, the session stays.
    cross = client.post("/auth/signout", headers={"origin": "https://evil.example"})
    assert cross.status_code == 403 and auth_sessions.resolve_session(session, token) is not None

    response = client.post("/auth/signout", headers={"origin": ORIGIN})
    assert response.status_code == 303 and response.headers["location"] == "/"
    cleared = {c.split("=", 1)[0]: c for c in _set_cookie_headers(response)}
    for name in ("ta_session", "ta_remember", "cart"):
        assert "Max-Age=0" in cleared[name] or "expires=Thu, 01 Jan 1970" in cleared[name], name
    assert auth_sessions.resolve_session(session, token) is None


def test_sessions_list_and_sign_out_one_or_everywhere(session: Session, app_db: str) -> None:
    user = make_user(session, "erin@example.com")
    tokens = [auth_sessions.create_session(session, user, False, CLIENT) for _ in range(3)]
    session.commit()
    (token_a, a), (token_b, b), (token_c, c) = tokens
    other_id, _ = _signed_in(session, "frank@example.com")

    rows = auth_sessions.list_sessions(session, user.id or 0, a.id or 0)
    assert {row.id for row in rows} == {a.id, b.id, c.id}
    assert [row.id for row in rows if row.current] == [a.id]

    # Only one's own sessions: someone else's id changes nothing.
    assert not auth_sessions.revoke_other_session(session, user.id or 0, other_id, CLIENT)
    assert session.get(UserSession, other_id).revoked_at is None  # type: ignore[union-attr]
    assert auth_sessions.revoke_other_session(session, user.id or 0, b.id or 0, CLIENT)
    assert auth_sessions.resolve_session(session, token_b) is None
    assert {row.id for row in auth_sessions.list_sessions(session, user.id or 0, a.id or 0)} == {a.id, c.id}

    assert auth_sessions.revoke_all_sessions(session, user.id or 0, CLIENT) == 2
    assert auth_sessions.resolve_session(session, token_a) is None
    assert auth_sessions.resolve_session(session, token_c) is None
    assert auth_sessions.list_sessions(session, user.id or 0, a.id or 0) == []


def test_cookie_is_secure_when_base_url_is_https(session: Session, app_db: str, monkeypatch) -> None:
    from ticketapp.settings import get_settings

    _, token = _signed_in(session, "gina@example.com")
    ticket = auth_sessions.cookie_ticket(session, token)
    monkeypatch.setenv("BASE_URL", "https://tickets.example.org")
    get_settings.cache_clear()
    try:
        response = _client("https://tickets.example.org").get(f"/auth/session?ticket={quote(ticket)}")
    finally:
        get_settings.cache_clear()
    (cookie,) = [c for c in _set_cookie_headers(response) if c.startswith("ta_session=")]
    assert "Secure" in cookie and "HttpOnly" in cookie and "Max-Age" not in cookie  # ends with the browser
