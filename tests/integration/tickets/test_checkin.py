"""Check-in: each outcome, exactly one VALID under simultaneous scans, live counter, offline list."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from joserfc.jwk import OKPKey
from sqlmodel import Session

from tests.factories import make_event_with_vip, make_order, make_staff
from ticketapp.db import make_engine
from ticketapp.models import Order, OrderStatus, Ticket
from ticketapp.services.tickets.checkin import (
    EmptyScanError,
    ScanOutcome,
    checkin_counter,
    offline_checkin_list,
    scan,
)
from ticketapp.services.tickets.issuing import issue_tickets, token_for_ticket, void_tickets
from ticketapp.services.tickets.tokens import public_key, verify_document


@pytest.fixture
def key() -> OKPKey:
    return OKPKey.generate_key("Ed25519")


@pytest.fixture
def sold(session):
    event, standard, vip = make_event_with_vip(session)
    order, _ = make_order(session, [(standard, 2), (vip, 1)])
    tickets = issue_tickets(session, order.id)
    staff = make_staff(session)
    return event, order, tickets, staff


def test_first_scan_valid_then_already_used_with_who_and_when(session, key, sold) -> None:
    event, _, tickets, staff = sold
    token = token_for_ticket(session, tickets[0], key)
    first = scan(session, event.id, token, staff.id, key, now=event.starts_at)
    assert first.outcome == ScanOutcome.VALID
    assert (first.attendee_name, first.ticket_type, first.ticket_code) == (
        "Camille Dupont",
        "Standard",
        tickets[0].code,
    )
    second = scan(session, event.id, token, staff.id, key, now=event.starts_at + timedelta(minutes=5))
    assert second.outcome == ScanOutcome.ALREADY_USED
    assert second.checked_in_at == event.starts_at and second.checked_in_by == "Door Staff"


def test_manual_code_is_forgiving_about_case_and_dash(session, key, sold) -> None:
    event, _, tickets, staff = sold
    typed = tickets[2].code.lower().replace("-", " ")
    assert scan(session, event.id, typed, staff.id, key).outcome == ScanOutcome.VALID
    assert scan(session, event.id, tickets[2].code, staff.id, key).outcome == ScanOutcome.ALREADY_USED
    assert scan(session, event.id, "ZZZZ-ZZZZ", staff.id, key).outcome == ScanOutcome.UNKNOWN


def test_forged_tokens(session, key, sold) -> None:
    event, _, tickets, staff = sold
    other_key = OKPKey.generate_key("Ed25519")
    assert scan(session, event.id, token_for_ticket(session, tickets[0], other_key), staff.id, key).outcome == (
        ScanOutcome.FORGED
    )
    genuine = token_for_ticket(session, tickets[0], key)
    tampered = genuine[:-3] + ("AAA" if not genuine.endswith("AAA") else "BBB")
    assert scan(session, event.id, tampered, staff.id, key).outcome == ScanOutcome.FORGED
    # A genuine token whose ticket secret was rotated since (e.g. re-issued) no longer admits.
    tickets[1].secret = "rotated-" + tickets[1].secret[:40]
    session.add(tickets[1])
    session.commit()
    old_token = token_for_ticket(session, tickets[0], key)  # still current for ticket 0
    assert scan(session, event.id, old_token, staff.id, key).outcome == ScanOutcome.VALID
    assert session.get(Ticket, tickets[1].id).checked_in_at is None


def test_wrong_event(session, key, sold) -> None:
    _, _, tickets, staff = sold
    other_event, _, _ = make_event_with_vip(session, title="Another night")
    token = token_for_ticket(session, tickets[0], key)
    assert scan(session, other_event.id, token, staff.id, key).outcome == ScanOutcome.WRONG_EVENT
    assert scan(session, other_event.id, tickets[0].code, staff.id, key).outcome == ScanOutcome.WRONG_EVENT
    assert session.get(Ticket, tickets[0].id).checked_in_at is None


def test_void_after_refund_and_cancelled_order(session, key, sold) -> None:
    event, order, tickets, staff = sold
    void_tickets(session, order.id, [tickets[2].order_item_id])
    result = scan(session, event.id, token_for_ticket(session, tickets[2], key), staff.id, key)
    assert result.outcome == ScanOutcome.VOID and result.ticket_type == "VIP"
    order = session.get(Order, order.id)
    order.status = OrderStatus.REFUNDED
    session.add(order)
    session.commit()
    assert scan(session, event.id, tickets[0].code, staff.id, key).outcome == ScanOutcome.VOID
    assert session.get(Ticket, tickets[0].id).checked_in_at is None


@pytest.mark.parametrize("scanned", ["", "   ", "x" * 5000])
def test_empty_or_absurd_input_is_refused_and_changes_nothing(session, key, sold, scanned: str) -> None:
    event, _, _, staff = sold
    with pytest.raises(EmptyScanError):
        scan(session, event.id, scanned, staff.id, key)
    assert checkin_counter(session, event.id).checked_in == 0


def test_counter_counts_checked_in_vs_sold(session, key, sold) -> None:
    event, order, tickets, staff = sold
    assert (checkin_counter(session, event.id).checked_in, checkin_counter(session, event.id).sold) == (0, 3)
    scan(session, event.id, tickets[0].code, staff.id, key)
    counter = checkin_counter(session, event.id)
    assert (counter.checked_in, counter.sold) == (1, 3)
    void_tickets(session, order.id, [tickets[2].order_item_id])
    counter = checkin_counter(session, event.id)
    assert (counter.checked_in, counter.sold) == (1, 2)


def scan_at_once(db_url: str, event_id: int, token: str, staff_ids: list[int], key) -> list[ScanOutcome]:
    """One thread per door scanner, each with its own engine and connection, released together."""
    barrier = threading.Barrier(len(staff_ids))
    outcomes: list[ScanOutcome] = []
    errors: list[BaseException] = []

    def door(staff_id: int) -> None:
        engine = make_engine(db_url)
        try:
            with Session(engine, expire_on_commit=False) as own_session:
                own_session.connection()  # connect before the barrier so both UPDATEs really race
                barrier.wait()
                outcomes.append(scan(own_session, event_id, token, staff_id, key).outcome)
        except BaseException as exc:  # noqa: BLE001  (reported by the main thread)
            errors.append(exc)
        finally:
            engine.dispose()

    threads = [threading.Thread(target=door, args=(staff_id,)) for staff_id in staff_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    return outcomes


def test_two_simultaneous_scans_admit_exactly_once(db_url: str, key) -> None:
    """Two door scanners scan the same ticket at the same moment, five rounds: one VALID each time."""
    engine = make_engine(db_url)
    with Session(engine, expire_on_commit=False) as session:
        event, standard, _ = make_event_with_vip(session)
        order, _ = make_order(session, [(standard, 5)])
        tickets = issue_tickets(session, order.id)
        staff_ids = [
            make_staff(session, "a@example.com", "Door A").id,
            make_staff(session, "b@example.com", "Door B").id,
        ]
        tokens = [token_for_ticket(session, ticket, key) for ticket in tickets]
    for token in tokens:
        outcomes = scan_at_once(db_url, event.id, token, staff_ids, key)
        assert sorted(outcomes) == sorted([ScanOutcome.VALID, ScanOutcome.ALREADY_USED])
    with Session(engine) as session:
        assert checkin_counter(session, event.id).checked_in == 5
    engine.dispose()


def test_offline_list_is_signed_and_complete(session, key, sold) -> None:
    event, order, tickets, staff = sold
    scan(session, event.id, tickets[0].code, staff.id, key)
    void_tickets(session, order.id, [tickets[2].order_item_id])
    signed = offline_checkin_list(session, event.id, key)
    document = verify_document(signed, public_key(key))
    assert document["event_id"] == event.id
    listed = {row["code"]: row for row in document["tickets"]}
    assert set(listed) == {t.code for t in tickets}
    assert listed[tickets[0].code]["checked_in"] is True
    assert listed[tickets[2].code]["void"] is True
    assert all(t.secret not in signed for t in tickets)
    assert offline_checkin_list(session, 999_999, key) is None
