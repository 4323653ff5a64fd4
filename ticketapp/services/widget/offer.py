"""What the widget shows (an event's ticket types with prices and what is left) and the cart it starts."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from ticketapp.i18n import msgid, normalize_locale, translate
from ticketapp.services.booking import holds
from ticketapp.services.booking.inventory import availability, new_cart_token
from ticketapp.services.catalog.public import get_public_event
from ticketapp.services.errors import DomainError
from ticketapp.services.shared.dates import format_event_datetime

MAX_LINES = 20
LABELS = {
    "region": msgid("Tickets"),
    "quantity": msgid("Quantity of"),
    "sold_out": msgid("Sold out"),
    "continue": msgid("Continue to checkout"),
    "choose": msgid("Choose at least one ticket."),
}


def event_document(session: Session, slug: str, lang: str) -> dict[str, Any] | None:
    """The JSON the widget renders, with its labels in `lang`; None for an unknown or draft event."""
    lang = normalize_locale(lang)
    event = get_public_event(session, slug[:200])
    if event is None:
        return None
    on_sale = event.status == "published" and not event.is_past
    free = availability(session, [t.id for t in event.ticket_types])
    types = []
    for ticket_type in event.ticket_types:
        counts = free.get(ticket_type.id)
        left = max(0, counts.remaining) if on_sale and counts is not None else 0
        types.append(
            {
                "id": ticket_type.id,
                "name": ticket_type.name,
                "description": ticket_type.description,
                "price": ticket_type.price.format(lang),
                "max": min(left, ticket_type.max_per_order),
            }
        )
    return {
        "slug": event.slug,
        "title": event.title,
        "starts_at": event.starts_at.isoformat(),
        "when": format_event_datetime(event.starts_at, event.venue.timezone, lang),
        "venue": event.venue.name,
        "on_sale": on_sale,
        "ticket_types": types,
        "labels": {key: translate(lang, text) for key, text in LABELS.items()},
    }


def start_cart(session: Session, slug: str, quantities: dict[int, int]) -> str:
    """A new cart holding `quantities` of the event's types; returns its token. DomainError (nothing held)
    when a type is not the event's, a quantity is refused or the seats are gone."""
    event = get_public_event(session, slug[:200])
    wanted = {type_id: n for type_id, n in list(quantities.items())[:MAX_LINES] if n > 0}
    if event is None or not wanted or not set(wanted) <= {t.id for t in event.ticket_types}:
        raise DomainError(LABELS["choose"])
    token = new_cart_token()
    for type_id, quantity in wanted.items():
        holds.set_hold_quantity(session, token, type_id, quantity)
    return token
