"""The check-in API and ticket downloads over HTTP (Starlette's TestClient on our routes)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from tests.factories import make_event_with_vip, make_order, make_staff
from ticketapp.api.checkin import checkin_routes
from ticketapp.api.tickets import ticket_routes
from ticketapp.models import Role, Ticket, User
from ticketapp.services.tickets.issuing import issue_tickets, token_for_ticket, void_tickets
from ticketapp.services.tickets.links import signed_ticket_path
from ticketapp.services.tickets.staff_tokens import create_staff_token, revoke_staff_token
from ticketapp.services.tickets.tokens import get_signing_key, public_key, verify_document
from ticketapp.settings import get_settings


@pytest.fixture
def client(engine):
    app = Starlette(routes=[*checkin_routes(), *ticket_routes()])
    app.state.engine = engine
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def door(session):
    """An event with three sold tickets and a door agent holding an API token."""
    event, standard, vip = make_event_with_vip(session)
    order, _ = make_order(session, [(standard, 2), (vip, 1)])
    tickets = issue_tickets(session, order.id)
    staff = make_staff(session)
    _, token = create_staff_token(session, staff.id, "Gate A phone")
    return event, order, tickets, staff, {"Authorization": f"Bearer {token}"}


def post_scan(client, headers, event_id, scanned):
    return client.post("/api/checkin", json={"event_id": event_id, "scan": scanned}, headers=headers)


def test_scan_valid_then_already_used(client, session, door) -> None:
    event, _, tickets, _, headers = door
    token = token_for_ticket(session, tickets[0], get_signing_key())
    first = post_scan(client, headers, event.id, token)
    assert first.status_code == 200
    body = first.json()
    assert (
        body["outcome"] == "valid" and body["attendee_name"] == "Camille Dupont" and body["ticket_type"] == "Standard"
    )
    assert body["counter"] == {"checked_in": 1, "sold": 3}
    again = post_scan(client, headers, event.id, tickets[0].code).json()
    assert again["outcome"] == "already_used" and again["checked_in_by"] == "Door Staff" and again["checked_in_at"]


@pytest.mark.parametrize(
    "authorization",
    [None, "Bearer tka_wrong", "Bearer ", "Basic dXNlcjpwYXNz", "tka_no_scheme"],
)
def test_wrong_or_missing_token_is_401_and_admits_nobody(client, session, door, authorization) -> None:
    event, _, tickets, _, _ = door
    headers = {"Authorization": authorization} if authorization else {}
    response = post_scan(client, headers, event.id, tickets[0].code)
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    session.expire_all()
    assert session.get(Ticket, tickets[0].id).checked_in_at is None
    assert client.get(f"/api/checkin/events/{event.id}/list", headers=headers).status_code == 401


def test_revoked_token_and_demoted_staff_are_refused(client, session, door) -> None:
    event, _, tickets, staff, headers = door
    row, token = create_staff_token(session, staff.id, "spare")
    assert revoke_staff_token(session, row.id)
    assert post_scan(client, {"Authorization": f"Bearer {token}"}, event.id, tickets[0].code).status_code == 401
    user = session.get(User, staff.id)
    user.role = Role.CUSTOMER
    session.add(user)
    session.commit()
    assert post_scan(client, headers, event.id, tickets[0].code).status_code == 401


def test_forged_qr_is_forged(client, session, door) -> None:
    from joserfc.jwk import OKPKey

    event, _, tickets, _, headers = door
    forged = token_for_ticket(session, tickets[0], OKPKey.generate_key("Ed25519"))
    assert post_scan(client, headers, event.id, forged).json()["outcome"] == "forged"
    genuine = token_for_ticket(session, tickets[0], get_signing_key())
    header, payload, signature = genuine.split(".")
    assert post_scan(client, headers, event.id, f"{header}.{payload}x.{signature}").json()["outcome"] == "forged"


def test_void_after_refund(client, session, door) -> None:
    event, order, tickets, _, headers = door
    void_tickets(session, order.id)
    body = post_scan(client, headers, event.id, token_for_ticket(session, tickets[1], get_signing_key())).json()
    assert body["outcome"] == "void" and body["counter"] == {"checked_in": 0, "sold": 0}


def test_wrong_event(client, session, door) -> None:
    _, _, tickets, _, headers = door
    other, _, _ = make_event_with_vip(session, title="Other")
    assert post_scan(client, headers, other.id, tickets[0].code).json()["outcome"] == "wrong_event"


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"event_id": "x", "scan": "ABCD-EFGH"},
        {"event_id": 1},
        {"event_id": True, "scan": "A"},
        ["not", "an", "object"],
    ],
)
def test_malformed_requests_get_400(client, door, payload) -> None:
    *_, headers = door
    response = client.post("/api/checkin", json=payload, headers=headers)
    assert response.status_code == 400 and "event_id" in response.json()["error"]


def test_blank_scan_and_unknown_event(client, door) -> None:
    event, *_, headers = door
    blank = post_scan(client, headers, event.id, "   ")
    assert blank.status_code == 400 and "ticket code" in blank.json()["error"]
    assert post_scan(client, headers, 999_999, "ABCD-EFGH").status_code == 404
    not_json = client.post("/api/checkin", content=b"{nope", headers={**headers, "Content-Type": "application/json"})
    assert not_json.status_code == 400


def test_public_key_and_signed_list_validate_offline(client, session, door) -> None:
    event, _, tickets, _, headers = door
    jwks = client.get("/api/checkin/public-key").json()
    (jwk,) = jwks["keys"]
    assert "d" not in jwk and jwk["kid"]
    from joserfc.jwk import import_key

    offline_key = import_key(jwk, jwk["kty"])
    listed = client.get(f"/api/checkin/events/{event.id}/list", headers=headers)
    assert listed.status_code == 200 and listed.headers["content-type"].startswith("application/jose")
    document = verify_document(listed.text, offline_key)
    assert {row["code"] for row in document["tickets"]} == {t.code for t in tickets}
    assert public_key(get_signing_key()).thumbprint() == offline_key.thumbprint()
    assert client.get("/api/checkin/events/999999/list", headers=headers).status_code == 404
    assert client.get(f"/api/checkin/events/{event.id}/counter", headers=headers).json() == {"checked_in": 0, "sold": 3}


def test_signed_link_downloads_the_pdf(client, door) -> None:
    _, _, tickets, _, _ = door
    path = signed_ticket_path(tickets[0].code, get_settings().secret_key, timedelta(hours=1))
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf" and response.content.startswith(b"%PDF")
    assert "no-store" in response.headers["cache-control"]


def test_expired_tampered_or_missing_links_never_give_the_pdf(client, door) -> None:
    _, _, tickets, _, _ = door
    secret = get_settings().secret_key
    code, other_code = tickets[0].code, tickets[1].code
    expired = signed_ticket_path(code, secret, timedelta(hours=-1))
    valid = signed_ticket_path(code, secret, timedelta(hours=1))
    query = valid.split("?", 1)[1]
    exp = query.split("&")[0].split("=")[1]
    attempts = [
        expired,
        f"/api/tickets/{code}.pdf",
        f"/api/tickets/{other_code}.pdf?{query}",  # a valid signature for another ticket
        valid.replace(f"exp={exp}", f"exp={int(exp) + 3600}"),  # extended expiry
        valid[:-2] + ("AA" if not valid.endswith("AA") else "BB"),  # altered signature
        signed_ticket_path(code, "not-the-secret", timedelta(hours=1)),
    ]
    for attempt in attempts:
        response = client.get(attempt)
        assert response.status_code == 403, attempt
        assert not response.content.startswith(b"%PDF")
    unknown = signed_ticket_path("ZZZZ-ZZZZ", secret, timedelta(hours=1))
    assert client.get(unknown).status_code == 404


def test_event_calendar_file(client, door) -> None:
    event, *_ = door
    response = client.get(f"/api/events/{event.id}.ics")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/calendar")
    assert "DTSTART:20300614T183000Z" in response.text
    assert client.get("/api/events/999999.ics").status_code == 404


def test_routes_are_registered_in_front_of_reflex() -> None:
    from starlette.responses import PlainTextResponse

    from ticketapp.api.routes import with_api_routes

    app = with_api_routes(PlainTextResponse("reflex page"))
    with TestClient(app) as test_client:
        assert test_client.get("/api/checkin/public-key").json()["keys"][0]["kty"] in {"OKP", "EC"}
        assert test_client.post("/api/checkin", json={}).status_code == 401
        assert test_client.get("/api/tickets/ABCD-EFGH.pdf").status_code == 403
        assert test_client.get("/checkin").text == "reflex page"


def test_qr_in_downloaded_pdf_is_accepted_once_at_the_door(client, door, tmp_path) -> None:
    """Done means: download the PDF, read its QR as a scanner would, check in: VALID, then ALREADY USED."""
    from tests.pdf_tools import decode_qr_codes

    event, _, tickets, _, headers = door
    response = client.get(signed_ticket_path(tickets[1].code, get_settings().secret_key, timedelta(hours=1)))
    pdf_path = tmp_path / "ticket.pdf"
    pdf_path.write_bytes(response.content)
    (scanned,) = decode_qr_codes(pdf_path, tmp_path)
    first = post_scan(client, headers, event.id, scanned).json()
    assert first["outcome"] == "valid" and first["ticket_code"] == tickets[1].code
    assert post_scan(client, headers, event.id, scanned).json()["outcome"] == "already_used"


def test_a_scan_shows_the_answers_marked_for_the_door(client, session, door) -> None:
    from ticketapp.models import Answer, Question

    event, order, tickets, _, headers = door
    shown = Question(event_id=event.id, label="Wheelchair", kind="yes_no", show_at_checkin=True)
    hidden = Question(event_id=event.id, label="Diet", kind="text")
    session.add_all([shown, hidden])
    session.flush()
    session.add_all(
        [
            Answer(order_id=order.id, question_id=shown.id, value="yes"),
            Answer(order_id=order.id, question_id=hidden.id, value="vegan"),
        ]
    )
    session.commit()
    body = post_scan(client, headers, event.id, tickets[0].code).json()
    assert body["outcome"] == "valid" and body["answers"] == [{"question": "Wheelchair", "answer": "Yes"}]
