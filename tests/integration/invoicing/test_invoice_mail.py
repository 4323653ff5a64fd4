"""The confirmation e-mail (real SMTP on loopback) carries the invoice PDF, its link and the VAT of each line."""

from __future__ import annotations

import io

from pypdf import PdfReader
from sqlmodel import Session

from tests.factories import make_event, token
from tests.support_smtp import MailSink
from ticketapp.services.booking import checkout, holds
from ticketapp.services.orders import payments as order_payments


def test_confirmation_has_the_invoice_attached_and_says_incl_vat(
    session: Session, app_db: str, smtp: None, mail_sink: MailSink
) -> None:
    _, ticket_type = make_event(session, price_minor=1200)
    ticket_type.tax_rate_bp = 2000
    session.add(ticket_type)
    session.commit()
    cart = token()
    holds.set_hold_quantity(session, cart, ticket_type.id, 1)
    [order] = checkout.convert_cart_to_pending_order(
        session, cart, buyer_name="Camille", buyer_email="camille@example.com", locale="fr"
    )
    outcome = order_payments.record_payment(
        session, order.id or 0, provider="demo", reference="d", amount_minor=1200, currency="EUR"
    )
    assert outcome is order_payments.PaymentOutcome.PAID
    [mail] = [m for m in mail_sink.mails_to(order.buyer_email) if order.code in m.subject]
    assert "(TVA 20 % incluse)" in mail.text
    assert "INV-000001" in mail.text and f"/api/invoices/INV-000001.pdf?order={order.code}&s=" in mail.text
    files = {part.get_filename(): part.get_content() for part in mail.message.iter_attachments()}
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(files["INV-000001.pdf"])).pages)
    assert "Facture" in text and "TVA" in text and "2,00" in text
