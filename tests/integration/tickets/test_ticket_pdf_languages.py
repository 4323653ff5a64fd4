"""Ticket PDFs in every language; the Arabic one right to left with its letters joined (shaped)."""

from __future__ import annotations

import io
import unicodedata

import pytest
from joserfc.jwk import OKPKey
from pypdf import PdfReader

from tests.factories import make_event_with_vip, make_order
from tests.pdf_tools import page_texts
from ticketapp.i18n import gettext
from ticketapp.i18n.languages import SUPPORTED_LOCALES
from ticketapp.services.tickets.issuing import issue_tickets
from ticketapp.services.tickets.pdf import order_pages, render_pdf

ARABIC_PRESENTATION_FORMS = range(0xFE70, 0xFF00)  # the joined shapes arabic-reshaper writes


@pytest.fixture
def key() -> OKPKey:
    return OKPKey.generate_key("Ed25519")


def _read_as_letters(text: str) -> str:
    """What a reader sees: presentation forms back to letters (NFKC), spacing normalised."""
    return " ".join(unicodedata.normalize("NFKC", text).split())


def _x_of(pdf: bytes, needle: str) -> float:
    """The x position where the text run containing `needle` is drawn on page 1."""
    found: list[float] = []

    def visit(text: str, cm: list[float], tm: list[float], _font: object, _size: object) -> None:
        if needle in _read_as_letters(text):
            found.append(cm[4] + tm[4])  # the cell's offset plus the run's own

    PdfReader(io.BytesIO(pdf)).pages[0].extract_text(visitor_text=visit)
    assert found, f"{needle!r} not drawn"
    return found[0]


@pytest.mark.parametrize("lang", SUPPORTED_LOCALES)
def test_ticket_labels_are_printed_in_each_language(session, key, lang: str) -> None:
    _, standard, _ = make_event_with_vip(session)
    order, _ = make_order(session, [(standard, 1)])
    (ticket,) = issue_tickets(session, order.id)
    (text,) = page_texts(render_pdf(order_pages(session, order.id, lang, key), lang, "Ticketapp"))
    letters = _read_as_letters(text)
    for label in ("Ticket type", "Attendee", "Price", "Ticket code"):
        assert gettext(lang, label) in letters
    assert ticket.code in letters and "Nuit Électro au Zénith" in letters


def test_arabic_ticket_is_right_to_left_and_shaped(session, key) -> None:
    assert "ar" in SUPPORTED_LOCALES  # the shop sells in Arabic: its ticket must print right to left
    _, standard, _ = make_event_with_vip(session)
    order, _ = make_order(session, [(standard, 1)], buyer_name="ليلى حداد")
    issue_tickets(session, order.id)
    pdf = render_pdf(order_pages(session, order.id, "ar", key), "ar", "Ticketapp")
    (text,) = page_texts(pdf)
    letters = _read_as_letters(text)
    assert "نوع التذكرة" in letters and "السعر" in letters and "رمز التذكرة" in letters
    assert "يونيو" in letters and "2030" in letters  # babel's Arabic date: June, Latin digits
    assert "42.50" in letters and "ليلى حداد" in letters
    # Shaped: letters are drawn in their joined forms, not as isolated letters.
    assert sum(ord(ch) in ARABIC_PRESENTATION_FORMS for ch in text) > 50
    # Right to left: each label stands to the right of its value.
    assert _x_of(pdf, "السعر") > _x_of(pdf, "42.50")
    assert _x_of(pdf, "نوع التذكرة") > _x_of(pdf, "Standard")


def test_a_french_ticket_stays_left_to_right(session, key) -> None:
    _, standard, _ = make_event_with_vip(session)
    order, _ = make_order(session, [(standard, 1)])
    issue_tickets(session, order.id)
    pdf = render_pdf(order_pages(session, order.id, "fr", key), "fr", "Ticketapp")
    assert _x_of(pdf, "Prix") < _x_of(pdf, "42,50")
