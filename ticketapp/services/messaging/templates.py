"""Editable mail templates: an organiser's subject and text per event, kind and language.

The order mails (confirmation, refund), the waiting-list offer and the transfer offer ask `customise`
for the event's template: when one is set for the mail's language its subject and paragraphs replace the
built-in greeting and introduction; the mail's working parts (ticket links, buttons, attachments) stay as
built. With none set the built-in text goes out unchanged. Placeholders are `{name}` fields, checked on
save against the kind's list, so a typo is refused then rather than mailed.
"""

from __future__ import annotations

import string
from dataclasses import dataclass

from sqlmodel import Session, select

from ticketapp.i18n import gettext, msgid, normalize_locale, translate
from ticketapp.models import Event, MailTemplate, TemplateKind, Venue, utcnow
from ticketapp.services.errors import DomainError
from ticketapp.services.shared.dates import format_event_datetime
from ticketapp.services.shared.mail import MailBlock, paragraph
from ticketapp.settings import SUPPORTED_LOCALES

SUBJECT_MAX = 200
BODY_MAX = 10_000

EVENT_FIELDS = ("event_title", "event_start", "event_end", "venue")
ORDER_FIELDS = ("buyer_name", "order_code", "order_link")
PLACEHOLDERS: dict[str, tuple[str, ...]] = {
    TemplateKind.CONFIRMATION: (*ORDER_FIELDS, *EVENT_FIELDS),
    TemplateKind.REMINDER: (*ORDER_FIELDS, *EVENT_FIELDS),
    TemplateKind.REFUND: (*ORDER_FIELDS, "refund_amount", *EVENT_FIELDS),
    TemplateKind.WAITLIST_OFFER: ("ticket_type", "quantity", "offer_until", *EVENT_FIELDS),
    TemplateKind.TRANSFER: ("recipient_name", "sender_name", *EVENT_FIELDS),
}
KIND_LABELS: dict[str, str] = {
    TemplateKind.CONFIRMATION: msgid("Payment confirmation"),
    TemplateKind.REMINDER: msgid("Reminder"),
    TemplateKind.REFUND: msgid("Refund notice"),
    TemplateKind.WAITLIST_OFFER: msgid("Waiting-list offer"),
    TemplateKind.TRANSFER: msgid("Ticket transfer offer"),
}


class TemplateError(DomainError):
    """A template that cannot be saved (unknown placeholder, broken braces, too long, unknown kind)."""


@dataclass(frozen=True)
class Custom:
    subject: str
    paragraphs: list[str]


def _fields(text: str) -> list[str]:
    try:
        return [name for _, name, _spec, _conv in string.Formatter().parse(text) if name is not None]
    except ValueError as broken:
        raise TemplateError(msgid("A brace is not closed or not opened: write placeholders as {name}.")) from broken


def validate(kind: str, subject: str, body: str) -> None:
    """Refuse a template that would not render: every `{field}` must be one of the kind's placeholders."""
    if kind not in PLACEHOLDERS:
        raise TemplateError(msgid("Unknown kind of e-mail."))
    if not subject.strip() or not body.strip():
        raise TemplateError(msgid("Write a subject and a text."))
    if len(subject) > SUBJECT_MAX or len(body) > BODY_MAX:
        raise TemplateError(msgid("The subject or the text is too long."))
    allowed = PLACEHOLDERS[kind]
    for name in _fields(subject) + _fields(body):
        if name not in allowed:
            raise TemplateError(
                msgid("Unknown placeholder {{{name}}}. Available: {available}"),
                name=name or " ",
                available=", ".join("{" + field + "}" for field in allowed),
            )


def fill(text: str, values: dict[str, str]) -> str:
    """The text with its placeholders filled (a field without a value is left empty, never an error)."""
    return string.Formatter().vformat(text, (), _Defaulting(values))


class _Defaulting(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return ""


def paragraphs_of(text: str) -> list[str]:
    return [part.strip() for part in text.replace("\r\n", "\n").split("\n\n") if part.strip()]


def find(session: Session, event_id: int, kind: str, lang: str) -> MailTemplate | None:
    return session.exec(
        select(MailTemplate).where(
            MailTemplate.event_id == event_id, MailTemplate.kind == kind, MailTemplate.lang == lang
        )
    ).first()


def event_values(session: Session, event_id: int | None, lang: str) -> dict[str, str]:
    event = session.get(Event, event_id) if event_id else None
    if event is None:
        return {}
    venue = session.get(Venue, event.venue_id)
    zone = venue.timezone if venue else "UTC"
    return {
        "event_title": event.title,
        "event_start": format_event_datetime(event.starts_at, zone, lang),
        "event_end": format_event_datetime(event.ends_at, zone, lang),
        "venue": venue.name if venue else "",
    }


def customise(session: Session, kind: str, event_id: int | None, lang: str, values: dict[str, str]) -> Custom | None:
    """The event's own subject and paragraphs for this mail in `lang`, filled; None: use the built-in text.

    The one place every mail builder asks; `values` are the mail's own placeholders (event ones are added).
    """
    if not event_id:
        return None
    lang = normalize_locale(lang)
    template = find(session, event_id, kind, lang)
    if template is None:
        return None
    filled = event_values(session, event_id, lang) | values
    return Custom(fill(template.subject, filled), paragraphs_of(fill(template.body, filled)))


def blocks_or(custom: Custom | None, built_in: list[MailBlock]) -> list[MailBlock]:
    """The template's paragraphs in place of the built-in opening, when there is a template."""
    return [paragraph(text) for text in custom.paragraphs] if custom else built_in


def built_in(kind: str, lang: str) -> tuple[str, str]:
    """The built-in subject and opening written with placeholders: the starting text of the editor.

    Made from the catalogue's own sentences, so it reads as the mail does in that language.
    """
    hello = translate(lang, "Hello {name},", name="{buyer_name}")
    if kind == TemplateKind.CONFIRMATION:
        subject = translate(lang, "Your tickets for order {code}", code="{order_code}")
        intro = translate(lang, "Thank you for your order {code}: your payment is confirmed.", code="{order_code}")
        return subject, f"{hello}\n\n{intro}"
    if kind == TemplateKind.REFUND:
        subject = translate(lang, "Refund for order {code}", code="{order_code}")
        intro = translate(
            lang, "We have refunded {amount} for your order {code}.", amount="{refund_amount}", code="{order_code}"
        )
        delay = gettext(lang, "The money goes back to the payment method you used; banks may take a few days.")
        return subject, f"{hello}\n\n{intro}\n\n{delay}"
    if kind == TemplateKind.WAITLIST_OFFER:
        subject = translate(lang, "Tickets are waiting for you: {event}", event="{event_title}")
        intro = translate(
            lang,
            "Good news: {quantity} × {type} for {event} are reserved for you until {until}.",
            quantity="{quantity}",
            type="{ticket_type}",
            event="{event_title}",
            until="{offer_until}",
        )
        return subject, intro
    if kind == TemplateKind.TRANSFER:
        subject = translate(lang, "A ticket for {event} from {sender}", event="{event_title}", sender="{sender_name}")
        greet = translate(lang, "Hello {name},", name="{recipient_name}")
        intro = translate(
            lang,
            "{sender} is giving you a ticket for {event}. Accept it with the link below: the ticket is then "
            "yours and the sender's copy stops working.",
            sender="{sender_name}",
            event="{event_title}",
        )
        return subject, f"{greet}\n\n{intro}"
    subject = translate(lang, "Reminder: {event} on {start}", event="{event_title}", start="{event_start}")
    intro = translate(
        lang,
        "{event} starts on {start} at {venue}. Your order {code} and its tickets: {link}",
        event="{event_title}",
        start="{event_start}",
        venue="{venue}",
        code="{order_code}",
        link="{order_link}",
    )
    return subject, f"{hello}\n\n{intro}"


def reminder_text(session: Session, event_id: int, lang: str) -> tuple[str, str]:
    """The reminder's subject and text in `lang`: the event's template, else the built-in one."""
    template = find(session, event_id, TemplateKind.REMINDER, lang)
    return (template.subject, template.body) if template else built_in(TemplateKind.REMINDER, lang)


def save(
    session: Session, event_id: int, kind: str, lang: str, subject: str, body: str, *, actor_id: int | None
) -> MailTemplate:
    """Create or replace the event's template for this kind and language (commits); refused when invalid."""
    if lang not in SUPPORTED_LOCALES:
        raise TemplateError(msgid("Unknown language."))
    if session.get(Event, event_id) is None:
        raise TemplateError(msgid("Event not found."))
    validate(kind, subject, body)
    template = find(session, event_id, kind, lang) or MailTemplate(
        event_id=event_id, kind=kind, lang=lang, subject="", body=""
    )
    template.subject, template.body = subject.strip(), body.strip()
    template.updated_at, template.updated_by = utcnow(), actor_id
    session.add(template)
    session.commit()
    session.refresh(template)
    return template


def reset(session: Session, event_id: int, kind: str, lang: str) -> bool:
    """Remove the event's template: the built-in text goes out again (commits); False when none was set."""
    template = find(session, event_id, kind, lang)
    if template is None:
        return False
    session.delete(template)
    session.commit()
    return True


SAMPLE_VALUES = {
    "buyer_name": "Ada Lovelace",
    "order_code": "AB12-CD34",
    "refund_amount": "€25.00",
    "ticket_type": "Standard",
    "quantity": "2",
    "offer_until": "—",
    "recipient_name": "Grace Hopper",
    "sender_name": "Ada Lovelace",
}


def preview(session: Session, event_id: int, kind: str, lang: str, subject: str, body: str) -> Custom:
    """The text as a buyer would read it, filled with a sample order (validated first: refused as on save)."""
    from ticketapp.services.messaging.audience import sample_values

    validate(kind, subject, body)
    values = event_values(session, event_id, lang) | SAMPLE_VALUES | sample_values(session, event_id)
    return Custom(fill(subject, values), paragraphs_of(fill(body, values)))
