"""A customer's own tickets: the owner-checked PDF route, listing, attendee changes and resending."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from pypdf import PdfReader
from sqlmodel import Session
from starlette.responses import PlainTextResponse
from starlette.testclient import TestClient

from tests.factories import make_event_with_vip, make_order, make_user
from ticketapp.api.routes import with_api_routes
from ticketapp.models import Event, OrderStatus, Ticket, TicketStatus
from ticketapp.services.accounts.security_log import ClientInfo
from ticketapp.services.accounts.sessions import SESSION_COOKIE, create_session
from ticketapp.services.tickets.issuing import issue_tickets
from ticketapp.services.tickets.links import signed_ticket_path
from ticketapp.services.tickets.mine import (
    TicketChangeError,
    change_attendee_name,
    qr_data_uri,
    resendable_order,
    user_tickets,
)
from ticketapp.services.tickets.pdf import ticket_pdf
from ticketapp.services.tickets.tokens import get_signing_key
from ticketapp.settings import get_settings


def _client(session_token: str = "") -> TestClient:
    async def reflex_stand_in(scope: Any, receive: Any, send: Any) -> None:
        await PlainTextResponse("reflex")(scope, receive, send)

    client = TestClient(with_api_routes(reflex_stand_in))
    if session_token:
        client.cookies.set(SESSION_COOKIE, session_token)
    return client


def _customer(session: Session, email: str) -> tuple[int, str]:
    user = make_user(session, email, email.split("@")[0].title())
    token, _ = create_session(session, user, False, ClientInfo(ip="127.0.0.1", user_agent="pytest"))
    session.commit()
    return user.id or 0, token


def test_pdf_route_serves_the_owner_and_hides_others_tickets(session: Session, app_db: str) -> None:
    _, standard, _ = make_event_with_vip(session)
    owner_id, owner_token = _customer(session, "owner@example.com")
    _, stranger_token = _customer(session, "stranger@example.com")
    order, _ = make_order(session, [(standard, 1)], user_id=owner_id)
    (ticket,) = issue_tickets(session, order.id or 0)
    path = f"/api/tickets/{ticket.code}.pdf"

    owner = _client(owner_token).get(path)
    assert owner.status_code == 200 and owner.content.startswith(b"%PDF")
    stranger = _client(stranger_token).get(path)
    assert stranger.status_code == 404 and not stranger.content.startswith(b"%PDF")
    assert _client(owner_token).get("/api/tickets/ZZZZ-ZZZZ.pdf").status_code == 404
    client = _client()
    assert client.get(path).status_code == 403  # anonymous, no link
    assert _client("forged").get(path).status_code == 403
    # The e-mail's signed link still works without a session; a tampered one does not.
    settings = get_settings()
    signed = signed_ticket_path(ticket.code, settings.secret_key, timedelta(hours=1))
    assert client.get(signed).content.startswith(b"%PDF")
    assert _client(owner_token).get(signed[:-2] + "xx").status_code == 403


def test_listing_splits_upcoming_and_past_and_marks_void(session: Session) -> None:
    _, soon, _ = make_event_with_vip(session, "Soon")
    past_event, old, _ = make_event_with_vip(session, "Long ago")
    past_event.starts_at -= timedelta(days=3650)
    past_event.ends_at -= timedelta(days=3650)
    session.add(past_event)
    session.commit()
    user_id, _ = _customer(session, "fan@example.com")
    paid, _ = make_order(session, [(soon, 1)], user_id=user_id)
    refunded, _ = make_order(session, [(soon, 1)], user_id=user_id)
    old_order, _ = make_order(session, [(old, 1)], user_id=user_id)
    for order in (paid, refunded, old_order):
        issue_tickets(session, order.id or 0)
    refunded.status = OrderStatus.REFUNDED
    session.add(refunded)
    session.commit()
    other_id, _ = _customer(session, "other@example.com")
    make_order(session, [(soon, 1)], user_id=other_id)

    upcoming, past = user_tickets(session, user_id)
    assert [(t.order.code, t.is_void) for t in upcoming] == [(paid.code, False), (refunded.code, True)]
    assert [t.event.title for t in past] == ["Long ago"]
    assert qr_data_uri(session, upcoming[0].ticket).startswith("data:image/png;base64,")


def test_attendee_name_change_before_the_cutoff_only(session: Session, app_db: str) -> None:
    event, standard, _ = make_event_with_vip(session)
    user_id, _ = _customer(session, "fan@example.com")
    stranger_id, _ = _customer(session, "stranger@example.com")
    order, _ = make_order(session, [(standard, 1)], user_id=user_id)
    (ticket,) = issue_tickets(session, order.id or 0)

    changed = change_attendee_name(session, user_id, ticket.code, "  Grace   Hopper ")
    assert changed.ticket.attendee_name == "Grace Hopper"
    settings = get_settings()
    path = ticket_pdf(session, ticket, "en", get_signing_key(), settings.ticket_cache_dir, settings.organiser_name)
    assert "Grace Hopper" in PdfReader(path).pages[0].extract_text()

    for user, name, message in [
        (user_id, "   ", "Please enter the attendee's name."),
        (user_id, "x" * 201, "The attendee's name is too long."),
        (stranger_id, "Mallory", "Ticket not found."),
    ]:
        with pytest.raises(TicketChangeError) as refused:
            change_attendee_name(session, user, ticket.code, name)
        assert refused.value.message == message
    too_late = event.starts_at - timedelta(hours=get_settings().attendee_change_cutoff_hours - 1)
    with pytest.raises(TicketChangeError, match="no longer"):
        change_attendee_name(session, user_id, ticket.code, "Late Name", now=too_late)
    ticket.status = TicketStatus.VOID
    session.add(ticket)
    session.commit()
    with pytest.raises(TicketChangeError, match="void"):
        change_attendee_name(session, user_id, ticket.code, "Void Name")
    session.expire_all()
    assert session.get(Ticket, ticket.id).attendee_name == "Grace Hopper"
    assert session.get(Event, event.id) is not None


def test_only_the_owner_may_resend_a_paid_order(session: Session) -> None:
    _, standard, _ = make_event_with_vip(session)
    user_id, _ = _customer(session, "fan@example.com")
    stranger_id, _ = _customer(session, "stranger@example.com")
    paid, _ = make_order(session, [(standard, 1)], user_id=user_id)
    pending, _ = make_order(session, [(standard, 1)], status=OrderStatus.PENDING, user_id=user_id)
    assert resendable_order(session, user_id, paid.code).id == paid.id
    with pytest.raises(TicketChangeError, match="not found"):
        resendable_order(session, stranger_id, paid.code)
    with pytest.raises(TicketChangeError, match="no valid tickets"):
        resendable_order(session, user_id, pending.code)
