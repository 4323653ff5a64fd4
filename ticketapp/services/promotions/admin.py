"""Promo codes in the admin area: create, edit, (de)activate — audited — and the list with uses and discounts.

The only writer of `promo_code` rows. A form arrives as text (the admin's fields); `parse_spec` reads it
and refuses with a message the admin reads, before anything is written.
"""

from __future__ import annotations

import csv
import io
import re
import secrets
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from decimal import InvalidOperation

from sqlalchemy import func
from sqlmodel import Session, col, select

from ticketapp.i18n import msgid
from ticketapp.models import DiscountKind, Event, Order, PromoCode, PromoRedemption, TicketType, utcnow
from ticketapp.services.accounts.audit import audit
from ticketapp.services.booking.checkout import CODE_ALPHABET
from ticketapp.services.errors import DomainError
from ticketapp.services.promotions.codes import CODE_MAX, counts_as_use, live_uses, normalize
from ticketapp.services.shared.money import Money

CODE_PATTERN = re.compile(r"^[A-Z0-9_-]{3,40}$")
FIELDS = (
    "code",
    "event_id",
    "kind",
    "value",
    "ticket_type_ids",
    "max_uses",
    "max_uses_per_buyer",
    "valid_from",
    "valid_until",
    "min_quantity",
    "unlocks_ticket_type_ids",
)


class PromoAdminError(DomainError):
    """A refused change to a promo code: nothing was written."""


@dataclass(frozen=True)
class CodeSpec:
    code: str
    event_id: int | None
    kind: DiscountKind
    value: int
    ticket_type_ids: list[int] | None
    max_uses: int | None
    max_uses_per_buyer: int | None
    valid_from: datetime | None
    valid_until: datetime | None
    min_quantity: int
    unlocks_ticket_type_ids: list[int] | None = None  # hidden types of its event the code shows and sells


@dataclass(frozen=True)
class CodeRow:
    """One line of /admin/codes."""

    promo: PromoCode
    event_title: str  # "" for a code valid for every event
    uses: int
    discounts: list[Money]  # given so far, per currency (orders that count as a use)
    revenue: list[Money] = field(default_factory=list)  # what those orders cost their buyers, per currency


def _count(raw: str, message: str, *, minimum: int = 1) -> int | None:
    raw = raw.strip()
    if not raw:
        return None
    if not raw.isdigit() or int(raw) < minimum:
        raise PromoAdminError(message)
    return int(raw)


def _moment(raw: str) -> datetime | None:
    """A datetime-local value ('2027-06-01T20:00') read as UTC, like the event form's dates."""
    raw = raw.strip()
    if not raw:
        return None
    try:
        return datetime.fromisoformat(raw).replace(tzinfo=UTC)
    except ValueError:
        raise PromoAdminError(msgid("Please enter dates as YYYY-MM-DD HH:MM.")) from None


def parse_spec(session: Session, form: dict[str, str]) -> CodeSpec:
    """The admin's form, checked: a code's text, its event, kind and amount, limits and dates."""
    code = normalize(form.get("code", ""))
    if not CODE_PATTERN.match(code):
        raise PromoAdminError(msgid("A code has 3 to {max} letters, digits, dashes or underscores."), max=CODE_MAX)
    event = _event(session, form.get("event_id", ""))
    try:
        kind = DiscountKind(form.get("kind", ""))
    except ValueError:
        raise PromoAdminError(msgid("Please choose what the code does.")) from None
    value = _value(kind, form.get("value", ""), event)
    types = _types(session, form.get("ticket_type_ids", ""), event)
    valid_from, valid_until = _moment(form.get("valid_from", "")), _moment(form.get("valid_until", ""))
    if valid_from and valid_until and valid_until <= valid_from:
        raise PromoAdminError(msgid("The end of validity must come after its start."))
    return CodeSpec(
        code=code,
        event_id=event.id if event else None,
        kind=kind,
        value=value,
        ticket_type_ids=types,
        max_uses=_count(form.get("max_uses", ""), msgid("Maximum uses must be a whole number of at least 1.")),
        max_uses_per_buyer=_count(
            form.get("max_uses_per_buyer", ""), msgid("Uses per buyer must be a whole number of at least 1.")
        ),
        valid_from=valid_from,
        valid_until=valid_until,
        min_quantity=_count(
            form.get("min_quantity", ""), msgid("The minimum quantity must be a whole number of at least 1.")
        )
        or 1,
        unlocks_ticket_type_ids=_hidden_types(session, form.get("unlocks_ticket_type_ids", ""), event),
    )


def _event(session: Session, raw: str) -> Event | None:
    raw = raw.strip()
    if not raw:
        return None  # every event
    event = session.get(Event, int(raw)) if raw.isdigit() else None
    if event is None:
        raise PromoAdminError(msgid("This event does not exist."))
    return event


def _value(kind: DiscountKind, raw: str, event: Event | None) -> int:
    raw = raw.strip().replace(",", ".")
    if kind == DiscountKind.PERCENT_OFF:
        if not raw.isdigit() or not 1 <= int(raw) <= 100:
            raise PromoAdminError(msgid("A percentage is a whole number from 1 to 100."))
        return int(raw)
    if event is None:  # an amount needs a currency: the event's
        raise PromoAdminError(msgid("An amount off or a set price needs an event (it is in the event's currency)."))
    try:
        amount = Money.from_major(raw or "x", event.currency).amount_minor
    except (InvalidOperation, ValueError):
        raise PromoAdminError(msgid("Please enter an amount such as 5 or 5.50.")) from None
    if amount < 0 or (kind == DiscountKind.AMOUNT_OFF and amount == 0):
        raise PromoAdminError(msgid("Please enter an amount such as 5 or 5.50."))
    return amount


def _types(session: Session, raw: str, event: Event | None) -> list[int] | None:
    ids = sorted({int(part) for part in raw.replace(";", ",").split(",") if part.strip().isdigit()})
    if not ids:
        return None
    if event is None:
        raise PromoAdminError(msgid("Choose an event to limit a code to some of its ticket types."))
    known = set(session.exec(select(TicketType.id).where(TicketType.event_id == event.id)).all())
    if not set(ids) <= known:
        raise PromoAdminError(msgid("These ticket types are not all of this event."))
    return ids


def _hidden_types(session: Session, raw: str, event: Event | None) -> list[int] | None:
    """The hidden ticket types a code unlocks, named by the admin (names or numbers, comma-separated)."""
    parts = [part.strip() for part in raw.replace(";", ",").split(",") if part.strip()]
    if not parts:
        return None
    if event is None:
        raise PromoAdminError(msgid("Choose an event to unlock some of its hidden ticket types."))
    types = session.exec(select(TicketType).where(TicketType.event_id == event.id)).all()
    by_name = {t.name.strip().casefold(): t for t in types}
    by_id = {str(t.id): t for t in types}
    ids: set[int] = set()
    for part in parts:
        found = by_id.get(part) or by_name.get(part.casefold())
        if found is None:
            raise PromoAdminError(msgid("“{name}” is not a ticket type of this event."), name=part[:120])
        if not found.hidden:
            raise PromoAdminError(
                msgid("“{name}” is not hidden: mark it hidden in the event form first."), name=found.name
            )
        ids.add(found.id or 0)
    return sorted(ids)


def create_code(session: Session, actor_id: int, spec: CodeSpec) -> PromoCode:
    if session.exec(select(PromoCode.id).where(PromoCode.code == spec.code)).first() is not None:
        raise PromoAdminError(msgid("The code {code} already exists."), code=spec.code)
    promo = PromoCode(code=spec.code, kind=spec.kind.value, value=spec.value)
    for name, value in _values(spec).items():
        setattr(promo, name, value)
    session.add(promo)
    session.flush()
    audit(session, actor_id, "promo.create", "promo_code", promo.id, **_audit_values(spec))
    session.commit()
    return promo


def update_code(session: Session, actor_id: int, promo_id: int, spec: CodeSpec) -> PromoCode:
    promo = _locked(session, promo_id)
    clash = session.exec(select(PromoCode.id).where(PromoCode.code == spec.code, PromoCode.id != promo_id)).first()
    if clash is not None:
        session.rollback()
        raise PromoAdminError(msgid("The code {code} already exists."), code=spec.code)
    before = {name: getattr(promo, name) for name in FIELDS}
    for name, value in _values(spec).items():
        setattr(promo, name, value)
    promo.updated_at = utcnow()
    session.add(promo)
    changed = {name: _plain(getattr(promo, name)) for name in FIELDS if getattr(promo, name) != before[name]}
    audit(session, actor_id, "promo.update", "promo_code", promo.id, **changed)
    session.commit()
    return promo


def set_active(session: Session, actor_id: int, promo_id: int, active: bool) -> PromoCode:
    """Deactivate (or reactivate) a code: buyers can no longer apply it; orders placed with it keep theirs."""
    promo = _locked(session, promo_id)
    promo.active, promo.updated_at = active, utcnow()
    session.add(promo)
    audit(
        session, actor_id, "promo.activate" if active else "promo.deactivate", "promo_code", promo.id, code=promo.code
    )
    session.commit()
    return promo


def _locked(session: Session, promo_id: int) -> PromoCode:
    promo = session.get(PromoCode, promo_id, with_for_update=True, populate_existing=True)
    if promo is None:
        session.rollback()
        raise PromoAdminError(msgid("This promo code does not exist."))
    return promo


def _values(spec: CodeSpec) -> dict[str, object]:
    values = asdict(spec)
    values["kind"] = spec.kind.value
    return values


def _plain(value: object) -> object:
    return value.isoformat() if isinstance(value, datetime) else value


def _audit_values(spec: CodeSpec) -> dict[str, object]:
    return {name: _plain(value) for name, value in _values(spec).items()}


def get_code(session: Session, promo_id: int) -> PromoCode | None:
    return session.get(PromoCode, promo_id)


def list_codes(session: Session, *, now: datetime | None = None) -> list[CodeRow]:
    """Every code, newest first, with its live uses and the discounts it gave (orders counting as a use)."""
    now = now or utcnow()
    rows = session.exec(
        select(PromoCode, Event.title)
        .join(Event, col(Event.id) == PromoCode.event_id, isouter=True)
        .order_by(col(PromoCode.id).desc())
    ).all()
    given: dict[int, dict[str, int]] = defaultdict(dict)
    earned: dict[int, dict[str, int]] = defaultdict(dict)
    for promo_id, currency, total, revenue in session.exec(
        select(
            PromoRedemption.promo_code_id,
            Order.currency,
            func.sum(PromoRedemption.discount_minor),
            func.sum(Order.total_minor),
        )
        .join(Order, col(Order.id) == PromoRedemption.order_id)
        .where(counts_as_use(now))
        .group_by(col(PromoRedemption.promo_code_id), col(Order.currency))
    ).all():
        given[promo_id][currency] = int(total or 0)
        earned[promo_id][currency] = int(revenue or 0)
    return [
        CodeRow(
            promo=promo,
            event_title=title or "",
            uses=live_uses(session, promo.id or 0, now),
            discounts=[Money(amount, currency) for currency, amount in sorted(given[promo.id or 0].items())],
            revenue=[Money(amount, currency) for currency, amount in sorted(earned[promo.id or 0].items())],
        )
        for promo, title in rows
    ]


EVENT_CHOICES = 300  # the form's event picker: the soonest events still to come (and the edited code's event)


def event_choices(session: Session, *, also: int | None = None, now: datetime | None = None) -> list[tuple[int, str]]:
    """(id, title) of the events a code can be made for, soonest first."""
    now = now or utcnow()
    rows = list(
        session.exec(
            select(Event.id, Event.title).where(Event.ends_at > now).order_by(col(Event.starts_at)).limit(EVENT_CHOICES)
        ).all()
    )
    if also is not None and all(event_id != also for event_id, _ in rows):
        event = session.get(Event, also)
        if event is not None:
            rows.insert(0, (also, event.title))
    return [(event_id or 0, title) for event_id, title in rows]


def form_values(session: Session, promo: PromoCode) -> dict[str, str]:
    """A code as its edit form shows it (amounts in major units of its event's currency, dates as datetime-local)."""
    event = session.get(Event, promo.event_id) if promo.event_id else None
    value = str(promo.value)
    if promo.kind != DiscountKind.PERCENT_OFF and event is not None:
        value = str(Money(promo.value, event.currency).major)
    return {
        "code": promo.code,
        "event_id": str(promo.event_id or ""),
        "kind": promo.kind,
        "value": value,
        "ticket_type_ids": ", ".join(str(i) for i in promo.ticket_type_ids or []),
        "max_uses": str(promo.max_uses or ""),
        "max_uses_per_buyer": str(promo.max_uses_per_buyer or ""),
        "valid_from": promo.valid_from.strftime("%Y-%m-%dT%H:%M") if promo.valid_from else "",
        "valid_until": promo.valid_until.strftime("%Y-%m-%dT%H:%M") if promo.valid_until else "",
        "min_quantity": str(promo.min_quantity),
        "unlocks_ticket_type_ids": ", ".join(_type_names(session, promo.unlocks_ticket_type_ids or [])),
    }


def _type_names(session: Session, ids: list[int]) -> list[str]:
    if not ids:
        return []
    names = dict(session.exec(select(TicketType.id, TicketType.name).where(col(TicketType.id).in_(ids))).all())
    return [names.get(i) or str(i) for i in ids]


def event_currency(session: Session, promo: PromoCode) -> str | None:
    event = session.get(Event, promo.event_id) if promo.event_id else None
    return event.currency if event else None


BULK_MAX = 1000
RANDOM_PART = 8  # 32⁸ ≈ 10¹²: a guessed code is as likely as a lottery win


def create_many(session: Session, actor_id: int, spec: CodeSpec, count: int) -> list[PromoCode]:
    """`count` codes like `spec`, each `spec.code` + "-" + 8 random characters (one audit row for the batch)."""
    if not 1 <= count <= BULK_MAX:
        raise PromoAdminError(msgid("You can create 1 to {max} codes at a time."), max=BULK_MAX)
    prefix = spec.code[: CODE_MAX - RANDOM_PART - 1]
    taken = set(session.exec(select(PromoCode.code).where(col(PromoCode.code).startswith(prefix + "-"))).all())
    codes: list[str] = []
    while len(codes) < count:
        code = f"{prefix}-{''.join(secrets.choice(CODE_ALPHABET) for _ in range(RANDOM_PART))}"
        if code not in taken:
            taken.add(code)
            codes.append(code)
    rows = []
    for code in codes:
        promo = PromoCode(code=code, kind=spec.kind.value, value=spec.value)
        for name, value in _values(spec).items():
            if name != "code":
                setattr(promo, name, value)
        session.add(promo)
        rows.append(promo)
    session.flush()
    audit(session, actor_id, "promo.create_many", "promo_code", None, count=count, prefix=prefix, **_audit_values(spec))
    session.commit()
    return rows


def codes_csv(rows: list[CodeRow]) -> str:
    """The codes as CSV (code, event, kind, value, uses, max uses, active, mailed to), for mailing or printing."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["code", "event", "kind", "value", "uses", "max_uses", "active", "sent_to"])
    for row in rows:
        promo = row.promo
        writer.writerow(
            [
                promo.code,
                row.event_title,
                promo.kind,
                promo.value,
                row.uses,
                promo.max_uses or "",
                int(promo.active),
                promo.sent_to or "",
            ]
        )
    return out.getvalue()
