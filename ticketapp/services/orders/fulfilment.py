"""What happens after an order is paid or refunded (run as background jobs).

Every step is idempotent, so a retried job is harmless: tickets are only topped
up, the PDF comes from a content-addressed cache, and each e-mail is recorded in
the order's audit trail before it is queued.
"""

from __future__ import annotations

from pathlib import Path

from sqlmodel import Session

from ticketapp.i18n import normalize_locale
from ticketapp.models import PAID_STATUSES, Order, ReviewState
from ticketapp.services.orders.mail import send_confirmation, send_refund_notice
from ticketapp.services.shared import bus
from ticketapp.services.tickets.issuing import issue_tickets
from ticketapp.services.tickets.pdf import order_pdf
from ticketapp.services.tickets.tokens import get_signing_key
from ticketapp.settings import get_settings


def render_order(session: Session, order: Order) -> Path:
    """The order's PDF in its language (rendered once, then served from the cache)."""
    settings = get_settings()
    lang = normalize_locale(order.locale)
    return order_pdf(
        session, order.id or 0, lang, get_signing_key(), settings.ticket_cache_dir, settings.organiser_name
    )


def after_payment(session: Session, order_id: int) -> None:
    """Issue the e-tickets, render the order PDF and send the confirmation e-mail (idempotent)."""
    order = session.get(Order, order_id)
    if order is None or order.status not in PAID_STATUSES or order.review_state == ReviewState.HELD:
        return  # refunded at once because the seats were gone, or held for risk review: nothing to deliver
    issue_tickets(session, order_id)
    # Open order pages (the admin's) follow the order: they show the tickets, then the mail in the trail.
    bus.publish(bus.order_topic(order.code), {"fact": "tickets"})
    send_confirmation(session, order_id, render_order(session, order))
    bus.publish(bus.order_topic(order.code), {"fact": "confirmation"})


def resend_confirmation(session: Session, order_id: int) -> bool:
    """Send the confirmation again (customer or admin asked); False when the order has no tickets to send."""
    order = session.get(Order, order_id)
    if order is None or order.status not in PAID_STATUSES or order.review_state == ReviewState.HELD:
        return False
    issue_tickets(session, order_id)
    return send_confirmation(session, order_id, render_order(session, order), resend=True)


def after_refund(session: Session, order_id: int, refund_id: int) -> None:
    """Tell the customer about the refund and which tickets are now void (once per refund)."""
    send_refund_notice(session, order_id, refund_id)
