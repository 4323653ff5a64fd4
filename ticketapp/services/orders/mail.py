"""The order e-mails: payment confirmation (with the e-tickets) and refund notice.

Both are written in the order's language. The confirmation carries the order
PDF as an attachment (or, when the PDF is larger than TICKET_MAIL_ATTACH_MAX_KB,
only the signed download links), one signed link per ticket and an `.ics` file
per event. Each mail is recorded in the order's audit trail (`OrderLog`) before
it is queued, so a retried job never sends it twice; an explicit resend skips
that check.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import update
from sqlmodel import Session, col, select

from ticketapp.i18n import gettext, normalize_locale, translate
from ticketapp.models import Event, Order, OrderLog, Refund, Ticket, TicketStatus, TicketType, Venue
from ticketapp.services.orders.summary import OrderSummary, summarize_order
from ticketapp.services.shared.calendar import event_ics
from ticketapp.services.shared.dates import format_event_datetime
from ticketapp.services.shared.mail import Attachment, MailBody, send_mail
from ticketapp.services.shared.money import Money, format_money
from ticketapp.services.tickets.links import ticket_download_url
from ticketapp.settings import get_settings

CONFIRMATION_NOTE = "confirmation e-mail sent"
RESEND_NOTE = "confirmation e-mail resent"
REFUND_NOTE_PREFIX = "refund e-mail sent"


@dataclass(frozen=True)
class TicketLink:
    code: str
    label: str  # "Standard: Ada Lovelace"
    url: str
    void: bool


def _lock(session: Session, order_id: int) -> Order | None:
    """Take the order's write lock so two workers cannot both decide to send (see ticket_issuing._lock_order)."""
    touch = update(Order).where(col(Order.id) == order_id).values(updated_at=col(Order.updated_at))
    session.exec(touch)
    return session.exec(select(Order).where(Order.id == order_id)).first()


def _already_noted(session: Session, order_id: int, note: str) -> bool:
    statement = select(OrderLog.id).where(OrderLog.order_id == order_id, OrderLog.note == note)
    return session.exec(statement).first() is not None


def claim_mail(session: Session, order_id: int, note: str, *, force: bool = False) -> Order | None:
    """Record that a mail goes out (commits); None when it was already sent and `force` is off."""
    order = _lock(session, order_id)
    if order is None or (not force and _already_noted(session, order_id, note)):
        session.rollback()
        return None
    # A note, not a transition: both statuses stay empty so status-change counts ignore it.
    session.add(OrderLog(order_id=order_id, note=note))
    session.commit()
    return order


def ticket_links(session: Session, order: Order) -> list[TicketLink]:
    rows = session.exec(
        select(Ticket, TicketType.name)
        .join(TicketType, col(TicketType.id) == Ticket.ticket_type_id)
        .where(Ticket.order_id == order.id)
        .order_by(col(Ticket.id))
    ).all()
    return [
        TicketLink(
            code=ticket.code,
            label=f"{type_name}: {ticket.attendee_name}" if ticket.attendee_name else type_name,
            url=ticket_download_url(ticket.code),
            void=ticket.status == TicketStatus.VOID,
        )
        for ticket, type_name in rows
    ]


def _order_events(session: Session, order: Order) -> list[tuple[Event, Venue]]:
    rows = session.exec(
        select(Event, Venue)
        .join(Venue, col(Venue.id) == Event.venue_id)
        .join(TicketType, col(TicketType.event_id) == Event.id)
        .join(Ticket, col(Ticket.ticket_type_id) == TicketType.id)
        .where(Ticket.order_id == order.id)
        .distinct()
        .order_by(col(Event.starts_at))
    ).all()
    return [(event, venue) for event, venue in rows]


def calendar_attachments(session: Session, order: Order) -> list[Attachment]:
    base = get_settings().base_url
    return [
        Attachment(
            f"{event.slug}.ics", event_ics(event, venue, f"{base}/events/{event.slug}").encode(), "text/calendar"
        )
        for event, venue in _order_events(session, order)
    ]


def _summary_lines(summary: OrderSummary, lang: str) -> list[str]:
    return [
        f"{line.quantity} × {line.ticket_type} — {line.event_title} "
        f"({format_event_datetime(line.event_starts_at, line.timezone, lang)}, {line.venue_name}): "
        f"{format_money(line.subtotal, lang)}"
        for line in summary.lines
    ]


def _html_list(items: list[str]) -> str:
    return "<ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>"


def _button(label: str, url: str) -> str:
    return (
        f'<p><a href="{html.escape(url, quote=True)}" style="display:inline-block;padding:10px 16px;'
        f'background:#1f4fd8;color:#ffffff;text-decoration:none;border-radius:6px">{html.escape(label)}</a></p>'
    )


def _document(parts: list[str]) -> str:
    return (
        '<!doctype html><html><body style="font-family:Arial,sans-serif;color:#111;line-height:1.5">'
        + "".join(parts)
        + "</body></html>"
    )


def confirmation_body(
    summary: OrderSummary, order_url: str, links: list[TicketLink], lang: str, attached: bool
) -> MailBody:
    """Text and HTML of the payment confirmation (already localized)."""
    greeting = translate(lang, "Hello {name},", name=summary.buyer_name)
    intro = translate(lang, "Thank you for your order {code}: your payment is confirmed.", code=summary.code)
    lines = _summary_lines(summary, lang)
    total = translate(lang, "Total paid: {amount}", amount=format_money(summary.total, lang))
    tickets_note = (
        gettext(lang, "Your e-tickets are attached to this e-mail as a PDF. Show the QR code at the entrance.")
        if attached
        else gettext(lang, "Download your e-tickets with the links below. Show the QR code at the entrance.")
    )
    tickets_title = gettext(lang, "Your tickets")
    link_label = gettext(lang, "View my order")
    calendar_note = gettext(lang, "Add the event to your calendar with the attached .ics file.")
    ticket_texts = [f"{link.code} ({link.label}): {link.url}" for link in links if not link.void]
    text = "\n\n".join(
        [
            greeting,
            intro,
            "\n".join(f"- {line}" for line in lines),
            total,
            tickets_note,
            f"{tickets_title}:\n" + "\n".join(ticket_texts),
            calendar_note,
            f"{link_label}:\n{order_url}",
        ]
    )
    ticket_items = [
        f'<a href="{html.escape(link.url, quote=True)}">{html.escape(link.code)}</a> ({html.escape(link.label)})'
        for link in links
        if not link.void
    ]
    html_doc = _document(
        [
            f"<p>{html.escape(greeting)}</p>",
            f"<p>{html.escape(intro)}</p>",
            _html_list([html.escape(line) for line in lines]),
            f"<p><strong>{html.escape(total)}</strong></p>",
            f"<p>{html.escape(tickets_note)}</p>",
            f'<h2 style="font-size:16px">{html.escape(tickets_title)}</h2>',
            _html_list(ticket_items),
            f"<p>{html.escape(calendar_note)}</p>",
            _button(link_label, order_url),
            f'<p style="font-size:12px;color:#555">{html.escape(order_url)}</p>',
        ]
    )
    return MailBody(text=text + "\n", html=html_doc)


def _pdf_attachment(order: Order, pdf_path: Path | None) -> Attachment | None:
    if pdf_path is None or not pdf_path.exists():
        return None
    if pdf_path.stat().st_size > get_settings().ticket_mail_attach_max_kb * 1024:
        return None  # too large for comfortable mail: the per-ticket links do the job
    return Attachment(f"tickets-{order.code}.pdf", pdf_path.read_bytes(), "application/pdf")


def send_confirmation(session: Session, order_id: int, pdf_path: Path | None, *, resend: bool = False) -> bool:
    """E-mail the payment confirmation once (or again when `resend`); True when a mail was queued."""
    from ticketapp.services.orders.payments import status_url

    order = claim_mail(session, order_id, RESEND_NOTE if resend else CONFIRMATION_NOTE, force=resend)
    if order is None:
        return False
    lang = normalize_locale(order.locale)
    attachment = _pdf_attachment(order, pdf_path)
    summary = summarize_order(session, order.code)
    assert summary is not None  # noqa: S101  (the order was just locked)
    links = ticket_links(session, order)
    body = confirmation_body(summary, status_url(order), links, lang, attached=attachment is not None)
    attachments = ([attachment] if attachment else []) + calendar_attachments(session, order)
    subject = translate(lang, "Your tickets for order {code}", code=order.code)
    send_mail(order.buyer_email, subject, body.text, body.html, attachments)
    return True


def refund_body(order: Order, refund: Refund, links: list[TicketLink], order_url: str, lang: str) -> MailBody:
    greeting = translate(lang, "Hello {name},", name=order.buyer_name)
    amount = format_money(Money(refund.amount_minor, refund.currency), lang)
    intro = translate(lang, "We have refunded {amount} for your order {code}.", amount=amount, code=order.code)
    delay = gettext(lang, "The money goes back to the payment method you used; banks may take a few days.")
    void_codes = [f"{link.code} ({link.label})" for link in links if link.void]
    void_title = gettext(lang, "These tickets are no longer valid:")
    link_label = gettext(lang, "View my order")
    paragraphs = [greeting, intro, delay]
    text_parts = [*paragraphs]
    html_parts = [f"<p>{html.escape(p)}</p>" for p in paragraphs]
    if void_codes:
        text_parts.append(void_title + "\n" + "\n".join(f"- {code}" for code in void_codes))
        html_parts += [f"<p>{html.escape(void_title)}</p>", _html_list([html.escape(c) for c in void_codes])]
    text_parts.append(f"{link_label}:\n{order_url}")
    html_parts.append(_button(link_label, order_url))
    return MailBody(text="\n\n".join(text_parts) + "\n", html=_document(html_parts))


def send_refund_notice(session: Session, order_id: int, refund_id: int) -> bool:
    """E-mail the customer about one refund, once per refund; True when a mail was queued."""
    from ticketapp.services.orders.payments import status_url

    refund = session.get(Refund, refund_id)
    if refund is None or refund.order_id != order_id:
        return False
    order = claim_mail(session, order_id, f"{REFUND_NOTE_PREFIX}: {refund_id}")
    if order is None:
        return False
    lang = normalize_locale(order.locale)
    body = refund_body(order, refund, ticket_links(session, order), status_url(order), lang)
    subject = translate(lang, "Refund for order {code}", code=order.code)
    send_mail(order.buyer_email, subject, body.text, body.html)
    return True
