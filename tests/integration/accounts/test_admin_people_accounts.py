"""Admin people actions that go through the accounts rules: blocking ends sessions, a reset
sends the usual e-mail, and the customer detail shows sign-in history and support requests."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, select

from ticketapp.models import AdminAudit, OneTimeToken, Role, SecurityEventKind, SupportTicket, User, utcnow
from ticketapp.services.accounts import accounts
from ticketapp.services.accounts import admin as admin_people
from ticketapp.services.accounts import sessions as auth_sessions
from ticketapp.services.accounts.security_log import ClientInfo
from ticketapp.services.catalog.events import AdminError
from ticketapp.state.admin.people import customer_detail_view

CLIENT = ClientInfo(ip="198.51.100.4", user_agent="pytest")
PASSWORD = "correct horse battery"


def _customer(session: Session, email: str = "fan@example.com") -> User:
    return accounts.sign_up(session, email, "Fan", PASSWORD, "en", CLIENT)


def _audit_actions(session: Session) -> list[str]:
    return list(session.exec(select(AdminAudit.action).order_by(AdminAudit.id)))


def test_blocking_ends_every_session_of_the_customer(session: Session, admin: User) -> None:
    customer = _customer(session)
    phone = auth_sessions.sign_in(session, customer.email, PASSWORD, True, CLIENT).token
    laptop = auth_sessions.sign_in(session, customer.email, PASSWORD, False, CLIENT).token
    assert auth_sessions.resolve_session(session, phone) is not None

    admin_people.set_blocked(session, admin.id or 0, customer.id or 0, blocked=True, reason="chargebacks")

    assert auth_sessions.resolve_session(session, phone) is None
    assert auth_sessions.resolve_session(session, laptop) is None
    assert not auth_sessions.sign_in(session, customer.email, PASSWORD, False, CLIENT).ok
    assert _audit_actions(session) == ["user.block"]
    detail = admin_people.customer_detail(session, customer.id or 0)
    assert SecurityEventKind.ACCOUNT_BLOCKED in [e.kind for e in detail.sign_ins]
    # Unblocking lets them sign in again (sessions are not resurrected).
    admin_people.set_blocked(session, admin.id or 0, customer.id or 0, blocked=False, reason="")
    assert auth_sessions.resolve_session(session, phone) is None
    assert auth_sessions.sign_in(session, customer.email, PASSWORD, False, CLIENT).ok


def test_refused_block_ends_no_session(session: Session, admin: User) -> None:
    customer = _customer(session)
    token = auth_sessions.sign_in(session, customer.email, PASSWORD, False, CLIENT).token
    with pytest.raises(AdminError, match="reason"):
        admin_people.set_blocked(session, admin.id or 0, customer.id or 0, blocked=True, reason="   ")
    assert auth_sessions.resolve_session(session, token) is not None
    assert _audit_actions(session) == []


def test_deactivating_staff_ends_their_sessions(session: Session, admin: User) -> None:
    agent = _customer(session, "agent@example.com")
    agent.role = Role.AGENT
    session.add(agent)
    session.commit()
    token = auth_sessions.sign_in(session, agent.email, PASSWORD, False, CLIENT).token
    admin_people.deactivate_staff(session, admin.id or 0, agent.id or 0)
    assert auth_sessions.resolve_session(session, token) is None


def test_admin_sends_a_password_reset_through_the_accounts_service(session, smtp, mail_sink, admin: User) -> None:
    customer = _customer(session)
    admin_people.send_password_reset(session, admin.id or 0, customer.id or 0)
    mail = mail_sink.wait_for(customer.email, "Reset your password")
    assert any("token=" in link for link in mail.links())
    assert _audit_actions(session) == ["user.password_reset"]
    assert session.exec(select(OneTimeToken).where(OneTimeToken.user_id == customer.id)).first() is not None


def test_password_reset_refused_for_blocked_or_unknown_accounts(session, smtp, mail_sink, admin: User) -> None:
    # The mail sink lives for the whole run: an address no other test uses.
    customer = _customer(session, f"blocked-{session.bind.dialect.name}@example.com")
    admin_people.set_blocked(session, admin.id or 0, customer.id or 0, blocked=True, reason="fraud")
    with pytest.raises(AdminError, match="blocked"):
        admin_people.send_password_reset(session, admin.id or 0, customer.id or 0)
    with pytest.raises(AdminError, match="not found"):
        admin_people.send_password_reset(session, admin.id or 0, 999_999)
    assert _audit_actions(session) == ["user.block"]
    subjects = [mail.message["Subject"] for mail in mail_sink.mails_to(customer.email)]
    assert subjects and not any("Reset your password" in subject for subject in subjects)  # only the welcome mail


def test_customer_detail_shows_sign_in_history_and_support_requests(session: Session, admin: User) -> None:
    customer = _customer(session)
    other = _customer(session, "other@example.com")
    auth_sessions.sign_in(session, customer.email, PASSWORD, False, CLIENT)
    auth_sessions.sign_in(session, customer.email, "wrong password!", False, CLIENT)
    auth_sessions.sign_in(session, other.email, PASSWORD, False, CLIENT)
    due = utcnow() + timedelta(days=1)
    for reference, customer_id, guest_email in (
        ("SR-MINE1", customer.id, ""),
        ("SR-GUEST", None, "FAN@example.com"),  # sent as a guest before the account existed
        ("SR-OTHER", other.id, ""),
    ):
        session.add(
            SupportTicket(
                reference=reference,
                subject=f"About {reference}",
                customer_id=customer_id,
                guest_email=guest_email,
                first_response_due_at=due,
                resolution_due_at=due,
            )
        )
    session.commit()

    detail = admin_people.customer_detail(session, customer.id or 0)

    kinds = [e.kind for e in detail.sign_ins]
    assert kinds[:2] == [SecurityEventKind.SIGN_IN_FAILED, SecurityEventKind.SIGN_IN_OK]
    assert SecurityEventKind.SIGN_UP not in kinds  # not part of the sign-in history
    assert {r.reference for r in detail.support_requests} == {"SR-MINE1", "SR-GUEST"}
    view = customer_detail_view(detail, "fr")
    assert view["sign_ins"][0]["ip"] == "198.51.100.4"
    assert view["support"][0]["status"] == "Nouvelle"
    with pytest.raises(AdminError, match="not found"):
        admin_people.customer_detail(session, 999_999)


def _event_form(venue_id: int, **changes: str) -> dict[str, str]:
    form = {
        "title": "Names Night",
        "category": "concert",
        "venue_id": str(venue_id),
        "starts_at": "2031-06-01T19:00",
        "ends_at": "2031-06-01T22:00",
        "currency": "EUR",
        "cap": "4",
        "names": "on",
    }
    return {**form, **changes}


def test_event_form_sets_attendee_names_and_per_customer_cap(session: Session, admin: User) -> None:
    from ticketapp.models import Event, Venue
    from ticketapp.services.catalog import events as admin_events
    from ticketapp.state.admin.event_form import _form_to_input, _load_form

    venue = Venue(name="Hall", address="1 rue", city="Paris", country="FR", timezone="Europe/Paris")
    session.add(venue)
    session.commit()
    types = [{"name": "Standard", "price": "25", "capacity": "100", "max_per_order": "10"}]
    event = admin_events.create_event(session, admin.id or 0, _form_to_input(_event_form(venue.id or 0), types))
    assert (event.max_tickets_per_customer, event.collect_attendee_names) == (4, True)
    form, loaded_types = _load_form(session, event.id or 0)
    assert (form["cap"], form["names"]) == ("4", "on")

    with pytest.raises(AdminError, match="whole numbers"):
        _form_to_input(_event_form(venue.id or 0, cap="-1"), loaded_types)
    session.refresh(event)
    assert event.max_tickets_per_customer == 4

    admin_events.update_event(
        session,
        admin.id or 0,
        event.id or 0,
        _form_to_input(_event_form(venue.id or 0, cap="", names=""), loaded_types),
    )
    stored = session.get(Event, event.id)
    assert (stored.max_tickets_per_customer, stored.collect_attendee_names) == (None, False)


def test_event_form_times_are_the_venues_wall_clock(session: Session, admin: User) -> None:
    from datetime import UTC, datetime

    from ticketapp.models import TicketType, Venue
    from ticketapp.state.admin.event_form import _load_form, _save

    venue = Venue(name="Opera", address="1 place", city="Montréal", country="CA", timezone="America/Montreal")
    session.add(venue)
    session.commit()
    types = [{"name": "Standard", "price": "25", "capacity": "100", "sales_start": "2031-05-01T09:00"}]
    event_id = _save(session, admin.id or 0, None, _event_form(venue.id or 0), types)  # 19:00 at the venue (EDT)
    form, loaded_types = _load_form(session, event_id) or ({}, [])
    event_start = session.exec(select(TicketType).where(TicketType.event_id == event_id)).one()
    assert event_start.sales_start == datetime(2031, 5, 1, 13, 0, tzinfo=UTC)
    assert (form["starts_at"], form["ends_at"]) == ("2031-06-01T19:00", "2031-06-01T22:00")  # shown as entered
    assert loaded_types[0]["sales_start"] == "2031-05-01T09:00"


def test_invited_staff_choose_a_password_from_the_mail_then_must_enrol_2fa(
    session, smtp, mail_sink, admin: User
) -> None:
    agent = admin_people.invite_staff(session, admin.id or 0, "new.agent@example.com", "Nadia", Role.AGENT)
    mail = mail_sink.wait_for(agent.email, "You are invited to join the Ticketapp team")
    assert "a support agent" in mail.text
    [link] = [link for link in mail.links() if "/reset-password?token=" in link]
    token = link.split("token=", 1)[1]
    invitation = session.exec(select(OneTimeToken).where(OneTimeToken.user_id == agent.id)).one()
    assert invitation.expires_at > utcnow() + timedelta(days=2)  # an invitation outlives a 1-hour reset link
    accounts.reset_password(session, token, "a long agent password", CLIENT)
    result = auth_sessions.sign_in(session, agent.email, "a long agent password", False, CLIENT)
    assert result.ok
    user = auth_sessions.resolve_session(session, result.token)
    assert user is not None and user.role == Role.AGENT and not user.fully_signed_in  # 2FA enrolment comes next
    with pytest.raises(accounts.AccountError, match="already used"):
        accounts.reset_password(session, token, "another long password", CLIENT)
