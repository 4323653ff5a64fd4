"""Check-in gates (which ticket types enter where) and re-entry (deny, or allow after an exit scan)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from joserfc.jwk import OKPKey
from sqlmodel import Session

from tests.factories import make_event, make_event_with_vip, make_order, make_staff
from ticketapp.services.tickets import gates
from ticketapp.services.tickets.checkin import ScanOutcome, checkin_counter, scan
from ticketapp.services.tickets.gates import GateError
from ticketapp.services.tickets.issuing import issue_tickets


@pytest.fixture
def key() -> OKPKey:
    return OKPKey.generate_key("Ed25519")


def test_a_gate_refuses_ticket_types_it_does_not_admit_and_says_where_they_enter(session: Session, key: OKPKey) -> None:
    event, standard, vip = make_event_with_vip(session)
    order, _ = make_order(session, [(standard, 1), (vip, 1)])
    std_ticket, vip_ticket = issue_tickets(session, order.id or 0)
    staff = make_staff(session)
    main = gates.add_gate(session, event.id or 0, "Main door", [standard.id or 0])
    lounge = gates.add_gate(session, event.id or 0, "VIP lounge", [vip.id or 0])
    gates.add_gate(session, event.id or 0, "Side door", [])  # every type
    refused = scan(session, event.id or 0, vip_ticket.code, staff.id, key, gate_id=main.id)
    assert refused.outcome == ScanOutcome.WRONG_GATE and refused.gates == ("VIP lounge", "Side door")
    assert checkin_counter(session, event.id or 0).checked_in == 0  # nothing changed
    assert scan(session, event.id or 0, vip_ticket.code, staff.id, key, gate_id=lounge.id).outcome == ScanOutcome.VALID
    assert scan(session, event.id or 0, std_ticket.code, staff.id, key, gate_id=main.id).outcome == ScanOutcome.VALID
    other, _ = make_event(session, title="Elsewhere")
    foreign = gates.add_gate(session, other.id or 0, "Their door", [])
    crafted = scan(session, event.id or 0, std_ticket.code, staff.id, key, gate_id=foreign.id)  # another event's gate
    assert crafted.outcome == ScanOutcome.WRONG_GATE


def test_bad_gates_are_refused(session: Session) -> None:
    event, standard = make_event(session)
    other, other_type = make_event(session, title="Other")
    for name, types, refusal in (
        ("", [], "Name the gate"),
        ("x" * 81, [], "Name the gate"),
        ("North", [other_type.id or 0], "not one of this event's"),
    ):
        with pytest.raises(GateError, match=refusal):
            gates.add_gate(session, event.id or 0, name, types)
    gates.add_gate(session, event.id or 0, "North", [standard.id or 0])
    with pytest.raises(GateError, match="already a gate called"):
        gates.add_gate(session, event.id or 0, "north ", [])
    north = gates.add_gate(session, other.id or 0, "North", [])
    with pytest.raises(GateError, match="Gate not found"):
        gates.remove_gate(session, event.id or 0, north.id or 0)  # another event's gate stays


def test_re_entry_is_denied_by_default_and_allowed_after_an_exit_scan(session: Session, key: OKPKey) -> None:
    event, standard = make_event(session)
    [ticket] = issue_tickets(session, make_order(session, [(standard, 1)])[0].id or 0)
    staff = make_staff(session)
    eid, code, start = event.id or 0, ticket.code, event.starts_at
    assert scan(session, eid, code, staff.id, key, exit_scan=True).outcome == ScanOutcome.NOT_INSIDE  # never came in
    assert scan(session, eid, code, staff.id, key, now=start).outcome == ScanOutcome.VALID
    assert scan(session, eid, code, staff.id, key, exit_scan=True).outcome == ScanOutcome.EXITED
    assert scan(session, eid, code, staff.id, key).outcome == ScanOutcome.ALREADY_USED  # today's rule: once
    gates.set_reentry(session, eid, True)
    back = scan(session, eid, code, staff.id, key, now=start + timedelta(hours=1))
    assert back.outcome == ScanOutcome.VALID and back.reentry
    assert back.checked_in_at == start  # the first entry is kept
    assert scan(session, eid, code, staff.id, key).outcome == ScanOutcome.ALREADY_USED  # inside: no second copy in
    assert scan(session, eid, code, staff.id, key, exit_scan=True).outcome == ScanOutcome.EXITED
    assert scan(session, eid, code, staff.id, key, exit_scan=True).outcome == ScanOutcome.NOT_INSIDE
    assert checkin_counter(session, eid).checked_in == 1
