"""Waiting lists: join (guest double opt-in, signed in at once), seats offered when they come back,
the single-use link, expiry passing the offer on, and bad input changing nothing."""

from __future__ import annotations

import secrets
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlmodel import Session, func, select

from tests.factories import make_event, make_order, make_user, token
from tests.support_smtp import MailSink
from ticketapp.models import Hold, TicketType, User, WaitlistEntry, WaitlistStatus, utcnow
from ticketapp.services.booking import checkout, holds
from ticketapp.services.booking.inventory import NotEnoughAvailableError, availability
from ticketapp.services.orders.refunds import refund_order
from ticketapp.services.shared.signing import sign
from ticketapp.services.waitlist import lists, mail, offers
from ticketapp.services.waitlist.offers import WaitlistError

pytestmark = pytest.mark.usefixtures("smtp")


def _sold_out(session: Session, capacity: int = 2, **kw: object) -> tuple[TicketType, str]:
    _, tt = make_event(session, capacity=capacity, **kw)  # type: ignore[arg-type]
    order, _ = make_order(session, [(tt, capacity)])
    return tt, order.code


def _link(mail_sink: MailSink, email: str, subject: str) -> tuple[int, str]:
    link = mail_sink.wait_for(email, subject).links()[0]
    query = parse_qs(urlsplit(link).query)
    return int(query["entry"][0]), query["sig"][0]


def _email() -> str:
    return f"wait-{secrets.token_hex(4)}@example.com"


def test_a_guest_confirms_gets_the_refunded_seats_held_and_buys_them(session: Session, mail_sink: MailSink) -> None:
    tt, code = _sold_out(session)
    email = _email()
    joined = lists.join(session, tt.id or 0, email.upper(), 2, "fr")
    entry = session.get(WaitlistEntry, joined.entry_id)
    assert entry is not None and not joined.confirmed and entry.status == WaitlistStatus.UNCONFIRMED
    entry_id, sig = _link(mail_sink, email, "Confirmez votre place")  # in the language they chose
    with pytest.raises(WaitlistError):
        lists.confirm(session, entry_id, sig[:-1] + ("0" if sig[-1] != "0" else "1"))
    assert lists.position(session, lists.confirm(session, entry_id, sig)) == 1

    refund_order(session, code)  # two seats back: the job offers them at once
    offer_id, offer_sig = _link(mail_sink, email, "Des billets vous attendent")
    assert offer_id == entry_id
    assert availability(session, [tt.id or 0])[tt.id or 0].remaining == 0  # held for the offer
    with pytest.raises(NotEnoughAvailableError):
        holds.add_to_cart(session, token(), tt.id or 0, 1)

    with pytest.raises(WaitlistError, match="not valid"):
        offers.claim_offer(session, offer_id, "0" * 32, token())
    cart = token()
    assert offers.claim_offer(session, offer_id, offer_sig, cart).quantity == 2
    with pytest.raises(WaitlistError, match="already been used"):
        offers.claim_offer(session, offer_id, offer_sig, token())
    [hold] = session.exec(select(Hold).where(Hold.ticket_type_id == tt.id, Hold.counted)).all()
    assert hold.quantity == 2

    [order] = checkout.convert_cart_to_pending_order(session, cart, buyer_name="Léa", buyer_email=email)
    checkout.confirm_order_paid(session, order.id or 0)
    rows = lists.list_entries(session, tt.id or 0)
    assert [r.status for r in rows] == [WaitlistStatus.BOUGHT]
    figures = lists.figures(rows)
    assert (figures.offers, figures.bought, figures.conversion_percent) == (1, 1, 100)


def test_an_unused_offer_expires_and_passes_to_the_next_person(session: Session, mail_sink: MailSink) -> None:
    tt, code = _sold_out(session, capacity=1)
    first, second = (make_user(session, _email()) for _ in range(2))
    for user in (first, second):
        assert lists.join(session, tt.id or 0, user.email, 1, "en", user_id=user.id).confirmed
    refund_order(session, code)
    mail_sink.wait_for(first.email, "Tickets are waiting for you")
    assert _statuses(session, tt) == [WaitlistStatus.OFFERED, WaitlistStatus.WAITING]

    later = utcnow() + timedelta(hours=24, minutes=1)  # the offer's 24 h are over
    assert offers.offer_free_seats(session, tt.id or 0, now=later) == [_entry_of(session, second).id]
    assert _statuses(session, tt) == [WaitlistStatus.EXPIRED, WaitlistStatus.OFFERED]
    entry_id, sig = _link(mail_sink, second.email, "Tickets are waiting for you")
    assert availability(session, [tt.id or 0], now=later)[tt.id or 0].remaining == 0
    first_entry = _entry_of(session, first)
    assert first_entry.offered_at is not None
    with pytest.raises(WaitlistError, match="expired"):
        offers.claim_offer(session, first_entry.id or 0, _sig_for(first_entry), token(), now=later)
    assert offers.claim_offer(session, entry_id, sig, token(), now=later).quantity == 1


def test_strictly_in_line_and_an_admin_may_offer_out_of_turn_or_remove(session: Session, mail_sink: MailSink) -> None:
    tt, code = _sold_out(session, capacity=1)
    big, small = make_user(session, _email()), make_user(session, _email())
    lists.join(session, tt.id or 0, big.email, 2, "en", user_id=big.id)
    lists.join(session, tt.id or 0, small.email, 1, "en", user_id=small.id)
    refund_order(session, code)  # one seat: the first in line wants two, so nobody is offered it
    assert _statuses(session, tt) == [WaitlistStatus.WAITING, WaitlistStatus.WAITING]
    with pytest.raises(WaitlistError, match="Only 1 seats are free"):
        offers.offer_now(session, _entry_of(session, big).id or 0)
    offers.offer_now(session, _entry_of(session, small).id or 0)
    mail_sink.wait_for(small.email, "Tickets are waiting for you")
    offers.remove(session, _entry_of(session, small).id or 0)  # the seat comes back; the head still wants two
    assert _statuses(session, tt) == [WaitlistStatus.WAITING, WaitlistStatus.REMOVED]
    assert availability(session, [tt.id or 0])[tt.id or 0].remaining == 1


@pytest.mark.parametrize(
    ("email", "quantity", "message"),
    [
        ("not-an-address", 1, "valid e-mail"),
        ("a@example.com", 10**9, "At most 4 tickets"),
        ("a@example.com", 0, "whole number"),
        ("a@example.com", "2", "whole number"),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(session: Session, email: str, quantity: object, message: str) -> None:
    tt, _ = _sold_out(session, max_per_order=4)
    with pytest.raises(WaitlistError, match=message):
        lists.join(session, tt.id or 0, email, quantity, "en")
    assert session.exec(select(func.count()).select_from(WaitlistEntry)).one() == 0


def test_no_list_while_on_sale_and_no_second_place(session: Session, admin: User) -> None:
    _, on_sale = make_event(session, capacity=5)
    with pytest.raises(WaitlistError, match="on sale"):
        lists.join(session, on_sale.id or 0, "a@example.com", 1, "en")
    tt, _ = _sold_out(session)
    lists.join(session, tt.id or 0, "a@example.com", 1, "en")
    with pytest.raises(WaitlistError, match="already on the waiting list"):
        lists.join(session, tt.id or 0, " A@example.com ", 1, "en")
    with pytest.raises(WaitlistError, match="no waiting list"):
        lists.join(session, 2**40, "a@example.com", 1, "en")
    assert session.exec(select(func.count()).select_from(WaitlistEntry)).one() == 1


def _statuses(session: Session, tt: TicketType) -> list[str]:
    session.expire_all()
    entries = session.exec(
        select(WaitlistEntry).where(WaitlistEntry.ticket_type_id == tt.id).order_by(WaitlistEntry.id)  # type: ignore[arg-type]
    ).all()
    return [e.status for e in entries]


def _entry_of(session: Session, user: User) -> WaitlistEntry:
    session.expire_all()
    return session.exec(select(WaitlistEntry).where(WaitlistEntry.user_id == user.id)).one()


def _sig_for(entry: WaitlistEntry) -> str:
    assert entry.offered_at is not None
    return sign(mail.offer_value(entry.id or 0, entry.offered_at), mail.OFFER_PURPOSE)
