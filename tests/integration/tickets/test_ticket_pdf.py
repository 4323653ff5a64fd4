"""Ticket PDFs: real text, a QR that decodes back to the signed token, deterministic and cached."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from joserfc.jwk import OKPKey
from pypdf import PdfReader

from tests.factories import make_event_with_vip, make_order
from tests.pdf_tools import decode_qr_codes, page_texts
from ticketapp.models import OrderStatus
from ticketapp.services.tickets.issuing import issue_tickets, token_for_ticket, void_tickets
from ticketapp.services.tickets.pdf import order_pages, order_pdf, render_pdf, ticket_pdf
from ticketapp.services.tickets.tokens import public_key, verify_ticket_token
from ticketapp.settings import get_settings
from ticketapp.tasks import issue_and_render_tickets, render_order_tickets

A4_POINTS = (595, 842)


@pytest.fixture
def key() -> OKPKey:
    return OKPKey.generate_key("Ed25519")


def test_order_pdf_has_text_per_ticket_in_english(session, key) -> None:
    _, standard, vip = make_event_with_vip(session)
    order, _ = make_order(session, [(standard, 1), (vip, 1)], buyer_name="Camille Dupont")
    tickets = issue_tickets(session, order.id)
    pdf = render_pdf(order_pages(session, order.id, "en", key), "en", "Ticketapp")
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 2
    assert tuple(round(float(v)) for v in reader.pages[0].mediabox.upper_right) == A4_POINTS
    first, second = page_texts(pdf)
    for text in (first, second):
        assert "Nuit Électro au Zénith" in text
        assert "Friday, June 14, 2030 at 8:30 PM" in text  # 18:30 UTC shown in Paris time
        assert "Le Zénith, 211 avenue Jean Jaurès, Paris" in text
        assert "Camille Dupont" in text and order.code in text and "Ticket type" in text
    assert "Standard" in first and "€42.50" in first and tickets[0].code in first
    assert "VIP" in second and "€120.00" in second and tickets[1].code in second


def test_french_pdf_is_localized(session, key) -> None:
    _, standard, _ = make_event_with_vip(session)
    order, _ = make_order(session, [(standard, 1)])
    issue_tickets(session, order.id)
    (text,) = page_texts(render_pdf(order_pages(session, order.id, "fr", key), "fr", "Ticketapp"))
    assert "vendredi 14 juin 2030 à 20:30" in text
    assert re.search(r"42,50\s€", text)
    assert "Type de billet" in text and "Participant" in text


def test_qr_decodes_back_to_the_token(session, key, tmp_path: Path) -> None:
    event, standard, _ = make_event_with_vip(session)
    order, _ = make_order(session, [(standard, 2)])
    tickets = issue_tickets(session, order.id)
    pdf_path = order_pdf(session, order.id, "en", key, tmp_path / "cache", "Ticketapp")
    decoded = decode_qr_codes(pdf_path, tmp_path)
    assert decoded == [token_for_ticket(session, ticket, key) for ticket in tickets]
    claims = verify_ticket_token(decoded[0], public_key(key), now=event.starts_at)
    assert claims.ticket_id == tickets[0].id


def test_rendering_is_deterministic_and_cached(session, key, tmp_path: Path) -> None:
    _, standard, _ = make_event_with_vip(session)
    order, _ = make_order(session, [(standard, 1)])
    (ticket,) = issue_tickets(session, order.id)
    pages = order_pages(session, order.id, "en", key)
    assert render_pdf(pages, "en", "Ticketapp") == render_pdf(pages, "en", "Ticketapp")
    cache = tmp_path / "cache"
    first = ticket_pdf(session, ticket, "en", key, cache, "Ticketapp")
    modified = first.stat().st_mtime_ns
    assert ticket_pdf(session, ticket, "en", key, cache, "Ticketapp") == first
    assert first.stat().st_mtime_ns == modified
    ticket.attendee_name = "Alex Martin"
    session.add(ticket)
    session.commit()
    renamed = ticket_pdf(session, ticket, "en", key, cache, "Ticketapp")
    assert renamed != first and "Alex Martin" in page_texts(renamed.read_bytes())[0]


def test_void_ticket_is_marked(session, key) -> None:
    _, standard, _ = make_event_with_vip(session)
    order, _ = make_order(session, [(standard, 1)])
    issue_tickets(session, order.id)
    void_tickets(session, order.id)
    (text,) = page_texts(render_pdf(order_pages(session, order.id, "en", key), "en", "Ticketapp"))
    assert "VOID" in text


def test_background_job_renders_into_private_data_dir() -> None:
    """The job uses the configured database and key; the file lands under DATA_DIR, not assets/."""
    from sqlmodel import Session

    from ticketapp.db import get_engine, upgrade_database

    settings = get_settings()
    upgrade_database(settings.database_url)
    with Session(get_engine(), expire_on_commit=False) as app_session:
        _, standard, _ = make_event_with_vip(app_session, title="Job Rendered Night")
        order, _ = make_order(app_session, [(standard, 2)], status=OrderStatus.PAID)
    path = Path(issue_and_render_tickets(order.id, "en")())
    assert Path(render_order_tickets(order.id, "en")()) == path  # cached, not re-rendered
    assert len(PdfReader(path).pages) == 2
    assert path.is_file() and path.parent == settings.ticket_cache_dir
    assert settings.data_dir in path.parents
    assert "Job Rendered Night" in page_texts(path.read_bytes())[0]


def test_names_beyond_latin1_print_as_text(session, key) -> None:
    """Attendee names in Polish, Greek or Cyrillic print with the embedded font, not as boxes."""
    _, standard, _ = make_event_with_vip(session)
    order, _ = make_order(session, [(standard, 1)], buyer_name="Łukasz Żółć · Ελένη · Дмитрий")
    issue_tickets(session, order.id)
    (text,) = page_texts(render_pdf(order_pages(session, order.id, "en", key), "en", "Ticketapp"))
    assert "Łukasz Żółć · Ελένη · Дмитрий" in text
