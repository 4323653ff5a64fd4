"""The order e-mails: payment confirmation (with the e-tickets) and refund notice.

Both are written in the order's language. The confirmation carries the order
PDF as an attachment (or, when the PDF is larger than TICKET_MAIL_ATTACH_MAX_KB,
only the signed download links), one signed link per ticket and an `.ics` file
per event. Each mail is noted in the order's audit trail (through the lifecycle)
in the same commit as its due record (`queue_mail`), so a retried job never sends
it twice and a lost one is sent by the reconciler. A resend is noted
once, with who asked, when it is requested (`request_resend`); its job then sends
without that check.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import update
from sqlmodel import Session, col, select

from ticketapp.i18n import gettext, normalize_locale, translate
from ticketapp.models import Event, Order, OrderLog, Refund, Ticket, TicketStatus, TicketType, Venue
from ticketapp.services import hooks
from ticketapp.services.catalog.translations import event_description, event_title, type_name
from ticketapp.services.invoicing.links import invoice_path
from ticketapp.services.invoicing.numbering import current_invoice
from ticketapp.services.invoicing.pdf import invoice_pdf
from ticketapp.services.invoicing.tax import paid_label
from ticketapp.services.messaging import templates
from ticketapp.services.orders import lifecycle
from ticketapp.services.orders.summary import OrderSummary, summarize_order
from ticketapp.services.shared.calendar import event_ics
from ticketapp.services.shared.dates import format_deadline, format_event_datetime
from ticketapp.services.shared.mail import (
    Attachment,
    MailBlock,
    MailBody,
    MailLink,
    bullets,
    button,
    link_list,
    paragraph,
    queue_mail,
    render,
)
from ticketapp.services.shared.money import Money, format_money
from ticketapp.services.shared.origin import app_base_url, serving
from ticketapp.services.tickets.links import ticket_download_url
from ticketapp.settings import get_settings

CONFIRMATION_NOTE = "confirmation e-mail sent"
BANK_TRANSFER_NOTE = "bank transfer e-mail sent"
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


def claim_mail(session: Session, order_id: int, note: str) -> Order | None:
    """Note that a mail goes out, holding the order's lock; None when it was already sent.

    The caller builds the mail and `queue_mail` commits the note with the mail's due record,
    so the note never stands without a mail that will be delivered.
    """
    order = _lock(session, order_id)
    if order is None or _already_noted(session, order_id, note):
        session.rollback()
        return None
    lifecycle.note(session, order_id, note)
    return order


def request_resend(session: Session, order_id: int, *, actor_id: int | None) -> None:
    """Someone (an admin, or the customer) asks for the confirmation again: note who, then queue it (commits)."""
    lifecycle.note(session, order_id, RESEND_NOTE, actor_id=actor_id)
    session.commit()
    hooks.emit("order.confirmation_resend", order_id=order_id)


def ticket_links(session: Session, order: Order) -> list[TicketLink]:
    rows = session.exec(
        select(Ticket, TicketType)
        .join(TicketType, col(TicketType.id) == Ticket.ticket_type_id)
        .where(Ticket.order_id == order.id)
        .order_by(col(Ticket.id))
    ).all()
    lang = normalize_locale(order.locale)
    links = []
    for ticket, ticket_type in rows:
        name = type_name(ticket_type, lang)
        links.append(
            TicketLink(
                code=ticket.code,
                label=f"{name}: {ticket.attendee_name}" if ticket.attendee_name else name,
                url=ticket_download_url(ticket.code),
                void=ticket.status == TicketStatus.VOID,
            )
        )
    return links


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
    base = app_base_url()
    lang = normalize_locale(order.locale)
    return [
        Attachment(
            f"{event.slug}.ics",
            event_ics(
                event,
                venue,
                f"{base}/events/{event.slug}",
                title=event_title(event, lang),
                description=event_description(event, lang),
            ).encode(),
            "text/calendar",
        )
        for event, venue in _order_events(session, order)
    ]


def invoice_attachments(session: Session, order: Order) -> list[Attachment]:
    """The order's current invoice as a PDF in the buyer's language (none for a free order, or over the limit)."""
    invoice = current_invoice(session, order.id or 0)
    if invoice is None:
        return []
    settings = get_settings()
    path = invoice_pdf(session, invoice, settings.ticket_cache_dir, order.locale)
    if path.stat().st_size > settings.ticket_mail_attach_max_kb * 1024:
        return []  # over the mail size limit, as the tickets: the mail's signed link downloads it
    return [Attachment(f"{invoice.code}.pdf", path.read_bytes(), "application/pdf")]


def _summary_lines(summary: OrderSummary, lang: str) -> list[str]:
    lines = [
        f"{line.quantity} × {line.ticket_type} — {line.event_title} "
        f"({format_event_datetime(line.event_starts_at, line.timezone, lang)}, {line.venue_name}): "
        f"{format_money(line.subtotal, lang)}"
        + (f" ({label})" if (label := paid_label(line.tax_rate_bp, line.reverse_charged, lang)) else "")
        for line in summary.lines
    ]
    if summary.promo_code and summary.discount.amount_minor:
        lines.append(promo_line(summary, lang))
    return lines


def promo_line(summary: OrderSummary, lang: str) -> str:
    """'Promo code SPRING: −€10.00 (included above)'."""
    return translate(
        lang,
        "Promo code {code}: −{amount} (included above)",
        code=summary.promo_code or "",
        amount=format_money(summary.discount, lang),
    )


def confirmation_body(
    summary: OrderSummary,
    order_url: str,
    links: list[TicketLink],
    lang: str,
    attached: bool,
    custom: templates.Custom | None = None,
) -> MailBody:
    """Text and HTML of the payment confirmation (already localized)."""
    greeting = translate(lang, "Hello {name},", name=summary.buyer_name)
    intro = translate(lang, "Thank you for your order {code}: your payment is confirmed.", code=summary.code)
    total = translate(lang, "Total paid: {amount}", amount=format_money(summary.total, lang))
    tickets_note = (
        gettext(lang, "Your e-tickets are attached to this e-mail as a PDF. Show the QR code at the entrance.")
        if attached
        else gettext(lang, "Download your e-tickets with the links below. Show the QR code at the entrance.")
    )
    ticket_links = [MailLink(link.code, link.label, link.url) for link in links if not link.void]
    blocks = [
        *templates.blocks_or(custom, [paragraph(greeting), paragraph(intro)]),
        bullets(_summary_lines(summary, lang)),
        paragraph(total, strong=True),
        paragraph(tickets_note),
        link_list(gettext(lang, "Your tickets"), ticket_links),
        *_invoice_blocks(summary, lang),
        paragraph(gettext(lang, "Add the event to your calendar with the attached .ics file.")),
        button(gettext(lang, "View my order"), order_url),
    ]
    return render(blocks, lang)


def _invoice_blocks(summary: OrderSummary, lang: str) -> list[MailBlock]:
    """The invoice's number and download link (the PDF itself is attached)."""
    invoices = [ref for ref in summary.invoices if ref.kind == "invoice"]
    if not invoices:
        return []
    code = invoices[-1].code
    url = app_base_url() + invoice_path(code, summary.code)
    text = translate(lang, "Your invoice {code}: download it as a PDF with the link below.", code=code)
    link = MailLink(gettext(lang, "Download the invoice"), code, url)
    return [paragraph(text), link_list(gettext(lang, "Invoice"), [link])]


def _pdf_attachment(order: Order, pdf_path: Path | None) -> Attachment | None:
    if pdf_path is None or not pdf_path.exists():
        return None
    if pdf_path.stat().st_size > get_settings().ticket_mail_attach_max_kb * 1024:
        return None  # too large for comfortable mail: the per-ticket links do the job
    return Attachment(f"tickets-{order.code}.pdf", pdf_path.read_bytes(), "application/pdf")


def send_confirmation(session: Session, order_id: int, pdf_path: Path | None, *, resend: bool = False) -> bool:
    """E-mail the payment confirmation once (or again when `resend`); True when a mail was queued.

    A resend was noted when it was asked for (`request_resend`), so it is not claimed again here.
    """
    from ticketapp.services.orders.payments import status_url

    order = session.get(Order, order_id) if resend else claim_mail(session, order_id, CONFIRMATION_NOTE)
    if order is None:
        return False
    lang = normalize_locale(order.locale)
    attachment = _pdf_attachment(order, pdf_path)
    summary = summarize_order(session, order.code)
    assert summary is not None  # noqa: S101  (the order was just locked)
    with serving(order.origin):  # sent by the job worker: links to the host the buyer ordered on
        links = ticket_links(session, order)
        custom = _custom(session, order, templates.TemplateKind.CONFIRMATION, lang)
        body = confirmation_body(
            summary, status_url(order), links, lang, attached=attachment is not None, custom=custom
        )
        attachments = ([attachment] if attachment else []) + invoice_attachments(session, order)
        attachments += calendar_attachments(session, order)
    subject = custom.subject if custom else translate(lang, "Your tickets for order {code}", code=order.code)
    queue_mail(session, order.buyer_email, subject, body.text, body.html, attachments)
    return True


def bank_transfer_body(summary: OrderSummary, order_url: str, lang: str) -> MailBody:
    """What a buyer needs to pay by transfer, kept in their mailbox (a guest who closes the tab keeps it)."""
    bank = summary.bank
    zone = summary.lines[0].timezone if summary.lines else "UTC"
    details = [
        translate(lang, "Account holder: {value}", value=bank.account_holder),
        f"IBAN: {bank.iban}",
        f"BIC: {bank.bic}",
        translate(lang, "Reference: {value}", value=bank.reference),
        translate(lang, "Amount: {value}", value=format_money(summary.total, lang)),
    ]
    blocks = [
        paragraph(translate(lang, "Hello {name},", name=summary.buyer_name)),
        paragraph(
            translate(lang, "Your order {code} is reserved until we receive your bank transfer.", code=summary.code)
        ),
        bullets(_summary_lines(summary, lang)),
        bullets(details, title=gettext(lang, "Please transfer the total to the account below, quoting the reference.")),
    ]
    if summary.expires_at is not None:
        deadline = format_deadline(summary.expires_at, zone, lang)
        blocks.append(
            paragraph(
                translate(lang, "Pay by {deadline}: after that the tickets are released.", deadline=deadline),
                strong=True,
            )
        )
    blocks += [
        paragraph(gettext(lang, "Your e-tickets are sent to you once the transfer has arrived.")),
        button(gettext(lang, "View my order"), order_url),
    ]
    return render(blocks, lang)


def send_bank_transfer_details(session: Session, order_id: int) -> bool:
    """E-mail the bank details of an order waiting for its transfer, once; True when a mail was queued."""
    from ticketapp.services.orders.payments import status_url

    order = claim_mail(session, order_id, BANK_TRANSFER_NOTE)
    if order is None:
        return False
    lang = normalize_locale(order.locale)
    summary = summarize_order(session, order.code)
    assert summary is not None  # noqa: S101  (the order was just locked)
    with serving(order.origin):
        body = bank_transfer_body(summary, status_url(order), lang)
    subject = translate(lang, "Bank transfer details for order {code}", code=order.code)
    queue_mail(session, order.buyer_email, subject, body.text, body.html)
    return True


def _custom(session: Session, order: Order, kind: str, lang: str, **extra: str) -> templates.Custom | None:
    """The event's template for this order mail, filled with the order's values (None: the built-in text)."""
    from ticketapp.services.orders.payments import status_url

    events = _order_events(session, order)
    if not events:
        return None
    values = {"buyer_name": order.buyer_name, "order_code": order.code, "order_link": status_url(order), **extra}
    return templates.customise(session, kind, events[0][0].id, lang, values)


def refund_body(
    order: Order,
    refund: Refund,
    links: list[TicketLink],
    order_url: str,
    lang: str,
    custom: templates.Custom | None = None,
) -> MailBody:
    greeting = translate(lang, "Hello {name},", name=order.buyer_name)
    amount = format_money(Money(refund.amount_minor, refund.currency), lang)
    intro = translate(lang, "We have refunded {amount} for your order {code}.", amount=amount, code=order.code)
    delay = gettext(lang, "The money goes back to the payment method you used; banks may take a few days.")
    void_codes = [f"{link.code} ({link.label})" for link in links if link.void]
    blocks = templates.blocks_or(custom, [paragraph(greeting), paragraph(intro), paragraph(delay)])
    if void_codes:
        blocks.append(bullets(void_codes, title=gettext(lang, "These tickets are no longer valid:")))
    blocks.append(button(gettext(lang, "View my order"), order_url))
    return render(blocks, lang)


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
    amount = format_money(Money(refund.amount_minor, refund.currency), lang)
    with serving(order.origin):  # the template's {order_link} too
        custom = _custom(session, order, templates.TemplateKind.REFUND, lang, refund_amount=amount)
        body = refund_body(order, refund, ticket_links(session, order), status_url(order), lang, custom)
    subject = custom.subject if custom else translate(lang, "Refund for order {code}", code=order.code)
    queue_mail(session, order.buyer_email, subject, body.text, body.html)
    return True
