"""Ticket transfers: a signed single-use link, a re-issued QR (the old one refused at check-in),
the organiser's rules, and nobody but the holder may offer."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlparse

import pytest
from joserfc.jwk import OKPKey
from sqlmodel import Session, select

from tests.factories import make_event, make_order, make_staff, make_user
from tests.support_smtp import MailSink
from ticketapp.models import Event, Order, OrderLog, Ticket, TicketTransfer, TransferStatus, User
from ticketapp.services.orders import transfers
from ticketapp.services.orders.transfers import TransferError
from ticketapp.services.tickets.checkin import ScanOutcome, scan
from ticketapp.services.tickets.issuing import issue_tickets, token_for_ticket
from ticketapp.services.tickets.mine import user_tickets


@pytest.fixture
def key() -> OKPKey:
    return OKPKey.generate_key("Ed25519")


def _sold(session: Session, user: User | None = None, **rules: object) -> tuple[Event, Order, Ticket]:
    event, ticket_type = make_event(session, starts_in=timedelta(days=5))
    for name, value in rules.items():
        setattr(event, name, value)
    session.add(event)
    session.commit()
    order, _ = make_order(session, [(ticket_type, 1)], user_id=user.id if user else None)
    [ticket] = issue_tickets(session, order.id or 0)
    return event, order, ticket


def _link(transfer: TicketTransfer) -> tuple[int, str]:
    url = urlparse(transfers.accept_path(transfer.id or 0))
    return int(url.path.rsplit("/", 1)[-1]), parse_qs(url.query)["s"][0]


def _refused(action, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(TransferError) as refused:
        action()
    assert refused.value.message == message


def test_accepting_reissues_the_qr_and_the_old_one_is_refused_at_the_door(
    session: Session, app_db: str, smtp: None, mail_sink: MailSink, key: OKPKey
) -> None:
    buyer = make_user(session, "camille@example.com")
    friend = make_user(session, "friend@example.com")
    event, order, ticket = _sold(session, buyer)
    old_token, old_code = token_for_ticket(session, ticket, key), ticket.code
    offer = transfers.offer(session, ticket.code, "Sam Friend", "Friend@Example.com", user_id=buyer.id)
    mail = mail_sink.wait_for("friend@example.com", "A ticket for")
    assert transfers.accept_path(offer.id or 0) in mail.text
    transfer_id, signature = _link(offer)
    accepted = transfers.accept(session, transfer_id, signature)
    assert accepted.has_account and accepted.ticket_code != old_code

    session.expire_all()
    fresh = session.get(Ticket, ticket.id)
    assert fresh is not None and fresh.holder_user_id == friend.id and fresh.attendee_name == "Sam Friend"
    staff = make_staff(session)
    assert scan(session, event.id or 0, old_token, staff.id, key).outcome == ScanOutcome.FORGED
    assert scan(session, event.id or 0, old_code, staff.id, key).outcome == ScanOutcome.UNKNOWN
    assert scan(session, event.id or 0, token_for_ticket(session, fresh, key), staff.id, key).outcome == (
        ScanOutcome.VALID
    )
    # The ticket moved between accounts.
    assert [t.ticket.code for t in user_tickets(session, friend.id or 0)[0]] == [fresh.code]
    assert user_tickets(session, buyer.id or 0)[0] == []
    assert fresh.code in mail_sink.wait_for("friend@example.com", "Your ticket for").text
    assert "accepted" in mail_sink.wait_for("camille@example.com", "was accepted").text
    notes = [row.note for row in session.exec(select(OrderLog).where(OrderLog.order_id == order.id)).all()]
    assert f"ticket {old_code} offered to friend@example.com" in notes
    assert f"ticket {old_code} transferred to friend@example.com, re-issued as {fresh.code}" in notes


def test_the_link_works_once_and_not_tampered_or_expired(
    session: Session, app_db: str, smtp: None, mail_sink: MailSink
) -> None:
    _, order, ticket = _sold(session)
    offer = transfers.offer(session, ticket.code, "Guest", "guest@example.com", user_id=None, order_code=order.code)
    transfer_id, signature = _link(offer)
    _refused(
        lambda: transfers.accept(session, transfer_id, signature[:-1] + ("0" if signature[-1] != "0" else "1")),
        transfers.BAD_LINK,
    )
    _refused(lambda: transfers.accept(session, transfer_id + 1, signature), transfers.BAD_LINK)
    _refused(
        lambda: transfers.accept(session, transfer_id, signature, now=offer.expires_at + timedelta(seconds=1)),
        transfers.EXPIRED_LINK,
    )
    accepted = transfers.accept(session, transfer_id, signature)
    assert not accepted.has_account  # a guest: the mailed download link is their ticket
    assert (
        f"/api/tickets/{accepted.ticket_code}.pdf?exp=" in mail_sink.wait_for("guest@example.com", "Your ticket").text
    )
    _refused(lambda: transfers.accept(session, transfer_id, signature), transfers.USED_LINK)


def test_the_organiser_forbids_or_caps_transfers(session: Session, app_db: str, smtp: None) -> None:
    _, order, ticket = _sold(session, transfers_allowed=False)
    _refused(
        lambda: transfers.offer(session, ticket.code, "A", "a@example.com", user_id=None, order_code=order.code),
        transfers.NOT_ALLOWED,
    )
    _, order, ticket = _sold(session, transfer_limit=1)
    first = transfers.offer(session, ticket.code, "A", "a@example.com", user_id=None, order_code=order.code)
    transfers.accept(session, *_link(first))
    holder = make_user(session, "b@example.com")
    session.expire_all()
    code = session.get(Ticket, ticket.id).code  # type: ignore[union-attr]
    # The guest recipient has no account; even its order's link no longer acts for the ticket.
    _refused(
        lambda: transfers.offer(session, code, "B", "b@example.com", user_id=None, order_code=order.code),
        transfers.NOT_FOUND,
    )
    ticket_row = session.get(Ticket, ticket.id)
    assert ticket_row is not None
    ticket_row.holder_user_id = holder.id  # say they signed up and the ticket is theirs
    session.add(ticket_row)
    session.commit()
    with pytest.raises(TransferError) as refused:
        transfers.offer(session, code, "C", "c@example.com", user_id=holder.id)
    assert "1 transfer" in refused.value.translated("en")


def test_someone_elses_ticket_is_refused_and_nothing_changes(session: Session, app_db: str, smtp: None) -> None:
    owner, other = make_user(session, "owner@example.com"), make_user(session, "other@example.com")
    _, order, ticket = _sold(session, owner)
    for user_id, order_code in ((other.id, None), (None, order.code), (other.id, order.code)):
        _refused(
            lambda u=user_id, c=order_code: transfers.offer(
                session, ticket.code, "X", "x@example.com", user_id=u, order_code=c
            ),
            transfers.NOT_FOUND,
        )
    assert session.exec(select(TicketTransfer)).all() == []
    _refused(
        lambda: transfers.offer(session, ticket.code, "", "x@example.com", user_id=owner.id), transfers.NAME_NEEDED
    )
    _refused(lambda: transfers.offer(session, ticket.code, "X", "not-an-email", user_id=owner.id), transfers.BAD_EMAIL)
    _refused(
        lambda: transfers.offer(session, ticket.code, "X", "Camille@example.com", user_id=owner.id),
        transfers.SAME_HOLDER,
    )
    offer = transfers.offer(session, ticket.code, "X", "x@example.com", user_id=owner.id)
    _refused(
        lambda: transfers.offer(session, ticket.code, "Y", "y@example.com", user_id=owner.id),
        transfers.ALREADY_OFFERED,
    )
    transfers.cancel_offer(session, ticket.code, user_id=owner.id)
    _refused(lambda: transfers.accept(session, *_link(offer)), transfers.CANCELLED_LINK)
    session.expire_all()
    assert session.get(TicketTransfer, offer.id).status == TransferStatus.CANCELLED  # type: ignore[union-attr]
