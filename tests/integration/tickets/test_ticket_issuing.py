"""Issuing tickets for paid orders: one per admission, idempotent, voidable."""

from __future__ import annotations

import pytest
from joserfc.jwk import OKPKey
from sqlmodel import select

from tests.factories import make_event_with_vip, make_order
from ticketapp.models import OrderStatus, Ticket, TicketStatus
from ticketapp.services.tickets.issuing import (
    OrderNotPaidError,
    issue_tickets,
    normalize_ticket_code,
    token_for_ticket,
    void_tickets,
)
from ticketapp.services.tickets.tokens import public_key, secret_reference, verify_ticket_token


def test_one_ticket_per_admission_and_idempotent(session) -> None:
    _, standard, vip = make_event_with_vip(session)
    order, _ = make_order(session, [(standard, 3), (vip, 1)])
    first = issue_tickets(session, order.id)
    again = issue_tickets(session, order.id)
    assert len(first) == 4
    assert [t.id for t in again] == [t.id for t in first]
    assert len(session.exec(select(Ticket)).all()) == 4
    assert sorted(t.ticket_type_id for t in first) == sorted([standard.id] * 3 + [vip.id])
    assert all(t.attendee_name == "Camille Dupont" and t.status == TicketStatus.VALID for t in first)


def test_secrets_are_long_random_and_unique(session) -> None:
    _, standard, _ = make_event_with_vip(session)
    order, _ = make_order(session, [(standard, 50)])
    tickets = issue_tickets(session, order.id)
    secrets_ = {t.secret for t in tickets}
    codes = {t.code for t in tickets}
    assert len(secrets_) == 50 and len(codes) == 50
    assert all(len(s) >= 43 for s in secrets_)  # 32 random bytes, base64url: 256 bits
    assert all(len(c) == 9 and c[4] == "-" for c in codes)
    assert normalize_ticket_code(tickets[0].code.lower().replace("-", " ")) == tickets[0].code


@pytest.mark.parametrize("status", [OrderStatus.PENDING, OrderStatus.CANCELLED, OrderStatus.REFUNDED])
def test_unpaid_order_gets_no_ticket(session, status: str) -> None:
    _, standard, _ = make_event_with_vip(session)
    order, _ = make_order(session, [(standard, 2)], status=status)
    with pytest.raises(OrderNotPaidError):
        issue_tickets(session, order.id)
    assert session.exec(select(Ticket)).all() == []


def test_void_refunded_item_only(session) -> None:
    _, standard, vip = make_event_with_vip(session)
    order, (_standard_item, vip_item) = make_order(session, [(standard, 2), (vip, 1)])
    issue_tickets(session, order.id)
    assert void_tickets(session, order.id, [vip_item.id]) == 1
    statuses = {t.ticket_type_id: t.status for t in session.exec(select(Ticket)).all()}
    assert statuses == {standard.id: TicketStatus.VALID, vip.id: TicketStatus.VOID}
    assert void_tickets(session, order.id) == 3


def test_token_names_ticket_event_and_secret(session) -> None:
    event, standard, _ = make_event_with_vip(session)
    order, _ = make_order(session, [(standard, 1)])
    (ticket,) = issue_tickets(session, order.id)
    key = OKPKey.generate_key("Ed25519")
    token = token_for_ticket(session, ticket, key)
    assert token == token_for_ticket(session, ticket, key)
    claims = verify_ticket_token(token, public_key(key), now=event.starts_at)
    assert (claims.ticket_id, claims.event_id) == (ticket.id, event.id)
    assert claims.secret_ref == secret_reference(ticket.secret)
    assert ticket.secret not in token


def test_concurrent_issuing_never_duplicates(db_url: str) -> None:
    """Two webhook deliveries for one order, handled at the same moment on two connections."""
    import threading

    from sqlmodel import Session

    from ticketapp.db import make_engine

    engine = make_engine(db_url)
    with Session(engine, expire_on_commit=False) as session:
        _, standard, vip = make_event_with_vip(session)
        order, _ = make_order(session, [(standard, 4), (vip, 2)])
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def deliver() -> None:
        own_engine = make_engine(db_url)
        try:
            with Session(own_engine, expire_on_commit=False) as own_session:
                own_session.connection()
                barrier.wait()
                issue_tickets(own_session, order.id)
        except BaseException as exc:  # noqa: BLE001  (reported by the main thread)
            errors.append(exc)
        finally:
            own_engine.dispose()

    threads = [threading.Thread(target=deliver) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    with Session(engine) as session:
        assert len(session.exec(select(Ticket).where(Ticket.order_id == order.id)).all()) == 6
    engine.dispose()
