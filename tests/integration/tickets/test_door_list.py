"""Door lists: who is coming (paid, valid tickets only), searched and paged, with the check-in answers and
status; CSV (formula-safe) and PDF through the admin routes, refused to anyone else and for bad input;
the unsubscribe page refuses a tampered link and records a good one."""

from __future__ import annotations

import io
from typing import Any
from urllib.parse import urlsplit

from pypdf import PdfReader
from sqlmodel import Session
from starlette.responses import PlainTextResponse
from starlette.testclient import TestClient

from tests.factories import add_type, make_event, make_order, make_user
from ticketapp.api.routes import with_api_routes
from ticketapp.models import Answer, OrderStatus, Question, Role, utcnow
from ticketapp.services.accounts.security_log import ClientInfo
from ticketapp.services.accounts.sessions import SESSION_COOKIE, create_session
from ticketapp.services.messaging import unsubscribe
from ticketapp.services.tickets import door_list
from ticketapp.services.tickets.issuing import issue_tickets


def _client(session_token: str = "") -> TestClient:
    async def reflex_stand_in(scope: Any, receive: Any, send: Any) -> None:
        await PlainTextResponse("reflex")(scope, receive, send)

    client = TestClient(with_api_routes(reflex_stand_in))
    if session_token:
        client.cookies.set(SESSION_COOKIE, session_token)
    return client


def _signed_in(session: Session, email: str, role: str) -> str:
    user = make_user(session, email, "Staff", role=role)
    session_token, row = create_session(session, user, False, ClientInfo(ip="127.0.0.1", user_agent="pytest"))
    if role != Role.CUSTOMER:
        user.totp_secret, user.totp_enabled_at, row.second_factor_ok = "JBSWY3DPEHPK3PXP", utcnow(), True
        session.add_all([user, row])
    session.commit()
    return session_token


def _event(session: Session) -> tuple[int, list[str]]:
    event, standard = make_event(session, title="Door Night")
    vip = add_type(session, event, name="VIP")
    question = Question(event_id=event.id or 0, label="Diet", kind="text", show_at_checkin=True)
    hidden = Question(event_id=event.id or 0, label="Secret", kind="text")
    session.add_all([question, hidden])
    session.commit()
    codes = []
    for name, ticket_type in (("Ada Lovelace", standard), ("=HYPERLINK(1)", vip), ("Bob Martin", standard)):
        order, _ = make_order(session, [(ticket_type, 1)], buyer_name=name, buyer_email=f"{name[:3]}@example.com")
        tickets = issue_tickets(session, order.id or 0)
        codes.append(tickets[0].code)
        if name == "Ada Lovelace":
            session.add(Answer(order_id=order.id or 0, question_id=question.id or 0, value="Vegan"))
            session.add(Answer(order_id=order.id or 0, question_id=hidden.id or 0, value="hush"))
            tickets[0].checked_in_at = utcnow()
            session.add(tickets[0])
            session.commit()
    refunded, _ = make_order(session, [(standard, 1)], buyer_name="Zed Refunded")
    issue_tickets(session, refunded.id or 0)
    refunded.status = OrderStatus.REFUNDED  # written straight, as the factory writes orders
    session.add(refunded)
    session.commit()
    return event.id or 0, codes


def test_the_list_shows_who_comes_with_answers_and_status_and_searches(session: Session) -> None:
    event_id, codes = _event(session)
    page = door_list.door_page(session, event_id, "", "en")
    assert (page.total, page.checked_in) == (3, 1)
    assert [row.name for row in page.rows] == ["=HYPERLINK(1)", "Ada Lovelace", "Bob Martin"]  # no refunded order
    ada = page.rows[1]
    assert ada.answers == "Diet: Vegan" and ada.checked_in and "hush" not in ada.answers
    assert [r.code for r in door_list.door_page(session, event_id, codes[2].lower(), "en").rows] == [codes[2]]
    assert door_list.door_page(session, event_id, "nobody", "en").total == 0
    assert door_list.door_page(session, event_id, "x" * 10_000, "en").total == 0  # capped, not an error
    assert door_list.door_page(session, event_id, "", "en", offset=-5).rows == page.rows


def test_the_exports_are_for_admins_only_and_refuse_bad_input(session: Session) -> None:
    event_id, codes = _event(session)
    admin = _client(_signed_in(session, "door-admin@example.com", Role.ADMIN))
    response = admin.get(f"/api/admin/door-list.csv?event={event_id}")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    lines = response.text.splitlines()
    assert lines[0] == "Name,Ticket type,Ticket code,Order,Check-in answers,Checked in"
    assert lines[1].startswith("'=HYPERLINK(1),VIP,")  # a spreadsheet will not run it
    french = admin.get(f"/api/admin/door-list.csv?event={event_id}&q=bob", headers={"Accept-Language": "fr"})
    assert french.text.splitlines()[0].startswith("Nom,") and len(french.text.splitlines()) == 2
    pdf = admin.get(f"/api/admin/door-list.pdf?event={event_id}")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Door Night" in text and "Ada Lovelace" in text and codes[0] in text
    for bad in ("abc", "", "99999999", "1" * 40):
        assert admin.get(f"/api/admin/door-list.csv?event={bad}").status_code == 404
    customer = _client(_signed_in(session, "door-customer@example.com", Role.CUSTOMER))
    assert customer.get(f"/api/admin/door-list.csv?event={event_id}").status_code == 403
    assert _client().get(f"/api/admin/door-list.pdf?event={event_id}").status_code == 403


def test_the_unsubscribe_page_needs_a_good_signature(session: Session, app_db: str) -> None:
    link = urlsplit(unsubscribe.url("Leaver@Example.com"))
    client = _client()
    good = f"{link.path}?{link.query}"
    assert client.get(good[:-1] + ("0" if good[-1] != "0" else "1")).status_code == 400
    page = client.get(good)
    assert (
        page.status_code == 200 and "<form" in page.text and not unsubscribe.is_opted_out(session, "leaver@example.com")
    )
    params = dict(part.split("=", 1) for part in link.query.split("&"))
    tampered = client.post("/api/unsubscribe", data={"e": "someone@else.com", "s": params["s"]})
    assert tampered.status_code == 400
    done = client.post("/api/unsubscribe", data={"e": "leaver@example.com", "s": params["s"]})
    assert done.status_code == 200 and "unsubscribed" in done.text
    assert unsubscribe.is_opted_out(session, "LEAVER@example.com")
    assert (
        client.post(
            "/api/unsubscribe",
            content=b"e=" + b"x" * 10_000,
            headers={"content-type": "application/x-www-form-urlencoded"},
        ).status_code
        == 400
    )
