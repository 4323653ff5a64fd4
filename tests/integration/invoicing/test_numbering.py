"""Every paid order gets one invoice with a gap-free number; refunds and cancellations get credit notes."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import create_engine
from sqlmodel import Session, col, select

from tests.factories import make_event, make_pending_order, reload_order, token
from ticketapp.db import make_engine
from ticketapp.models import Invoice, InvoiceKind, InvoiceLine, Order, OrderLog, TicketType
from ticketapp.services.booking import checkout, holds
from ticketapp.services.booking.checkout import PaymentConfirmation
from ticketapp.services.invoicing import numbering
from ticketapp.services.invoicing import settings as invoice_settings
from ticketapp.services.invoicing.buyer import Company
from ticketapp.services.orders import refunds

BUYERS = 24


def _invoices(session: Session, order_id: int | None = None) -> list[Invoice]:
    session.expire_all()
    query = select(Invoice).order_by(col(Invoice.number))
    if order_id is not None:
        query = query.where(Invoice.order_id == order_id)
    return list(session.exec(query))


def _pay(session: Session, order: Order) -> None:
    assert checkout.confirm_order_paid(session, order.id or 0) is PaymentConfirmation.CONFIRMED


def test_paying_an_order_issues_its_invoice_in_the_same_commit(session: Session) -> None:
    order, ticket_type = make_pending_order(session, quantity=2, price_minor=1200)
    ticket_type.tax_rate_bp = 2000
    session.add(ticket_type)
    session.commit()
    assert _invoices(session) == []
    _pay(session, order)
    [invoice] = _invoices(session, order.id)
    assert (invoice.code, invoice.kind, invoice.number) == ("INV-000001", InvoiceKind.INVOICE, 1)
    assert (invoice.net_minor, invoice.tax_minor, invoice.gross_minor) == (2000, 400, 2400)
    notes = session.exec(select(OrderLog.note).where(OrderLog.order_id == order.id)).all()
    assert "invoice INV-000001 issued" in notes
    # A second confirmation (a repeated webhook) issues nothing more.
    assert checkout.confirm_order_paid(session, order.id or 0) is PaymentConfirmation.ALREADY_PAID
    assert len(_invoices(session)) == 1


def test_tax_added_is_charged_and_reverse_charge_drops_it(session: Session) -> None:
    _, ticket_type = make_event(session, price_minor=1000)
    ticket_type.tax_rate_bp, ticket_type.tax_included, ticket_type.reverse_charge = 2000, False, True
    session.add(ticket_type)
    session.commit()
    cart = token()
    holds.set_hold_quantity(session, cart, ticket_type.id, 3)
    [order] = checkout.convert_cart_to_pending_order(session, cart, buyer_name="Ada", buyer_email="ada@example.com")
    assert order.total_minor == 3600  # €10 + 20 % each
    invoice_settings.save(
        session,
        invoice_settings.SettingsForm("Ticketapp SAS", "1 rue de Paris", "FR12345678901", "", "INV-"),
        actor_id=_admin(session),
    )
    cart = token()
    holds.set_hold_quantity(session, cart, ticket_type.id, 3)
    company = Company("Muster GmbH", "Hauptstraße 1, Berlin", "de 123 456 789")
    [b2b] = checkout.convert_cart_to_pending_order(
        session, cart, buyer_name="Max", buyer_email="max@example.com", company=company
    )
    assert b2b.total_minor == 3000  # reverse charge: the net only
    _pay(session, b2b)
    [invoice] = _invoices(session, b2b.id)
    assert invoice.reverse_charge and invoice.tax_minor == 0 and invoice.gross_minor == 3000
    assert "Muster GmbH" in invoice.buyer and "DE123456789" in invoice.buyer
    assert "FR12345678901" in invoice.seller


def _admin(session: Session) -> int:
    from tests.factories import make_user
    from ticketapp.models import Role

    return make_user(session, f"admin-{token()[:6]}@example.com", role=Role.ADMIN).id or 0


def test_refund_issues_a_credit_note_with_its_own_number(session: Session) -> None:
    order, ticket_type = make_pending_order(session, quantity=2, price_minor=1200)
    ticket_type.tax_rate_bp = 2000
    session.add(ticket_type)
    session.commit()
    _pay(session, order)
    from ticketapp.services.tickets.issuing import issue_tickets

    issue_tickets(session, order.id or 0)
    from ticketapp.models import Ticket

    first = session.exec(select(Ticket).where(Ticket.order_id == order.id)).first()
    assert first is not None
    refunds.refund_order(session, order.code, ticket_ids=[first.id or 0])
    invoice, credit = _invoices(session, order.id)
    assert credit.kind == InvoiceKind.CREDIT_NOTE and credit.number == 2 and credit.corrects_id == invoice.id
    assert (credit.net_minor, credit.tax_minor, credit.gross_minor) == (-1000, -200, -1200)
    [line] = session.exec(select(InvoiceLine).where(InvoiceLine.invoice_id == credit.id)).all()
    assert line.quantity == -1
    refunds.refund_order(session, order.code)  # the rest
    invoices = _invoices(session, order.id)
    assert [i.number for i in invoices] == [1, 2, 3]
    assert sum(i.gross_minor for i in invoices) == 0


def test_regenerate_credits_the_old_invoice_and_issues_a_new_one(session: Session) -> None:
    order, _ = make_pending_order(session, quantity=1, price_minor=1500)
    _pay(session, order)
    order = reload_order(session, order)
    result = numbering.reissue(session, order)
    session.commit()
    assert result is not None
    credit, new = result
    assert (credit.number, new.number) == (2, 3)
    assert credit.gross_minor == -1500 and new.gross_minor == 1500 and new.corrects_id == credit.corrects_id


def test_free_orders_get_no_invoice(session: Session) -> None:
    order, _ = make_pending_order(session, quantity=1, price_minor=0)
    _pay(session, order)
    assert _invoices(session) == []


def test_concurrent_payments_get_numbers_without_gaps_or_duplicates(session: Session, db_url: str) -> None:
    orders = [
        make_pending_order(session, quantity=1, price_minor=1000, buyer_email=f"b{i}@example.com")[0]
        for i in range(BUYERS)
    ]
    shared = create_engine(db_url, pool_size=BUYERS, max_overflow=0) if not db_url.startswith("sqlite") else None
    engines = []
    lock = threading.Lock()
    barrier = threading.Barrier(BUYERS)

    def pay(order_id: int) -> str:
        engine = shared or make_engine(db_url)
        with lock:
            engines.append(engine)
        barrier.wait()
        with Session(engine, expire_on_commit=False) as own:
            return checkout.confirm_order_paid(own, order_id).value

    try:
        with ThreadPoolExecutor(max_workers=BUYERS) as pool:
            results = list(pool.map(pay, [o.id or 0 for o in orders]))
    finally:
        for engine in set(engines):
            engine.dispose()
    assert results == ["confirmed"] * BUYERS
    invoices = _invoices(session)
    assert sorted(i.number for i in invoices) == list(range(1, BUYERS + 1))
    assert len({i.order_id for i in invoices}) == BUYERS
    assert len({i.code for i in invoices}) == BUYERS


def test_a_payment_that_rolls_back_gives_its_number_back(session: Session) -> None:
    first, _ = make_pending_order(session, quantity=1, price_minor=1000, buyer_email="a@example.com")
    second, _ = make_pending_order(session, quantity=1, price_minor=1000, buyer_email="b@example.com")
    from ticketapp.db import begin_write_locked

    begin_write_locked(session)
    locked = session.get(Order, first.id, with_for_update=True, populate_existing=True)
    assert locked is not None
    assert checkout.confirm_locked(session, locked, "paid") is PaymentConfirmation.CONFIRMED
    session.rollback()  # e.g. the provider call after it failed
    _pay(session, second)
    _pay(session, first)
    assert [(i.order_id, i.number) for i in _invoices(session)] == [(second.id, 1), (first.id, 2)]


def test_a_new_prefix_starts_its_own_sequence(session: Session) -> None:
    first, _ = make_pending_order(session, quantity=1, buyer_email="a@example.com")
    _pay(session, first)
    invoice_settings.save(
        session, invoice_settings.SettingsForm("Org", "Addr", "", "", "2027-"), actor_id=_admin(session)
    )
    second, _ = make_pending_order(session, quantity=1, buyer_email="b@example.com")
    _pay(session, second)
    assert [i.code for i in _invoices(session)] == ["INV-000001", "2027-000001"]
    assert session.exec(select(TicketType)).first() is not None
