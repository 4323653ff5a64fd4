"""Door lists: an event's attendees with what the door needs (ticket type, code, order, the answers marked
"show at check-in", check-in status), searchable and paged on screen, as CSV and as a printable PDF for
when the scanners are down."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from html import escape

from sqlalchemy import func, or_
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import Select

from ticketapp.i18n import gettext, msgid
from ticketapp.i18n.languages import direction
from ticketapp.models import PAID_STATUSES, Event, Order, Ticket, TicketStatus, TicketType, Venue
from ticketapp.services.questions.answers import checkin_answers
from ticketapp.services.shared.dates import format_event_datetime
from ticketapp.services.tickets.pdf import FONT_FACES, html_to_pdf, pdf_text

PAGE_SIZE = 50
MAX_ROWS = 20_000
SEARCH_MAX = 120
HEADERS = (
    msgid("Name"),
    msgid("Ticket type"),
    msgid("Ticket code"),
    msgid("Order"),
    msgid("Check-in answers"),
    msgid("Checked in"),
)


@dataclass(frozen=True)
class DoorRow:
    name: str
    ticket_type: str
    code: str
    order_code: str
    answers: str
    checked_in: str  # the local time, or "" when not yet


@dataclass(frozen=True)
class DoorPage:
    rows: list[DoorRow]
    total: int
    checked_in: int


def _base(event_id: int, text: str) -> Select[Ticket, str, Order]:
    statement = (
        select(Ticket, TicketType.name, Order)
        .join(TicketType, col(TicketType.id) == Ticket.ticket_type_id)
        .join(Order, col(Order.id) == Ticket.order_id)
        .where(
            TicketType.event_id == event_id,
            col(Order.status).in_(PAID_STATUSES),
            Ticket.status != TicketStatus.VOID,
        )
    )
    text = text.strip()[:SEARCH_MAX]
    if text:
        like = f"%{text.lower()}%"
        statement = statement.where(
            or_(
                func.lower(col(Ticket.attendee_name)).like(like),
                func.lower(col(Order.buyer_name)).like(like),
                func.lower(col(Order.buyer_email)).like(like),
                func.lower(col(Ticket.code)).like(like),
                func.lower(col(Order.code)).like(like),
            )
        )
    return statement


def event_zone(session: Session, event_id: int) -> str:
    event = session.get(Event, event_id)
    venue = session.get(Venue, event.venue_id) if event else None
    return venue.timezone if venue else "UTC"


def _rows(session: Session, found: list[tuple[Ticket, str, Order]], zone: str, lang: str) -> list[DoorRow]:
    return [
        DoorRow(
            name=ticket.attendee_name or order.buyer_name,
            ticket_type=type_name,
            code=ticket.code,
            order_code=order.code,
            answers="; ".join(f"{label}: {value}" for label, value in checkin_answers(session, ticket, lang)),
            checked_in=format_event_datetime(ticket.checked_in_at, zone, lang) if ticket.checked_in_at else "",
        )
        for ticket, type_name, order in found
    ]


def _ordered(statement: Select[Ticket, str, Order]) -> Select[Ticket, str, Order]:
    name = func.lower(func.coalesce(col(Ticket.attendee_name), col(Order.buyer_name)))
    return statement.order_by(name, col(Ticket.id))


def door_page(session: Session, event_id: int, text: str, lang: str, *, offset: int = 0) -> DoorPage:
    """One page of the list (alphabetical by name), with the totals for the search."""
    base = _base(event_id, text)
    total = session.exec(select(func.count()).select_from(base.subquery())).one()
    checked = session.exec(
        select(func.count()).select_from(base.where(col(Ticket.checked_in_at).is_not(None)).subquery())
    ).one()
    offset = max(0, min(offset, MAX_ROWS))
    found = session.exec(_ordered(base).offset(offset).limit(PAGE_SIZE)).all()
    return DoorPage(_rows(session, list(found), event_zone(session, event_id), lang), int(total), int(checked))


def all_rows(session: Session, event_id: int, text: str, lang: str) -> list[DoorRow]:
    found = session.exec(_ordered(_base(event_id, text)).limit(MAX_ROWS)).all()
    return _rows(session, list(found), event_zone(session, event_id), lang)


def _csv_safe(value: str) -> str:
    """A cell a spreadsheet will not run as a formula."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def door_csv(session: Session, event_id: int, text: str, lang: str) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([gettext(lang, header) for header in HEADERS])
    for row in all_rows(session, event_id, text, lang):
        writer.writerow(
            [_csv_safe(v) for v in (row.name, row.ticket_type, row.code, row.order_code, row.answers, row.checked_in)]
        )
    return out.getvalue()


STYLE = (
    FONT_FACES
    + """
@page { size: a4 portrait; margin: 1.2cm; }
html, body { font-family: TicketSans; font-size: 9pt; color: #111111; }
h1 { font-size: 15pt; margin: 0 0 4pt 0; }
table { width: 100%; }
th { text-align: left; border-bottom: 1pt solid #333333; padding: 2pt; }
td { padding: 2pt; border-bottom: 0.5pt solid #bbbbbb; vertical-align: top; }
.box { width: 10pt; }
"""
)


def door_pdf(session: Session, event_id: int, text: str, lang: str) -> bytes:
    """The list to print: one line per attendee with an empty box to tick at the door."""
    event = session.get(Event, event_id)
    title = event.title if event else ""
    when = format_event_datetime(event.starts_at, event_zone(session, event_id), lang) if event else ""
    head = "".join(f"<th>{escape(gettext(lang, h))}</th>" for h in HEADERS) + '<th class="box"></th>'
    lines = "".join(
        "<tr>"
        + "".join(
            f"<td>{escape(pdf_text(value))}</td>"
            for value in (row.name, row.ticket_type, row.code, row.order_code, row.answers, row.checked_in)
        )
        + '<td class="box">&#9744;</td></tr>'
        for row in all_rows(session, event_id, text, lang)
    )
    html = (
        f'<html lang="{lang}" dir="{direction(lang)}"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title><style>{STYLE}</style></head><body>"
        f"<h1>{escape(pdf_text(title))}</h1><p>{escape(pdf_text(when))} · {escape(gettext(lang, 'Door list'))}</p>"
        f'<table repeat="1"><thead><tr>{head}</tr></thead><tbody>{lines}</tbody></table></body></html>'
    )
    return html_to_pdf(html)
