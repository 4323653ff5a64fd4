"""Admin management of events and their ticket types; every change is audited.

Capacity rule: a ticket type's capacity never goes below the seats already
taken (paid, or pending within the payment window) — the same definition of
"sold" that inventory uses to prevent overselling.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import ColumnElement, func
from sqlmodel import Session, col, select

from ticketapp.i18n import msgid, translate
from ticketapp.i18n.languages import supported
from ticketapp.models import (
    PAID_STATUSES,
    PENDING_STATUSES,
    Event,
    EventStatus,
    Order,
    OrderItem,
    OrderStatus,
    Ticket,
    TicketStatus,
    TicketType,
    Venue,
)
from ticketapp.models.types import utcnow
from ticketapp.services.accounts.audit import audit
from ticketapp.services.booking.inventory import counts_as_sold
from ticketapp.services.catalog import translations
from ticketapp.services.errors import DomainError
from ticketapp.services.orders import authorisations, lifecycle
from ticketapp.services.orders.lifecycle import OrderError
from ticketapp.services.orders.refunds import refund_order
from ticketapp.services.orders.self_service import EventPolicy
from ticketapp.services.waitlist import announce as waitlist_announce

CATEGORIES = ("concert", "theatre", "festival", "sport", "conference", "comedy", "exhibition", "other")


class AdminError(DomainError):
    """A refused admin change; nothing was changed."""


@dataclass
class TicketTypeInput:
    name: str
    price_minor: int
    capacity: int
    id: int | None = None
    description: str = ""
    sales_start: datetime | None = None
    sales_end: datetime | None = None
    max_per_order: int = 10
    tax_rate_bp: int = 0  # services/invoicing/tax: 2000 = 20 %
    tax_included: bool = True
    reverse_charge: bool = False
    # Its name in other languages: {"fr": {"name": "Tarif normal"}} (services/catalog/translations.py).
    translations: dict[str, dict[str, str]] | None = None
    hidden: bool = False  # shown and sold only with a promo code that unlocks it


@dataclass
class EventInput:
    title: str
    category: str
    venue_id: int
    starts_at: datetime
    ends_at: datetime
    currency: str
    description: str = ""
    max_tickets_per_customer: int | None = None
    collect_attendee_names: bool = False
    ticket_types: list[TicketTypeInput] = field(default_factory=list)
    policy: EventPolicy = field(default_factory=EventPolicy)  # refunds and transfers (orders/self_service.py)
    # The language title and description are written in, and the other languages' texts (translations.py).
    main_language: str = "en"
    translations: dict[str, dict[str, str]] | None = None


def slugify(title: str) -> str:
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")[:200] or "event"


def _unique_slug(session: Session, title: str) -> str:
    base = slugify(title)
    slug = base
    while session.exec(select(Event.id).where(Event.slug == slug)).first() is not None:
        slug = f"{base}-{secrets.token_hex(2)}"
    return slug


def check_event(session: Session, data: EventInput) -> None:
    if not data.title.strip() or len(data.title) > 200:
        raise AdminError(msgid("Please enter a title (at most 200 characters)."))
    if data.category not in CATEGORIES:
        raise AdminError(msgid("Please choose a category."))
    if session.get(Venue, data.venue_id) is None:
        raise AdminError(msgid("Please choose a venue."))
    if data.ends_at <= data.starts_at:
        raise AdminError(msgid("The event must end after it starts."))
    if len(data.currency) != 3 or not data.currency.isalpha():
        raise AdminError(msgid("Please choose a currency."))
    if data.max_tickets_per_customer is not None and data.max_tickets_per_customer < 1:
        raise AdminError(msgid("The per-customer limit must be at least 1."))
    if problem := data.policy.problem():
        raise AdminError(problem)
    if supported(data.main_language) != data.main_language:
        raise AdminError(msgid("Please choose the event's main language."))
    for ticket_type in data.ticket_types:
        _check_type(ticket_type)


def _check_type(data: TicketTypeInput) -> None:
    if not data.name.strip() or len(data.name) > 120:
        raise AdminError(msgid("Each ticket type needs a name (at most 120 characters)."))
    if data.price_minor < 0 or data.capacity < 0:
        raise AdminError(msgid("Prices and capacities cannot be negative."))
    if data.max_per_order < 1:
        raise AdminError(msgid("The per-order limit must be at least 1."))
    if data.sales_start and data.sales_end and data.sales_end <= data.sales_start:
        raise AdminError(msgid("Sales must end after they start."))


def sold_per_type(session: Session, ticket_type_ids: list[int], now: datetime | None = None) -> dict[int, int]:
    """Seats taken per ticket type (paid, or pending within the payment window)."""
    if not ticket_type_ids:
        return {}
    rows = session.exec(
        select(OrderItem.ticket_type_id, func.sum(OrderItem.quantity))
        .join(Order, col(Order.id) == OrderItem.order_id)
        .where(col(OrderItem.ticket_type_id).in_(ticket_type_ids), counts_as_sold(now or utcnow()))
        .group_by(col(OrderItem.ticket_type_id))
    ).all()
    return {int(t): int(q) for t, q in rows}


def _must_event(session: Session, event_id: int) -> Event:
    event = session.get(Event, event_id)
    if event is None:
        raise AdminError(msgid("Event not found."))
    return event


def create_event(session: Session, actor_id: int, data: EventInput) -> Event:
    check_event(session, data)
    event = add_event(session, data)
    audit(session, actor_id, "event.create", "event", event.id, title=event.title)
    session.commit()
    return event


def add_event(session: Session, data: EventInput, *, series_id: int | None = None, slug_hint: str = "") -> Event:
    """A draft event and its ticket types, flushed, not committed (create_event and series dates share it)."""
    event = Event(
        title=data.title.strip(),
        slug=_unique_slug(session, slug_hint or data.title),
        description=data.description,
        category=data.category,
        venue_id=data.venue_id,
        series_id=series_id,
        starts_at=data.starts_at,
        ends_at=data.ends_at,
        currency=data.currency.upper(),
        status=EventStatus.DRAFT,
        max_tickets_per_customer=data.max_tickets_per_customer,
        collect_attendee_names=data.collect_attendee_names,
        main_language=data.main_language,
        translations=translations.clean(data.translations, translations.EVENT_FIELDS, data.main_language),
    )
    data.policy.apply(event)
    session.add(event)
    session.flush()
    for position, ticket_type in enumerate(data.ticket_types):
        session.add(_new_type(event, ticket_type, position, data.main_language))
    return event


def _new_type(event: Event, data: TicketTypeInput, position: int, main_language: str) -> TicketType:
    return TicketType(
        translations=translations.clean(data.translations, translations.TYPE_FIELDS, main_language),
        event_id=event.id or 0,
        name=data.name.strip(),
        description=data.description,
        price_minor=data.price_minor,
        capacity=data.capacity,
        sales_start=data.sales_start,
        sales_end=data.sales_end,
        max_per_order=data.max_per_order,
        position=position,
        tax_rate_bp=data.tax_rate_bp,
        tax_included=data.tax_included,
        reverse_charge=data.reverse_charge,
        hidden=data.hidden,
    )


TYPE_COLUMNS = (
    "price_minor",
    "capacity",
    "sales_start",
    "sales_end",
    "max_per_order",
    "description",
    "tax_rate_bp",
    "tax_included",
    "reverse_charge",
    "hidden",
)


def update_event(session: Session, actor_id: int, event_id: int, data: EventInput) -> Event:
    """Save the event and its ticket types (added, changed, removed) in one transaction, or nothing."""
    event = _must_event(session, event_id)
    check_event(session, data)
    existing = {t.id: t for t in session.exec(select(TicketType).where(TicketType.event_id == event_id)).all()}
    sold = sold_per_type(session, [i for i in existing if i is not None])
    if data.currency.upper() != event.currency and any(sold.values()):
        raise AdminError(msgid("The currency cannot change once tickets are sold."))
    kept = {t.id for t in data.ticket_types if t.id is not None}
    if unknown := kept - set(existing):
        raise AdminError(msgid("Unknown ticket type {id}."), id=min(unknown))
    for removed in set(existing) - kept:
        if sold.get(removed or 0, 0) or _has_ordered(session, removed or 0):
            raise AdminError(msgid("“{name}” has orders and cannot be removed."), name=existing[removed].name)
    for ticket_type in data.ticket_types:
        if ticket_type.id is not None and ticket_type.capacity < sold.get(ticket_type.id, 0):
            raise AdminError(
                msgid("Capacity of “{name}” cannot be below the {sold} tickets already sold."),
                name=ticket_type.name,
                sold=sold[ticket_type.id],
            )
    for field_name in ("title", "description", "category", "venue_id", "starts_at", "ends_at"):
        setattr(event, field_name, getattr(data, field_name))
    event.currency = data.currency.upper()
    event.max_tickets_per_customer = data.max_tickets_per_customer
    event.collect_attendee_names = data.collect_attendee_names
    event.main_language = data.main_language
    event.translations = translations.clean(data.translations, translations.EVENT_FIELDS, data.main_language)
    data.policy.apply(event)
    event.updated_at = utcnow()
    for removed in set(existing) - kept:
        session.delete(existing[removed])
    for position, ticket_type in enumerate(data.ticket_types):
        if ticket_type.id is None:
            session.add(_new_type(event, ticket_type, position, data.main_language))
            continue
        row = existing[ticket_type.id]
        for name in TYPE_COLUMNS:
            setattr(row, name, getattr(ticket_type, name))
        row.name, row.position = ticket_type.name.strip(), position
        row.translations = translations.clean(ticket_type.translations, translations.TYPE_FIELDS, data.main_language)
    audit(session, actor_id, "event.update", "event", event.id, title=event.title)
    session.commit()
    waitlist_announce.seats_back(t for t in kept if t is not None)  # a capacity raised may free seats
    return event


def _has_ordered(session: Session, ticket_type_id: int) -> bool:
    return session.exec(select(OrderItem.id).where(OrderItem.ticket_type_id == ticket_type_id)).first() is not None


TITLE_MAX = 200  # Event.title's column


def copy_title(title: str, lang: str) -> str:
    """ "Jazz Night (copy)" in the admin's language, cut so it still fits the title column."""
    suffix = translate(lang, "{title} (copy)", title="")
    return translate(lang, "{title} (copy)", title=title[: TITLE_MAX - len(suffix)].rstrip())


def duplicate_event(session: Session, actor_id: int, event_id: int, lang: str = "en") -> Event:
    """A draft copy with the same ticket types (nothing sold), to edit dates and publish.

    Its title says it is a copy, so lists and filters never show two identical entries."""
    source = _must_event(session, event_id)
    copy = Event(
        **source.model_dump(exclude={"id", "slug", "status", "created_at", "updated_at", "search_text", "title"}),
        title=copy_title(source.title, lang),
        slug=_unique_slug(session, f"{source.title} copy"),
        status=EventStatus.DRAFT,
    )
    session.add(copy)
    session.flush()
    types = session.exec(
        select(TicketType).where(TicketType.event_id == event_id).order_by(col(TicketType.position))
    ).all()
    for ticket_type in types:
        session.add(TicketType(**ticket_type.model_dump(exclude={"id", "event_id"}), event_id=copy.id or 0))
    audit(session, actor_id, "event.duplicate", "event", copy.id, source_event_id=event_id)
    session.commit()
    return copy


def publish_event(session: Session, actor_id: int, event_id: int) -> Event:
    event = _must_event(session, event_id)
    if event.status == EventStatus.CANCELLED:
        raise AdminError(msgid("A cancelled event cannot be published again."))
    if session.exec(select(TicketType.id).where(TicketType.event_id == event_id)).first() is None:
        raise AdminError(msgid("Add at least one ticket type before publishing."))
    event.status, event.updated_at = EventStatus.PUBLISHED, utcnow()
    audit(session, actor_id, "event.publish", "event", event_id)
    session.commit()
    return event


def unpublish_event(session: Session, actor_id: int, event_id: int) -> Event:
    event = _must_event(session, event_id)
    if event.status != EventStatus.PUBLISHED:
        raise AdminError(msgid("Only a published event can be unpublished."))
    event.status, event.updated_at = EventStatus.DRAFT, utcnow()
    audit(session, actor_id, "event.unpublish", "event", event_id)
    session.commit()
    return event


@dataclass
class CancelResult:
    refunded_orders: int = 0
    cancelled_unpaid: int = 0
    failures: list[str] = field(default_factory=list)


def cancel_event(session: Session, actor_id: int, event_id: int, *, refund_orders: bool) -> CancelResult:
    """Cancel the event (off sale); optionally refund its tickets in every paid order and cancel unpaid ones."""
    event = _must_event(session, event_id)
    if event.status == EventStatus.CANCELLED:
        raise AdminError(msgid("This event is already cancelled."))
    event.status, event.updated_at = EventStatus.CANCELLED, utcnow()
    audit(session, actor_id, "event.cancel", "event", event_id, refund_orders=refund_orders)
    session.commit()
    result = CancelResult()
    if refund_orders:
        for order in _orders_of_event(session, event_id):
            _refund_or_cancel(session, actor_id, order, event_id, result)
    return result


def _orders_of_event(session: Session, event_id: int) -> list[Order]:
    order_ids = (
        select(OrderItem.order_id)
        .join(TicketType, col(TicketType.id) == OrderItem.ticket_type_id)
        .where(TicketType.event_id == event_id)
    )
    statuses = (*PAID_STATUSES, *PENDING_STATUSES)
    return list(session.exec(select(Order).where(col(Order.id).in_(order_ids), col(Order.status).in_(statuses))).all())


def _refund_or_cancel(session: Session, actor_id: int, order: Order, event_id: int, result: CancelResult) -> None:
    note = "event cancelled"
    if order.status in PENDING_STATUSES:
        try:  # a card authorised for a held order: let it go first (nothing was charged)
            if authorisations.release_authorisation(session, order):
                session.commit()
        except DomainError as refused:
            session.rollback()
            result.failures.append(f"{order.code}: {refused}")
            return
        if lifecycle.end_unpaid(session, order.id or 0, OrderStatus.CANCELLED, note, actor_id=actor_id):
            result.cancelled_unpaid += 1
        return
    tickets = session.exec(select(Ticket).where(Ticket.order_id == order.id, Ticket.status == TicketStatus.VALID)).all()
    of_event = session.exec(select(TicketType.id).where(TicketType.event_id == event_id)).all()
    mine = [t.id or 0 for t in tickets if t.ticket_type_id in set(of_event)]
    whole = not tickets or len(mine) == len(tickets)
    try:
        refund_order(session, order.code, ticket_ids=None if whole else mine, actor_id=actor_id, reason=note)
        result.refunded_orders += 1
    except OrderError as refused:
        session.rollback()
        result.failures.append(f"{order.code}: {refused.message}")


@dataclass
class EventRow:
    id: int
    title: str
    category: str
    status: str
    starts_at: datetime
    currency: str
    sold: int
    capacity: int


def list_events(
    session: Session,
    *,
    status: str | None = None,
    category: str | None = None,
    starts_from: datetime | None = None,
    starts_before: datetime | None = None,
    text: str = "",
    offset: int = 0,
    limit: int = 25,
) -> tuple[list[EventRow], int]:
    """A page of events (soonest first) with sell-through, and the total number matching."""
    conditions: list[ColumnElement[bool]] = []
    if status:
        conditions.append(col(Event.status) == status)
    if category:
        conditions.append(col(Event.category) == category)
    if starts_from:
        conditions.append(col(Event.starts_at) >= starts_from)
    if starts_before:
        conditions.append(col(Event.starts_at) < starts_before)
    if text.strip():
        conditions.append(col(Event.title).ilike(f"%{text.strip()}%"))
    total = int(session.exec(select(func.count()).select_from(Event).where(*conditions)).one())
    events = session.exec(
        select(Event)
        .where(*conditions)
        .order_by(col(Event.starts_at).desc(), col(Event.id))
        .offset(offset)
        .limit(limit)
    ).all()
    ids = [e.id or 0 for e in events]
    types = session.exec(select(TicketType).where(col(TicketType.event_id).in_(ids))).all() if ids else []
    sold = sold_per_type(session, [t.id or 0 for t in types])
    capacity: dict[int, int] = {}
    taken: dict[int, int] = {}
    for t in types:
        capacity[t.event_id] = capacity.get(t.event_id, 0) + t.capacity
        taken[t.event_id] = taken.get(t.event_id, 0) + sold.get(t.id or 0, 0)
    rows = [
        EventRow(
            e.id or 0,
            e.title,
            e.category,
            e.status,
            e.starts_at,
            e.currency,
            taken.get(e.id or 0, 0),
            capacity.get(e.id or 0, 0),
        )
        for e in events
    ]
    return rows, total


def set_event_image(session: Session, actor_id: int, event_id: int, image_url: str) -> Event:
    event = _must_event(session, event_id)
    event.image_url, event.updated_at = image_url, utcnow()
    audit(session, actor_id, "event.image", "event", event_id, image_url=image_url)
    session.commit()
    return event
