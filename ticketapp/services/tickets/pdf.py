"""Printable A4 ticket PDFs (xhtml2pdf), one page per admission.

Each page carries real text (event, local date and venue, ticket type,
attendee, order code, price, ticket code) beside a QR code that encodes the
signed token. Rendering is deterministic (reportlab's invariant mode, Ed25519
tokens, no timestamps), so a PDF is cached on disk under DATA_DIR/tickets with
a name derived from its content: a changed attendee name gives a new file.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
from dataclasses import asdict, dataclass
from functools import lru_cache
from html import escape
from pathlib import Path

import qrcode
from qrcode.constants import ERROR_CORRECT_M
from reportlab import rl_config
from sqlmodel import Session, col, select
from xhtml2pdf import pisa
from xhtml2pdf.config.resources import ResourceAccessPolicy

from ticketapp.i18n import gettext, normalize_locale
from ticketapp.i18n.languages import direction
from ticketapp.models import VOID_STATUSES, Event, Order, OrderItem, Ticket, TicketStatus, TicketType, Venue
from ticketapp.services.catalog.translations import event_title, type_name
from ticketapp.services.shared.dates import format_event_date_long
from ticketapp.services.shared.money import Money, format_money
from ticketapp.services.tickets.issuing import token_for_ticket
from ticketapp.services.tickets.qr import QR_MASK_PATTERN, QUIET_ZONE_MODULES
from ticketapp.services.tickets.tokens import SigningKey
from ticketapp.settings import PROJECT_DIR

ASSETS_DIR = PROJECT_DIR / "assets"
LOGO_PATH = ASSETS_DIR / "ticket-logo.png"
# DejaVu Sans (shipped in assets/fonts) covers Latin Extended, Greek and Cyrillic attendee
# names that the built-in PDF fonts cannot print; subsets are embedded, so output is stable.
FONT_REGULAR = ASSETS_DIR / "fonts" / "DejaVuSans.ttf"
FONT_BOLD = ASSETS_DIR / "fonts" / "DejaVuSans-Bold.ttf"
# Bump when the template changes so cached PDFs are re-rendered.
TEMPLATE_VERSION = "2"  # 2: <html dir> (Arabic tickets right to left)


class TicketNotFoundError(LookupError):
    """No ticket (or order) with that id."""


@dataclass(frozen=True, slots=True)
class TicketPage:
    """Everything printed on one ticket page, already localized."""

    ticket_code: str
    token: str
    event_title: str
    starts_at: str
    venue: str
    venue_address: str
    ticket_type: str
    attendee_name: str
    order_code: str
    price: str
    is_void: bool


def pdf_text(text: str) -> str:
    # Babel's French formats use U+202F (narrow no-break space), which the
    # built-in PDF fonts lack; a plain no-break space prints the same.
    return text.replace("\u202f", "\u00a0")


def _page_for(session: Session, ticket: Ticket, order: Order, lang: str, key: SigningKey) -> TicketPage:
    ticket_type = session.get(TicketType, ticket.ticket_type_id)
    item = session.get(OrderItem, ticket.order_item_id)
    assert ticket_type is not None and item is not None  # noqa: S101  (foreign keys)
    event = session.get(Event, ticket_type.event_id)
    assert event is not None  # noqa: S101
    venue = session.get(Venue, event.venue_id)
    assert venue is not None  # noqa: S101
    price = Money(item.unit_price_minor, order.currency)
    return TicketPage(
        ticket_code=ticket.code,
        token=token_for_ticket(session, ticket, key),
        event_title=event_title(event, lang),
        starts_at=pdf_text(format_event_date_long(event.starts_at, venue.timezone, lang)),
        venue=venue.name,
        venue_address=f"{venue.address}, {venue.city}",
        ticket_type=type_name(ticket_type, lang),
        attendee_name=ticket.attendee_name or order.buyer_name,
        order_code=order.code,
        price=pdf_text(format_money(price, lang)),
        is_void=ticket.status == TicketStatus.VOID or order.status in VOID_STATUSES,
    )


def order_pages(session: Session, order_id: int, lang: str, key: SigningKey) -> list[TicketPage]:
    order = session.get(Order, order_id)
    if order is None:
        raise TicketNotFoundError(f"order {order_id}")
    tickets = session.exec(select(Ticket).where(Ticket.order_id == order_id).order_by(col(Ticket.id))).all()
    return [_page_for(session, ticket, order, lang, key) for ticket in tickets]


def ticket_page(session: Session, ticket: Ticket, lang: str, key: SigningKey) -> TicketPage:
    order = session.get(Order, ticket.order_id)
    assert order is not None  # noqa: S101
    return _page_for(session, ticket, order, lang, key)


@lru_cache(maxsize=1024)  # the order PDF and each ticket's own PDF share their QR images
def qr_png(token: str) -> bytes:
    """The token as a QR PNG at print resolution (8 pixels per module), the matrix of `qr.qr_matrix`."""
    qr = qrcode.QRCode(
        error_correction=ERROR_CORRECT_M, box_size=8, border=QUIET_ZONE_MODULES, mask_pattern=QR_MASK_PATTERN
    )
    qr.add_data(token)
    qr.make(fit=True)
    buffer = io.BytesIO()
    qr.make_image(fill_color="black", back_color="white").save(buffer, format="PNG")
    return buffer.getvalue()


def _data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode()


# The embedded fonts, shared with the other PDFs (invoices: services/invoicing/pdf.py).
FONT_FACES = f"""
@font-face {{ font-family: TicketSans; src: url({FONT_REGULAR}); }}
@font-face {{ font-family: TicketSans; src: url({FONT_BOLD}); font-weight: bold; }}
"""
STYLE = (
    FONT_FACES
    + """
@page { size: a4 portrait; margin: 1.6cm; }
html, title, body { font-family: TicketSans; font-size: 11pt; color: #111111; }
h1 { font-size: 22pt; margin: 0 0 4pt 0; }
.header { margin-bottom: 14pt; }
.when { font-size: 13pt; font-weight: bold; margin: 0; }
.where { font-size: 11pt; margin: 2pt 0 12pt 0; }
.organiser { font-size: 10pt; color: #333333; }
table.details td { padding: 3pt 6pt 3pt 0; vertical-align: top; }
td.label { color: #333333; width: 4.2cm; }
td.value { font-weight: bold; }
.code { font-size: 20pt; font-weight: bold; letter-spacing: 2pt; text-align: center; }
.qr { text-align: center; }
.note { font-size: 9pt; color: #333333; }
.void { font-size: 24pt; font-weight: bold; color: #b00020; border: 3pt solid #b00020; padding: 6pt;
        text-align: center; }
"""
)


def _page_html(page: TicketPage, lang: str, organiser: str, logo_uri: str) -> str:
    def t(message: str) -> str:
        return escape(gettext(lang, message))

    # Translated outside the f-string so that message extraction sees every literal.
    rows = [
        (t("Ticket type"), page.ticket_type),
        (t("Attendee"), page.attendee_name),
        (t("Order"), page.order_code),
        (t("Price"), page.price),
        (t("Ticket code"), page.ticket_code),
    ]
    heading = t("E-ticket")
    qr_alt = t("QR code of the ticket")
    note = t("Show this QR code at the entrance, printed or on your phone. Each ticket admits one person once.")
    fallback = t("If the code cannot be scanned, staff can type the ticket code.")
    void_text = t("VOID: this ticket is no longer valid")
    details = "".join(
        f'<tr><td class="label">{label}</td><td class="value">{escape(value)}</td></tr>' for label, value in rows
    )
    void = f'<p class="void">{void_text}</p>' if page.is_void else ""
    qr_uri = _data_uri(qr_png(page.token))
    return f"""
<table class="header"><tr>
  <td width="3.2cm"><img src="{logo_uri}" width="2.8cm" height="1.4cm" alt="{escape(organiser)}"></td>
  <td class="organiser">{escape(organiser)} · {heading}</td>
</tr></table>
{void}
<h1>{escape(page.event_title)}</h1>
<p class="when">{escape(page.starts_at)}</p>
<p class="where">{escape(page.venue)}, {escape(page.venue_address)}</p>
<table class="details">{details}</table>
<div class="qr"><img src="{qr_uri}" style="width: 7cm; height: 7cm;" alt="{qr_alt}"></div>
<p class="code">{escape(page.ticket_code)}</p>
<p class="note">{note} {fallback}</p>
"""


def render_pdf(pages: list[TicketPage], lang: str, organiser: str) -> bytes:
    """An A4 PDF with one page per ticket; identical input gives identical bytes."""
    lang = normalize_locale(lang)
    logo_uri = _data_uri(LOGO_PATH.read_bytes())
    title = gettext(lang, "E-ticket")
    body = "<pdf:nextpage />".join(_page_html(page, lang, organiser, logo_uri) for page in pages)
    html = (
        f'<html lang="{lang}" dir="{direction(lang)}"><head><meta charset="utf-8"><title>{escape(title)}</title>'
        f"<style>{STYLE}</style></head><body>{body}</body></html>"
    )
    return html_to_pdf(html)


def html_to_pdf(html: str) -> bytes:
    """Render a whole HTML document with xhtml2pdf; identical input gives identical bytes."""
    # Invariant mode drops creation dates and random document ids: byte-identical re-renders.
    rl_config.invariant = 1
    output = io.BytesIO()
    # Only our assets may be read while rendering: no network, no other files.
    policy = ResourceAccessPolicy(base_dir=ASSETS_DIR, allow_remote=False)
    status = pisa.CreatePDF(html, dest=output, encoding="utf-8", resource_policy=policy)
    if status.err:
        raise RuntimeError(f"PDF rendering failed ({status.err} errors)")
    return output.getvalue()


def _fingerprint(pages: list[TicketPage], lang: str, organiser: str) -> str:
    data = json.dumps([TEMPLATE_VERSION, lang, organiser, [asdict(p) for p in pages]], sort_keys=True)
    return hashlib.sha256(data.encode()).hexdigest()[:20]


def cached_pdf(cache_dir: Path, name: str, pages: list[TicketPage], lang: str, organiser: str) -> Path:
    """Render once per distinct content; later calls return the file on disk."""
    path = cache_dir / f"{name}-{lang}-{_fingerprint(pages, lang, organiser)}.pdf"
    if path.exists():
        return path
    cache_dir.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(f".{os.getpid()}.part")
    partial.write_bytes(render_pdf(pages, lang, organiser))
    partial.replace(path)  # atomic: a reader never sees half a PDF
    return path


def order_pdf(session: Session, order_id: int, lang: str, key: SigningKey, cache_dir: Path, organiser: str) -> Path:
    order = session.get(Order, order_id)
    if order is None:
        raise TicketNotFoundError(f"order {order_id}")
    pages = order_pages(session, order_id, lang, key)
    return cached_pdf(cache_dir, f"order-{order.code}", pages, normalize_locale(lang), organiser)


def ticket_pdf(session: Session, ticket: Ticket, lang: str, key: SigningKey, cache_dir: Path, organiser: str) -> Path:
    page = ticket_page(session, ticket, lang, key)
    return cached_pdf(cache_dir, f"ticket-{ticket.code}", [page], normalize_locale(lang), organiser)
