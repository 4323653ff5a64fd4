"""The self-service e-mails: a refund request received or refused, a ticket transfer offered and accepted.

An approved (or automatic) refund is announced by the refund notice of `orders/mail.py`, like any
refund. Each function queues its mail with `queue_mail`, which commits it together with whatever
the caller changed (the request, the transfer, their line in the order's trail).
"""

from __future__ import annotations

from sqlmodel import Session

from ticketapp.i18n import gettext, normalize_locale, translate
from ticketapp.models import Order, RefundRequest, TemplateKind, Ticket
from ticketapp.services.messaging import templates
from ticketapp.services.orders.providers.base import status_url
from ticketapp.services.shared.mail import button, paragraph, queue_mail, render
from ticketapp.services.shared.money import Money, format_money
from ticketapp.services.tickets.links import ticket_download_url
from ticketapp.settings import get_settings


def _amount(request: RefundRequest, lang: str) -> str:
    return format_money(Money(request.amount_minor, request.currency), lang)


def queue_request_received(session: Session, order: Order, request: RefundRequest) -> None:
    """The request waits for the organiser: tell the buyer what was asked and that they will hear back."""
    lang = normalize_locale(order.locale)
    blocks = [
        paragraph(translate(lang, "Hello {name},", name=order.buyer_name)),
        paragraph(
            translate(
                lang,
                "We received your refund request for order {code} ({amount}). The organiser reviews it and "
                "you will get an e-mail with the decision.",
                code=order.code,
                amount=_amount(request, lang),
            )
        ),
        button(gettext(lang, "View my order"), status_url(order)),
    ]
    body = render(blocks, lang)
    subject = translate(lang, "Refund request for order {code}", code=order.code)
    queue_mail(session, order.buyer_email, subject, body.text, body.html)


def queue_request_denied(session: Session, order: Order, request: RefundRequest) -> None:
    lang = normalize_locale(order.locale)
    blocks = [
        paragraph(translate(lang, "Hello {name},", name=order.buyer_name)),
        paragraph(translate(lang, "Your refund request for order {code} was declined.", code=order.code)),
        paragraph(translate(lang, "Reason: {reason}", reason=request.decision_reason)),
        paragraph(gettext(lang, "Your tickets stay valid.")),
        button(gettext(lang, "View my order"), status_url(order)),
    ]
    body = render(blocks, lang)
    subject = translate(lang, "Refund request for order {code}", code=order.code)
    queue_mail(session, order.buyer_email, subject, body.text, body.html)


def queue_transfer_offer(
    session: Session,
    to_name: str,
    to_email: str,
    from_name: str,
    event_title: str,
    accept_url: str,
    lang: str,
    *,
    event_id: int | None = None,
) -> None:
    values = {"recipient_name": to_name, "sender_name": from_name}
    custom = templates.customise(session, TemplateKind.TRANSFER, event_id, lang, values)
    opening = [
        paragraph(translate(lang, "Hello {name},", name=to_name)),
        paragraph(
            translate(
                lang,
                "{sender} is giving you a ticket for {event}. Accept it with the link below: the ticket is then "
                "yours and the sender's copy stops working.",
                sender=from_name,
                event=event_title,
            )
        ),
    ]
    blocks = [
        *templates.blocks_or(custom, opening),
        button(gettext(lang, "Accept the ticket"), accept_url),
        paragraph(gettext(lang, "The link works once. If you do not want the ticket, ignore this e-mail.")),
    ]
    body = render(blocks, lang)
    subject = (
        custom.subject
        if custom
        else translate(lang, "A ticket for {event} from {sender}", event=event_title, sender=from_name)
    )
    queue_mail(session, to_email, subject, body.text, body.html)


def queue_transfer_done(
    session: Session,
    ticket: Ticket,
    order: Order,
    event_title: str,
    previous: tuple[str, str],
    *,
    has_account: bool,
    lang: str,
) -> None:
    """The new holder gets their ticket (a signed download link); the previous one (name, e-mail) learns it left."""
    holder_email = ticket.holder_email or ""
    where = (
        gettext(lang, "It is also in your account, under My tickets.")
        if has_account
        else gettext(lang, "Keep this e-mail: the link below is your ticket.")
    )
    blocks = [
        paragraph(translate(lang, "Hello {name},", name=ticket.attendee_name or holder_email)),
        paragraph(translate(lang, "Your ticket {code} for {event} is ready.", code=ticket.code, event=event_title)),
        paragraph(where),
        button(gettext(lang, "Download my ticket"), ticket_download_url(ticket.code)),
    ]
    if has_account:
        blocks.append(button(gettext(lang, "My tickets"), f"{get_settings().base_url}/account/tickets"))
    body = render(blocks, lang)
    queue_mail(
        session, holder_email, translate(lang, "Your ticket for {event}", event=event_title), body.text, body.html
    )
    buyer_lang = normalize_locale(order.locale)
    notice = render(
        [
            paragraph(translate(buyer_lang, "Hello {name},", name=previous[0])),
            paragraph(
                translate(
                    buyer_lang,
                    "{recipient} accepted the ticket you transferred for {event}. Its previous QR code no "
                    "longer admits anyone.",
                    recipient=holder_email,
                    event=event_title,
                )
            ),
        ],
        buyer_lang,
    )
    subject = translate(buyer_lang, "Your ticket transfer for {event} was accepted", event=event_title)
    queue_mail(session, previous[1], subject, notice.text, notice.html)
