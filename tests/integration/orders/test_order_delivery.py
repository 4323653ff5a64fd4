"""Delivery of what payment produces: the confirmation e-mail with the e-tickets
(through a real SMTP server on loopback), once per payment, and the refund notice."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader
from sqlmodel import Session, select

from tests.factories import make_pending_order
from tests.support_smtp import MailSink, ReceivedMail
from ticketapp.models import Order, OrderLog, Ticket, TicketStatus
from ticketapp.services.orders import payments as order_payments
from ticketapp.services.orders import refunds
from ticketapp.services.orders.fulfilment import after_payment
from ticketapp.services.orders.mail import CONFIRMATION_NOTE
from ticketapp.services.shared import bus
from ticketapp.tasks import resend_order_email


def _pay(session: Session, order: Order) -> None:
    outcome = order_payments.record_payment(
        session,
        order.id or 0,
        provider="demo",
        reference=f"demo-{order.code}",
        amount_minor=order.total_minor,
        currency=order.currency,
    )
    assert outcome is order_payments.PaymentOutcome.PAID
    session.rollback()
    session.expire_all()


def _mails(sink: MailSink, order: Order) -> list[ReceivedMail]:
    return [m for m in sink.mails_to(order.buyer_email) if order.code in m.subject]


def _attachments(mail: ReceivedMail) -> dict[str, bytes | str]:
    return {part.get_filename(): part.get_content() for part in mail.message.iter_attachments()}


def test_paid_order_gets_one_confirmation_with_the_tickets_attached(
    session: Session, app_db: str, smtp: None, mail_sink: MailSink
) -> None:
    order, _ = make_pending_order(session, quantity=2, price_minor=2500)
    _pay(session, order)

    [mail] = _mails(mail_sink, order)
    tickets = session.exec(select(Ticket).where(Ticket.order_id == order.id)).all()
    assert len(tickets) == 2
    assert order.code in mail.text and "€50.00" in mail.text
    assert order_payments.status_url(order) in mail.text
    for ticket in tickets:
        assert ticket.code in mail.text and f"/api/tickets/{ticket.code}.pdf?exp=" in mail.text
    files = _attachments(mail)
    pdf = files[f"tickets-{order.code}.pdf"]
    assert pdf.startswith(b"%PDF")
    pdf_text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert order.code in pdf_text
    [ics_name] = [name for name in files if name.endswith(".ics")]
    assert "BEGIN:VEVENT" in str(files[ics_name])
    assert "<html" in mail.html and order.code in mail.html

    # A retried job (Huey retries, a duplicated webhook) sends nothing more.
    after_payment(session, order.id or 0)
    assert len(_mails(mail_sink, order)) == 1
    notes = session.exec(select(OrderLog).where(OrderLog.order_id == order.id, OrderLog.note == CONFIRMATION_NOTE))
    assert len(notes.all()) == 1


def test_confirmation_is_in_the_buyers_language(session: Session, app_db: str, smtp: None, mail_sink: MailSink) -> None:
    order, _ = make_pending_order(session, quantity=1)
    order.locale = "fr"
    session.add(order)
    session.commit()
    _pay(session, order)
    [mail] = _mails(mail_sink, order)
    assert "Vos billets" in mail.subject
    assert "25,00\u00a0€" in mail.text or "25,00\u202f€" in mail.text


def test_large_pdf_goes_as_links_only(
    session: Session, app_db: str, smtp: None, mail_sink: MailSink, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ticketapp.settings import get_settings

    monkeypatch.setenv("TICKET_MAIL_ATTACH_MAX_KB", "0")
    get_settings.cache_clear()
    order, _ = make_pending_order(session, quantity=1)
    _pay(session, order)
    [mail] = _mails(mail_sink, order)
    assert not any(name.endswith(".pdf") for name in _attachments(mail))
    assert "/api/tickets/" in mail.text and "Download your e-tickets" in mail.text
    get_settings.cache_clear()


def test_resend_sends_the_confirmation_again(session: Session, app_db: str, smtp: None, mail_sink: MailSink) -> None:
    order, _ = make_pending_order(session, quantity=1)
    _pay(session, order)
    resend_order_email(order.id or 0)
    mails = _mails(mail_sink, order)
    assert len(mails) == 2
    assert f"tickets-{order.code}.pdf" in _attachments(mails[1])


def test_unpaid_order_gets_no_mail_and_no_tickets(
    session: Session, app_db: str, smtp: None, mail_sink: MailSink
) -> None:
    order, _ = make_pending_order(session, quantity=1)
    after_payment(session, order.id or 0)
    resend_order_email(order.id or 0)
    assert _mails(mail_sink, order) == []
    assert session.exec(select(Ticket).where(Ticket.order_id == order.id)).all() == []


def test_refund_mail_names_the_void_tickets(session: Session, app_db: str, smtp: None, mail_sink: MailSink) -> None:
    order, _ = make_pending_order(session, quantity=2, price_minor=2500)
    _pay(session, order)
    first, second = session.exec(select(Ticket).where(Ticket.order_id == order.id).order_by(Ticket.id)).all()
    refund = refunds.refund_order(session, order.code, ticket_ids=[first.id or 0], reason="cannot come")
    refund_mails = [m for m in _mails(mail_sink, order) if "Refund" in m.subject]
    assert len(refund_mails) == 1
    text = refund_mails[0].text
    assert "25.00" in text and first.code in text and second.code not in text
    session.expire_all()
    assert session.get(Ticket, first.id).status == TicketStatus.VOID

    # The refund job retried: still one mail for this refund.
    from ticketapp.services.orders.fulfilment import after_refund

    after_refund(session, order.id or 0, refund.id or 0)
    assert len([m for m in _mails(mail_sink, order) if "Refund" in m.subject]) == 1


class _RecordingBus:
    def __init__(self) -> None:
        self.published: list[tuple[str, dict]] = []

    def publish(self, topic: str, payload: dict | None = None) -> None:
        self.published.append((topic, payload or {}))

    async def facts(self):  # pragma: no cover - nobody listens in this test
        yield


def test_open_order_pages_hear_of_the_issued_tickets_and_the_confirmation(
    session: Session, app_db: str, smtp: None, mail_sink: MailSink
) -> None:
    recorder = _RecordingBus()
    bus.use_bus(recorder)
    try:
        order, _ = make_pending_order(session, quantity=1)
        _pay(session, order)
    finally:
        bus.use_bus(None)
    facts = [payload.get("fact") for topic, payload in recorder.published if topic == bus.order_topic(order.code)]
    # (with jobs inline the status change is announced after them; in production, before)
    assert [fact for fact in facts if fact in ("tickets", "confirmation")] == ["tickets", "confirmation"]
