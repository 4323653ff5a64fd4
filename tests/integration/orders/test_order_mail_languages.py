"""The payment confirmation in each of the shop's languages; the Arabic one right to left, tickets included."""

from __future__ import annotations

import unicodedata

import pytest
from sqlmodel import Session

from tests.factories import make_pending_order
from tests.integration.orders.test_order_delivery import _attachments, _mails, _pay
from tests.pdf_tools import page_texts
from tests.support_smtp import MailSink
from ticketapp.i18n import gettext, translate
from ticketapp.i18n.languages import SUPPORTED_LOCALES, direction


@pytest.mark.parametrize("lang", SUPPORTED_LOCALES)
def test_confirmation_speaks_the_buyers_language(
    session: Session, app_db: str, smtp: None, mail_sink: MailSink, lang: str
) -> None:
    order, _ = make_pending_order(session, quantity=1)
    order.locale = lang
    session.add(order)
    session.commit()
    _pay(session, order)
    [mail] = _mails(mail_sink, order)
    assert mail.subject == translate(lang, "Your tickets for order {code}", code=order.code)
    assert gettext(lang, "View my order") in mail.text
    assert f'<html lang="{lang}" dir="{direction(lang)}">' in mail.html
    assert f'<body dir="{direction(lang)}"' in mail.html
    pdf = _attachments(mail)[f"tickets-{order.code}.pdf"]
    assert isinstance(pdf, bytes)
    (text,) = page_texts(pdf)
    assert gettext(lang, "Ticket type") in unicodedata.normalize("NFKC", text)


def test_arabic_confirmation_is_right_to_left(session: Session, app_db: str, smtp: None, mail_sink: MailSink) -> None:
    order, _ = make_pending_order(session, quantity=1)
    order.locale = "ar"
    session.add(order)
    session.commit()
    _pay(session, order)
    [mail] = _mails(mail_sink, order)
    assert mail.subject == f"تذاكرك للطلب {order.code}"
    assert 'dir="rtl"' in mail.html and 'dir="ltr"' in mail.html  # addresses stay left to right
    assert "25.00" in mail.text  # babel's Arabic money keeps Latin digits


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_bank_transfer_buyer_gets_the_details_by_mail_once(
    session: Session, app_db: str, smtp: None, mail_sink: MailSink, lang: str
) -> None:
    from ticketapp.services.orders import payments as order_payments
    from ticketapp.settings import get_settings

    order, _ = make_pending_order(session, quantity=2, price_minor=2500)
    order.locale = lang
    session.add(order)
    session.commit()
    order_payments.begin_payment(session, order.code, "bank_transfer")
    order_payments.begin_payment(session, order.code, "bank_transfer")  # chosen again: no second mail
    [mail] = _mails(mail_sink, order)
    assert mail.subject == translate(lang, "Bank transfer details for order {code}", code=order.code)
    settings = get_settings()
    for detail in (settings.bank_iban, settings.bank_bic, order.code, "50,00" if lang == "fr" else "50.00"):
        assert detail in mail.text and detail in mail.html
    deadline = "Pay by" if lang == "en" else "Payez avant le"
    assert deadline in mail.text
    zone = "Central European" if lang == "en" else "heure"
    assert zone in mail.text  # the deadline names its time zone
