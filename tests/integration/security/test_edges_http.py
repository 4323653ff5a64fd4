"""CORS and security headers on the app as Reflex assembles it (our routes wrapped around Reflex's)."""

from __future__ import annotations

import base64
import gzip
import hashlib
from pathlib import Path

import pytest
from reflex.app import App
from reflex.utils.precompressed_staticfiles import PrecompressedStaticFiles
from starlette.applications import Starlette
from starlette.responses import HTMLResponse, Response
from starlette.testclient import TestClient

from tests.live_server import post_chunked, serve
from ticketapp.api.routes import with_api_routes
from ticketapp.api.security_headers import inline_script_hashes
from ticketapp.settings import get_settings

PAGE = b'<html><head><script>window.boot = 1;</script><script src="/assets/a.js"></script></head><body>hi</body></html>'


async def reflex_page(scope, receive, send) -> None:
    """Stands in for Reflex's mounted frontend: one HTML page (gzip when asked) and a JSON ping."""
    if scope["path"] == "/ping":
        await Response('"pong"', media_type="application/json")(scope, receive, send)
        return
    if scope["path"] == "/gz":
        await Response(gzip.compress(PAGE), media_type="text/html", headers={"content-encoding": "gzip"})(
            scope, receive, send
        )
        return
    await HTMLResponse(PAGE)(scope, receive, send)


def reflex_like_app() -> Starlette:
    """What reflex.App.__call__ builds: the transformed api mounted in a top app with Reflex's CORS."""
    top = Starlette()
    top.mount("", with_api_routes(reflex_page))
    App._add_cors(top)
    return top


@pytest.fixture
def client(app_db: str) -> TestClient:
    return TestClient(reflex_like_app())


def test_cors_is_given_only_to_base_url_origin(client: TestClient) -> None:
    own = get_settings().base_origin
    for path in ("/api/health", "/ping"):
        evil = client.get(path, headers={"Origin": "https://evil.example", "Cookie": "ticketapp_session=x"})
        assert "access-control-allow-origin" not in evil.headers
        sibling = client.get(path, headers={"Origin": "http://localhost:3001", "Cookie": "ticketapp_session=x"})
        assert "access-control-allow-origin" not in sibling.headers
        ours = client.get(path, headers={"Origin": own, "Cookie": "ticketapp_session=x"})
        assert ours.headers["access-control-allow-origin"] == own
        assert ours.headers["access-control-allow-credentials"] == "true"
    preflight = client.options(
        "/api/admin/orders.csv",
        headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "GET"},
    )
    assert preflight.status_code == 400 and "access-control-allow-origin" not in preflight.headers


@pytest.mark.parametrize("path", ["/api/health", "/ping", "/signin", "/gz", "/api/tickets/nope.pdf"])
def test_every_response_carries_security_headers(client: TestClient, path: str) -> None:
    headers = client.get(path).headers
    assert headers["x-frame-options"] == "DENY"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "strict-origin-when-cross-origin"
    csp = headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert "script-src 'self'" in csp and "default-src 'self'" in csp
    assert "strict-transport-security" not in headers  # BASE_URL is http in tests


def _script_src(response) -> list[str]:
    return response.headers["content-security-policy"].split("script-src ", 1)[1].split(";", 1)[0].split()


def _sha256_source(script: bytes) -> str:
    return f"'sha256-{base64.b64encode(hashlib.sha256(script).digest()).decode()}'"


@pytest.mark.parametrize("path", ["/signin", "/gz"])
def test_html_csp_allows_own_scripts_and_the_pages_inline_ones_only(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.content == PAGE
    # No 'unsafe-inline': an injected <script> has no matching hash. 'unsafe-eval' is rx.call_script's.
    assert _script_src(response) == ["'self'", "'unsafe-eval'", _sha256_source(b"window.boot = 1;")]
    assert inline_script_hashes(PAGE) == [_sha256_source(b"window.boot = 1;")]


def test_a_revalidated_page_keeps_its_script_hashes(tmp_path: Path) -> None:
    # Reflex serves its pages with ETags; a reload asks again and gets a 304 without body. Its headers
    # replace the cached page's, so a policy on it (with no body, no hashes) blocked every inline script
    # of the reloaded page (/signin after a sign-out never connected): a 304 must carry no policy.
    (tmp_path / "signin.html").write_bytes(PAGE)
    (tmp_path / "signin.html.gz").write_bytes(gzip.compress(PAGE))
    app = with_api_routes(PrecompressedStaticFiles(directory=tmp_path, html=True, encodings=["gzip"]))
    client = TestClient(app)
    first = client.get("/signin.html", headers={"Accept-Encoding": "gzip"})
    assert first.status_code == 200 and first.content == PAGE
    assert _sha256_source(b"window.boot = 1;") in _script_src(first)
    again = client.get("/signin.html", headers={"Accept-Encoding": "gzip", "If-None-Match": first.headers["etag"]})
    assert again.status_code == 304
    assert "content-security-policy" not in again.headers
    assert again.headers["x-frame-options"] == "DENY" and again.headers["x-content-type-options"] == "nosniff"


def test_hsts_only_when_base_url_is_https(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BASE_URL", "https://tickets.example.org")
    get_settings.cache_clear()
    try:
        response = TestClient(with_api_routes(reflex_page)).get("/api/health")
    finally:
        get_settings.cache_clear()
    assert response.headers["strict-transport-security"].startswith("max-age=31536000")


def test_chunked_stripe_webhook_past_the_cap_is_cut_off_early(app_db: str, fake_stripe) -> None:
    from sqlmodel import select

    from ticketapp.db import session_scope
    from ticketapp.models import WebhookEvent

    with serve(with_api_routes(reflex_page)) as port:
        status, sent = post_chunked(port, "/api/stripe/webhook", {"Stripe-Signature": "t=1,v1=0"}, 300 * 1024 * 1024)
    assert status == 413
    assert sent < 32 * 1024 * 1024  # stopped at the 512 KB cap, not after the whole 300 MB
    with session_scope() as session:
        assert session.exec(select(WebhookEvent)).all() == []


def test_chunked_inbound_mail_past_the_cap_is_cut_off_early(app_db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from sqlmodel import select

    from ticketapp.db import session_scope
    from ticketapp.models import SupportTicket

    monkeypatch.setenv("SUPPORT_INBOUND_SECRET", "inbound-secret")
    get_settings.cache_clear()
    with serve(with_api_routes(reflex_page)) as port:
        status, sent = post_chunked(port, "/api/support/inbound", {"X-Support-Secret": "inbound-secret"}, 300 * 1024**2)
    assert status == 413
    assert sent < 64 * 1024 * 1024  # stopped at the 10 MB cap
    with session_scope() as session:
        assert session.exec(select(SupportTicket)).all() == []


def test_refund_above_the_paid_amount_is_capped_and_flagged(session, app_db: str, fake_stripe) -> None:
    from sqlmodel import select

    from tests.factories import checkout_object, make_pending_order, signed_event
    from ticketapp.models import Order, OrderStatus, Refund

    client = TestClient(with_api_routes(reflex_page))
    order, _ = make_pending_order(session)
    paid = client.post(
        "/api/stripe/webhook",
        content=(signed := signed_event("checkout.session.completed", checkout_object(order)))[0],
        headers={"Stripe-Signature": signed[1]},
    )
    assert paid.status_code == 200
    charge = {
        "id": "ch_1",
        "object": "charge",
        "payment_intent": "pi_test_123",
        "amount_refunded": 10 * order.total_minor,
    }
    payload, signature = signed_event("charge.refunded", charge)
    assert (
        client.post("/api/stripe/webhook", content=payload, headers={"Stripe-Signature": signature}).status_code == 200
    )
    session.expire_all()
    refunded = session.get(Order, order.id)
    assert refunded.refunded_minor == order.total_minor and refunded.status == OrderStatus.REFUNDED
    assert "capped" in (refunded.flagged_reason or "")
    assert sum(r.amount_minor for r in session.exec(select(Refund)).all()) == order.total_minor


def test_calendar_file_hides_drafts_and_answers_404_to_huge_ids(session, app_db: str) -> None:
    from tests.factories import make_event
    from ticketapp.models import EventStatus

    client = TestClient(with_api_routes(reflex_page))
    draft, _ = make_event(session, status=EventStatus.DRAFT)
    published, _ = make_event(session, title="Published Concert", status=EventStatus.PUBLISHED)
    assert client.get(f"/api/events/{published.id}.ics").status_code == 200
    assert client.get(f"/api/events/{draft.id}.ics").status_code == 404
    assert client.get("/api/events/99999999999999999999.ics").status_code == 404


def test_a_loopback_base_url_also_allows_its_twin_host(client: TestClient) -> None:
    settings = get_settings()
    assert settings.base_url.startswith("http://localhost:")  # the tests' BASE_URL
    twin = settings.base_origin.replace("localhost", "127.0.0.1")
    assert settings.allowed_origins == [settings.base_origin, twin]
    answer = client.get("/api/health", headers={"Origin": twin})
    assert answer.headers["access-control-allow-origin"] == twin


PRERENDERED = b'<!DOCTYPE html><html lang="en"><head><script>window.boot = 1;</script></head><body>x</body></html>'


@pytest.mark.parametrize(
    ("headers", "tag"),
    [
        ({"Cookie": "lang=ar"}, b'<html lang="ar" dir="rtl">'),
        ({"Cookie": "theme=dark; lang=fr", "Accept-Language": "de-AT,de;q=0.9"}, b'<html lang="fr" dir="ltr">'),
        ({"Accept-Language": "de-AT,de;q=0.9,en;q=0.5"}, b'<html lang="de" dir="ltr">'),
        ({"Cookie": "lang=xx", "Accept-Language": "pt-BR,it;q=0.8"}, b'<html lang="it" dir="ltr">'),
        ({"Cookie": 'lang="'}, b'<html lang="en" dir="ltr">'),  # a malformed cookie counts as none
        ({}, b'<html lang="en" dir="ltr">'),
    ],
)
def test_a_page_comes_in_the_visitors_language_from_its_first_byte(
    tmp_path: Path, headers: dict[str, str], tag: bytes
) -> None:
    # The prerendered pages say lang="en"; a French or Arabic visitor's page must not start English / left to right.
    (tmp_path / "events.html").write_bytes(PRERENDERED)
    (tmp_path / "events.html.gz").write_bytes(gzip.compress(PRERENDERED))
    client = TestClient(with_api_routes(PrecompressedStaticFiles(directory=tmp_path, html=True, encodings=["gzip"])))
    for encoding in ("gzip", "identity"):
        response = client.get("/events.html", headers={**headers, "Accept-Encoding": encoding})
        assert response.status_code == 200
        assert response.content == PRERENDERED.replace(b'<html lang="en">', tag)
        if encoding == "identity":
            assert int(response.headers["content-length"]) == len(response.content)
        # The scripts are untouched, so the page keeps its hashes; the page varies per visitor: no validator.
        assert _sha256_source(b"window.boot = 1;") in _script_src(response)
        assert "etag" not in response.headers and "Cookie" in response.headers["vary"]
