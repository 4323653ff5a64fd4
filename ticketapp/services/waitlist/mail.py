"""The waiting-list e-mails (confirm your place, seats offered), in the language the person chose.

Both are recorded as due in the transaction that causes them (`record_mail`): the caller commits and
then starts their delivery, so a lost job delays a mail but never loses it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session

from ticketapp.i18n import gettext, translate
from ticketapp.models import TemplateKind
from ticketapp.services.messaging import templates
from ticketapp.services.shared.dates import format_event_datetime
from ticketapp.services.shared.mail import compose, record_mail
from ticketapp.services.shared.signing import sign
from ticketapp.settings import get_settings

CONFIRM_PURPOSE = "waitlist-confirm"
OFFER_PURPOSE = "waitlist-offer"


@dataclass(frozen=True)
class MailContext:
    """What the mails say about the ticket type."""

    event_title: str
    type_name: str
    timezone: str
    event_id: int = 0


def confirm_value(entry_id: int, email: str) -> str:
    return f"{entry_id}.{email}"


def offer_value(entry_id: int, offered_at: datetime) -> str:
    """Each offer signs its own time: a link of an earlier offer to the same person never works again."""
    return f"{entry_id}.{int(offered_at.timestamp() * 1000)}"


def confirm_url(entry_id: int, email: str) -> str:
    sig = sign(confirm_value(entry_id, email), CONFIRM_PURPOSE)
    return f"{get_settings().base_url}/waitlist/confirm?entry={entry_id}&sig={sig}"


def offer_url(entry_id: int, offered_at: datetime) -> str:
    sig = sign(offer_value(entry_id, offered_at), OFFER_PURPOSE)
    return f"{get_settings().base_url}/waitlist/offer?entry={entry_id}&sig={sig}"


def _footer(lang: str) -> str:
    return gettext(lang, "You get this e-mail because this address joined a waiting list on Ticketapp.")


def record_confirm_mail(
    session: Session, entry_id: int, email: str, quantity: int, lang: str, about: MailContext
) -> dict[str, Any]:
    body = compose(
        [
            translate(
                lang,
                "You asked to join the waiting list for {quantity} × {type} — {event}.",
                quantity=quantity,
                type=about.type_name,
                event=about.event_title,
            ),
            gettext(lang, "Please confirm with the link below: only then do you take your place in line."),
        ],
        lang=lang,
        link_label=gettext(lang, "Confirm my place"),
        link_url=confirm_url(entry_id, email),
        footer_text=_footer(lang),
    )
    subject = gettext(lang, "Confirm your place on the waiting list")
    return record_mail(session, email, subject, body.text, body.html)


def record_offer_mail(
    session: Session,
    entry_id: int,
    email: str,
    quantity: int,
    lang: str,
    about: MailContext,
    offered_at: datetime,
    until: datetime,
) -> dict[str, Any]:
    until_text = format_event_datetime(until, about.timezone, lang)
    custom = templates.customise(
        session,
        TemplateKind.WAITLIST_OFFER,
        about.event_id,
        lang,
        {"ticket_type": about.type_name, "quantity": str(quantity), "offer_until": until_text},
    )
    built_in = [
        translate(
            lang,
            "Good news: {quantity} × {type} for {event} are reserved for you until {until}.",
            quantity=quantity,
            type=about.type_name,
            event=about.event_title,
            until=until_text,
        ),
        gettext(
            lang,
            "Open the link below to put them in your cart and pay. The link works once; "
            "after that time the seats go to the next person in line.",
        ),
    ]
    body = compose(
        custom.paragraphs if custom else built_in,
        lang=lang,
        link_label=gettext(lang, "Get my tickets"),
        link_url=offer_url(entry_id, offered_at),
        footer_text=_footer(lang),
    )
    subject = (
        custom.subject if custom else translate(lang, "Tickets are waiting for you: {event}", event=about.event_title)
    )
    return record_mail(session, email, subject, body.text, body.html)
