"""Seats offered to a waiting list are theirs: racing buyers never take them, and nothing oversells
(SQLite, and PostgreSQL when it answers)."""

from __future__ import annotations

from collections import Counter

from sqlmodel import Session, select

from tests.factories import make_event, make_order, make_user, token
from tests.integration.booking.test_inventory_concurrency import _engine_factory, _run_all
from ticketapp.models import TicketType, WaitlistEntry, WaitlistStatus
from ticketapp.services.booking import checkout, seats
from ticketapp.services.booking import holds as hold_service
from ticketapp.services.booking import inventory as inv
from ticketapp.services.orders.refunds import refund_order
from ticketapp.services.shared.signing import sign
from ticketapp.services.waitlist import lists, mail, offers

CAPACITY = 5
BUYERS = 20


def _waiting(session: Session, tt: TicketType, count: int) -> list[WaitlistEntry]:
    for n in range(count):
        user = make_user(session, f"waiting{n}-{tt.id}@example.com")
        lists.join(session, tt.id or 0, user.email, 1, "en", user_id=user.id)
    return list(session.exec(select(WaitlistEntry).where(WaitlistEntry.ticket_type_id == tt.id)).all())


def _assert_never_oversold(session: Session, tt: TicketType) -> inv.Availability:
    session.expire_all()
    by_sums = inv.availability_by_sums(session, [tt.id or 0])[tt.id or 0]
    assert by_sums.sold + by_sums.held <= by_sums.capacity
    assert inv.availability(session, [tt.id or 0])[tt.id or 0] == by_sums  # the counters agree with the sums
    return by_sums


def test_racing_buyers_never_take_offered_seats_while_the_offered_claim_and_order_them(
    session: Session, db_url: str
) -> None:
    _, tt = make_event(session, capacity=CAPACITY)
    order, _ = make_order(session, [(tt, CAPACITY)])
    entries = _waiting(session, tt, CAPACITY)
    refund_order(session, order.code)  # every seat back: all five offered at once
    session.expire_all()
    entries = list(session.exec(select(WaitlistEntry).where(WaitlistEntry.ticket_type_id == tt.id)).all())
    assert {e.status for e in entries} == {WaitlistStatus.OFFERED}
    type_id = tt.id or 0

    with _engine_factory(db_url) as engine_for_thread:

        def buy() -> str:
            with Session(engine_for_thread(), expire_on_commit=False) as own:
                try:
                    hold_service.add_to_cart(own, token(), type_id, 1)
                except inv.NotEnoughAvailableError:
                    return "refused"
            return "taken by a stranger"

        def claim(entry: WaitlistEntry) -> str:
            assert entry.offered_at is not None
            sig = sign(mail.offer_value(entry.id or 0, entry.offered_at), mail.OFFER_PURPOSE)
            cart = token()
            with Session(engine_for_thread(), expire_on_commit=False) as own:
                offers.claim_offer(own, entry.id or 0, sig, cart)
                checkout.convert_cart_to_pending_order(own, cart, buyer_name="W", buyer_email=entry.email)
            return "ordered by the offered"

        jobs = [buy for _ in range(BUYERS)] + [lambda e=e: claim(e) for e in entries]
        outcomes = _run_all(jobs)

    assert outcomes == Counter({"refused": BUYERS, "ordered by the offered": CAPACITY})
    final = _assert_never_oversold(session, tt)
    assert (final.sold, final.held) == (CAPACITY, 0)


def test_the_offer_job_racing_buyers_for_new_seats_never_oversells(session: Session, db_url: str) -> None:
    _, tt = make_event(session, capacity=CAPACITY)
    make_order(session, [(tt, CAPACITY)])
    _waiting(session, tt, CAPACITY)
    more = 3
    # Capacity raised behind the hooks' back: the race decides who gets the seats.
    row = session.get(TicketType, tt.id, populate_existing=True)
    assert row is not None
    row.capacity += more
    session.add(row)
    session.commit()
    type_id = tt.id or 0

    with _engine_factory(db_url) as engine_for_thread:

        def buy() -> str:
            with Session(engine_for_thread(), expire_on_commit=False) as own:
                try:
                    hold_service.add_to_cart(own, token(), type_id, 1)
                except inv.NotEnoughAvailableError:
                    return "refused"
            return "held"

        def offer() -> str:
            with Session(engine_for_thread(), expire_on_commit=False) as own:
                return f"offered {len(offers.offer_free_seats(own, type_id))}"

        outcomes = _run_all([buy for _ in range(BUYERS)] + [offer])

    offered = next(int(k.split()[1]) for k in outcomes if k.startswith("offered"))
    assert outcomes["held"] + offered == more
    final = _assert_never_oversold(session, tt)
    assert (final.sold, final.held) == (CAPACITY, more)
    seats.recount(session, [type_id])  # the counters were right: recounting changes nothing
    assert _assert_never_oversold(session, tt) == final
