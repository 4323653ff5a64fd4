"""/admin/events/edit: the create / edit form of one event and its ticket types."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import reflex as rx
from reflex.event import EventSpec
from sqlmodel import Session, col, select

from ticketapp.db import run_db
from ticketapp.i18n import gettext, msgid
from ticketapp.i18n.languages import SUPPORTED_LOCALES
from ticketapp.models import Event, TicketType, Venue
from ticketapp.services.catalog import events as admin_events
from ticketapp.services.catalog import translations
from ticketapp.services.catalog.events import AdminError, EventInput, TicketTypeInput
from ticketapp.services.invoicing import tax
from ticketapp.services.orders.self_service import EventPolicy, FeeKind
from ticketapp.services.shared import media
from ticketapp.services.shared.money import Money, minor_exponent
from ticketapp.settings import get_settings
from ticketapp.state.admin.event_errors import event_error_field
from ticketapp.state.admin.events import STATUS_LABELS
from ticketapp.state.base import StaffPageState, focus_control
from ticketapp.state.bounded import NAME_MAX, SHORT_MAX, TEXT_MAX, clip, known_key
from ticketapp.state.locale import current_lang
from ticketapp.state.snapshot import SentWhenUsed


def _money_text(amount_minor: int, currency: str) -> str:
    return str(Money(amount_minor, currency).major)


def _parse_minor(raw: str, currency: str) -> int:
    try:
        return Money.from_major(raw.strip().replace(",", ".") or "0", currency).amount_minor
    except (ValueError, ArithmeticError):
        raise AdminError(msgid("Please enter prices like 25 or 25.50.")) from None


def _parse_moment(raw: str, zone: str = "UTC") -> datetime | None:
    """A datetime-local value ('2026-06-01T20:00'), a wall-clock time at the venue (`zone`), as UTC."""
    try:
        return datetime.fromisoformat(raw).replace(tzinfo=ZoneInfo(zone)).astimezone(UTC) if raw else None
    except ValueError:
        raise AdminError(msgid("Please enter valid dates.")) from None


def _local(moment: datetime | None, zone: str = "UTC") -> str:
    """A UTC moment as the venue's wall-clock time for a datetime-local field."""
    return moment.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%dT%H:%M") if moment else ""


def _venue_zone(session: Session, venue_id: str) -> str:
    venue = session.get(Venue, int(venue_id)) if venue_id.isdigit() else None
    return venue.timezone if venue is not None else "UTC"


def _whole(raw: str, default: int | None = None) -> int | None:
    raw = raw.strip()
    if not raw:
        return default
    if not raw.isdigit():
        raise AdminError(msgid("Please enter whole numbers for capacities and limits."))
    return int(raw)


def _rate(raw: str) -> int:
    try:
        return tax.parse_rate(raw)
    except tax.TaxError as refused:
        raise AdminError(refused.message, **refused.values) from None


def _parse_fee(raw: str, kind: str, currency: str) -> int:
    """A fixed fee in the event's money (minor units), or a percentage like 2.5 (basis points)."""
    if kind != FeeKind.PERCENT:
        return _parse_minor(raw, currency)
    try:
        return int((Decimal(raw.strip().replace(",", ".") or "0") * 100).to_integral_value())
    except ArithmeticError:
        raise AdminError(msgid("Please enter the refund fee as a number, like 2 or 2.5.")) from None


def _policy(form: dict[str, str], currency: str) -> EventPolicy:
    kind = form.get("refund_fee_kind", FeeKind.FIXED)
    return EventPolicy(
        refund_mode=form.get("refund_mode", "none"),
        refund_days_before=_whole(form.get("refund_days", ""), 0) or 0,
        refund_fee_kind=kind,
        refund_fee_value=_parse_fee(form.get("refund_fee", ""), kind, currency),
        transfers_allowed=form.get("transfers", "on") == "on",
        transfer_limit=_whole(form.get("transfer_limit", "")),
    )


def _policy_form(event: Event) -> dict[str, str]:
    policy = EventPolicy.of(event)
    fee = policy.refund_fee_value
    return {
        "refund_mode": policy.refund_mode,
        "refund_days": str(policy.refund_days_before),
        "refund_fee_kind": policy.refund_fee_kind,
        "refund_fee": str(Decimal(fee) / 100)
        if policy.refund_fee_kind == FeeKind.PERCENT
        else _money_text(fee, event.currency),
        "transfers": "on" if policy.transfers_allowed else "",
        "transfer_limit": "" if policy.transfer_limit is None else str(policy.transfer_limit),
    }


def _event_translations(form: dict[str, str]) -> dict[str, dict[str, str]]:
    """The form's `title_fr`, `description_fr`… as {"fr": {"title": …, "description": …}} (the service cleans it)."""
    return {
        lang: {field: form.get(f"{field}_{lang}", "") for field in translations.EVENT_FIELDS}
        for lang in SUPPORTED_LOCALES
    }


def _type_translations(row: dict[str, str]) -> dict[str, dict[str, str]]:
    return {lang: {"name": row.get(f"name_{lang}", "")} for lang in SUPPORTED_LOCALES}


def _translation_fields(stored: dict[str, dict[str, str]] | None, fields: tuple[str, ...]) -> dict[str, str]:
    """Stored translations as the form's flat keys: every language and field, empty where none."""
    stored = stored or {}
    return {
        f"{field}_{lang}": (stored.get(lang) or {}).get(field, "") for lang in SUPPORTED_LOCALES for field in fields
    }


def _form_to_input(form: dict[str, str], types: list[dict[str, str]], zone: str = "UTC") -> EventInput:
    """The form as the service's input; times are read in `zone`, the chosen venue's time zone."""
    currency = form.get("currency", "EUR").upper()
    if len(currency) != 3 or not currency.isalpha():
        raise AdminError(msgid("Please choose a currency."))
    minor_exponent(currency)
    starts, ends = _parse_moment(form.get("starts_at", ""), zone), _parse_moment(form.get("ends_at", ""), zone)
    if starts is None or ends is None:
        raise AdminError(msgid("Please enter valid dates."))
    return EventInput(
        title=form.get("title", ""),
        description=form.get("description", ""),
        category=form.get("category", ""),
        venue_id=_whole(form.get("venue_id", "")) or 0,
        starts_at=starts,
        ends_at=ends,
        currency=currency,
        max_tickets_per_customer=_whole(form.get("cap", "")),
        collect_attendee_names=form.get("names") == "on",
        policy=_policy(form, currency),
        main_language=form.get("main_language", "en"),
        translations=_event_translations(form),
        ticket_types=[
            TicketTypeInput(
                id=int(t["id"]) if t.get("id", "").isdigit() else None,
                name=t.get("name", ""),
                price_minor=_parse_minor(t.get("price", ""), currency),
                capacity=_whole(t.get("capacity", ""), 0) or 0,
                max_per_order=_whole(t.get("max_per_order", ""), 10) or 10,
                sales_start=_parse_moment(t.get("sales_start", ""), zone),
                sales_end=_parse_moment(t.get("sales_end", ""), zone),
                tax_rate_bp=_rate(t.get("tax_rate", "")),
                tax_included=t.get("tax_mode", "included") != "added",
                reverse_charge=t.get("reverse_charge") == "on",
                translations=_type_translations(t),
                hidden=t.get("hidden") == "on",
            )
            for t in types
        ],
    )


def _load_form(session: Session, event_id: int) -> tuple[dict[str, str], list[dict[str, str]]] | None:
    event = session.get(Event, event_id)
    if event is None:
        return None
    zone = _venue_zone(session, str(event.venue_id))
    form = (
        {
            "title": event.title,
            "description": event.description,
            "category": event.category,
            "venue_id": str(event.venue_id),
            "starts_at": _local(event.starts_at, zone),
            "ends_at": _local(event.ends_at, zone),
            "currency": event.currency,
            "cap": str(event.max_tickets_per_customer or ""),
            "names": "on" if event.collect_attendee_names else "",
            "image_url": event.image_url or "",
            "status": event.status,
            "main_language": event.main_language,
        }
        | _policy_form(event)
        | _translation_fields(event.translations, ("title", "description"))
    )
    types = session.exec(
        select(TicketType).where(TicketType.event_id == event_id).order_by(col(TicketType.position))
    ).all()
    sold = admin_events.sold_per_type(session, [t.id or 0 for t in types])
    rows = [
        {
            "id": str(t.id),
            "name": t.name,
            "price": _money_text(t.price_minor, event.currency),
            "capacity": str(t.capacity),
            "max_per_order": str(t.max_per_order),
            "sales_start": _local(t.sales_start, zone),
            "sales_end": _local(t.sales_end, zone),
            "sold": str(sold.get(t.id or 0, 0)),
            "tax_rate": tax.format_rate(t.tax_rate_bp, "en") if t.tax_rate_bp else "",
            "tax_mode": "included" if t.tax_included else "added",
            "reverse_charge": "on" if t.reverse_charge else "",
            "hidden": "on" if t.hidden else "",
        }
        | _translation_fields(t.translations, ("name",))
        for t in types
    ]
    return form, rows


def _venues(session: Session) -> list[dict[str, str]]:
    venues = session.exec(select(Venue).order_by(Venue.name))
    return [{"id": str(v.id), "name": f"{v.name}, {v.city}", "timezone": v.timezone} for v in venues]


NEW_TYPE = {
    "id": "",
    "name": "",
    "price": "",
    "capacity": "",
    "max_per_order": "10",
    "sales_start": "",
    "sales_end": "",
    "sold": "0",
    "tax_rate": "",
    "tax_mode": "included",
    "reverse_charge": "",
    "hidden": "",
} | _translation_fields(None, ("name",))


# What the form's fields may set (image and status change through their own handlers), with caps.
EVENT_FIELDS = {
    "title": NAME_MAX,
    "description": TEXT_MAX,
    "category": SHORT_MAX,
    "venue_id": SHORT_MAX,
    "starts_at": SHORT_MAX,
    "ends_at": SHORT_MAX,
    "currency": SHORT_MAX,
    "cap": SHORT_MAX,
    "names": SHORT_MAX,
    "refund_mode": SHORT_MAX,
    "refund_days": SHORT_MAX,
    "refund_fee_kind": SHORT_MAX,
    "refund_fee": SHORT_MAX,
    "transfers": SHORT_MAX,
    "transfer_limit": SHORT_MAX,
    "main_language": SHORT_MAX,
} | {
    f"{field}_{lang}": cap
    for lang in SUPPORTED_LOCALES
    for field, cap in (("title", NAME_MAX), ("description", TEXT_MAX))
}
TYPE_FIELDS = {
    "name": NAME_MAX,
    "price": SHORT_MAX,
    "capacity": SHORT_MAX,
    "max_per_order": SHORT_MAX,
    "sales_start": SHORT_MAX,
    "sales_end": SHORT_MAX,
    "tax_rate": SHORT_MAX,
    "tax_mode": SHORT_MAX,
    "reverse_charge": SHORT_MAX,
    "hidden": SHORT_MAX,
} | {f"name_{lang}": NAME_MAX for lang in SUPPORTED_LOCALES}


class AdminEventFormState(SentWhenUsed, StaffPageState, rx.State):
    found: bool = True
    event_id: str = ""
    form: dict[str, str] = {}
    ticket_types: list[dict[str, str]] = []
    venues: list[dict[str, str]] = []
    status_label: str = ""
    error_field: str = ""  # the control the last refusal is about (marked invalid, described by it, focused)
    # The language whose texts the form's "Other languages" part shows (one at a time, like tabs).
    # "" until the admin picks one: the form stays short for events in one language.
    text_lang: str = ""

    @rx.event
    async def set_text_lang(self, lang: str) -> None:
        """Which language's texts the form shows (only for an admin, as every handler of this state)."""
        if await self._staff() is None:
            return
        self.text_lang = lang if lang in SUPPORTED_LOCALES else ""

    @rx.var
    def venue_timezone(self) -> str:
        """The chosen venue's time zone: the form's times are wall-clock times there."""
        chosen = self.form.get("venue_id", "")
        return next((v["timezone"] for v in self.venues if v["id"] == chosen), "UTC")

    @rx.event
    async def load(self) -> None:
        if await self._staff() is None:
            return
        raw = self.router.url.query_parameters.get("id", "")
        self.event_id = raw if raw.isdigit() else ""
        self.message = self.error_field = ""
        self.venues = await run_db(_venues)
        if not self.event_id:
            self.form = {
                "currency": "EUR",
                "category": "concert",
                "venue_id": self.venues[0]["id"] if self.venues else "",
                "refund_mode": "none",
                "refund_fee_kind": "fixed",
                "transfers": "on",
                "main_language": get_settings().default_locale,
            } | _translation_fields(None, ("title", "description"))
            self.text_lang = ""
            self.ticket_types = [dict(NEW_TYPE)]
            self.found = self.loaded = True
            return
        loaded = await run_db(_load_form, int(self.event_id))
        self.found = loaded is not None
        if loaded:
            self.form, self.ticket_types = loaded
        lang = await current_lang(self)
        status = self.form.get("status", "")
        self.status_label = gettext(lang, STATUS_LABELS[status]) if status in STATUS_LABELS else ""
        # Just created: the save message survives the redirect to this event's own page.
        if self.router.url.query_parameters.get("saved") == "1":
            self.message, self.message_is_error = gettext(lang, "Saved."), False
        elif self.router.url.query_parameters.get("copied") == "1":
            copied = msgid("Draft copy created. Change its title and dates, then publish it.")
            self.message, self.message_is_error = gettext(lang, copied), False
        self.loaded = True

    async def _set_published(self, publish: bool) -> None:
        actor = await self._staff()
        if actor is None or not self.event_id:
            return
        change = admin_events.publish_event if publish else admin_events.unpublish_event
        try:
            await run_db(change, actor.id, int(self.event_id))
        except AdminError as refused:
            await self._say_refused(refused)
            return
        await self.load()  # type: ignore[operator]  # mypy reads a bare @rx.event as EventNamespace
        await self._say(msgid("Event published.") if publish else msgid("Event unpublished."))

    @rx.event
    async def publish(self) -> None:
        await self._set_published(True)

    @rx.event
    async def unpublish(self) -> None:
        await self._set_published(False)

    @rx.event
    async def set_field(self, name: str, value: str) -> None:
        if await self._staff() is None:
            return
        if field := known_key(name, EVENT_FIELDS):
            self.form[field] = clip(value, EVENT_FIELDS[field])

    @rx.event
    async def set_type_field(self, index: int, name: str, value: str) -> None:
        row = self._type_index(index)
        if await self._staff() is None or row is None:
            return
        if field := known_key(name, TYPE_FIELDS):
            self.ticket_types[row][field] = clip(value, TYPE_FIELDS[field])

    def _type_index(self, index: object) -> int | None:
        """`index` as a row of the ticket types shown, or None (the browser may send anything)."""
        if isinstance(index, int) and not isinstance(index, bool):
            row = index
        elif isinstance(index, str) and index.isdigit() and len(index) < 6:
            row = int(index)
        else:
            return None
        return row if 0 <= row < len(self.ticket_types) else None

    @rx.event
    async def add_type(self) -> None:
        if await self._staff() is None:
            return
        self.ticket_types = [*self.ticket_types, dict(NEW_TYPE)]

    @rx.event
    async def remove_type(self, index: int) -> None:
        row = self._type_index(index)
        if await self._staff() is None or row is None:
            return
        self.ticket_types = [t for i, t in enumerate(self.ticket_types) if i != row]

    @rx.event
    async def save(self, _form: dict[str, str] | None = None) -> EventSpec | None:
        actor = await self._staff()
        if actor is None:
            return None
        event_id = int(self.event_id) if self.event_id else None
        try:
            saved = await run_db(_save, actor.id, event_id, dict(self.form), [dict(t) for t in self.ticket_types])
        except AdminError as refused:
            await self._say_refused(refused)
            self.error_field = event_error_field(refused.message, dict(self.form), [dict(t) for t in self.ticket_types])
            return focus_control(self.error_field) if self.error_field else None
        self.error_field = ""
        await self._say(msgid("Saved."))
        if event_id is None:
            return rx.redirect(f"/admin/events/edit?id={saved}&saved=1")
        await self.load()  # type: ignore[operator]  # mypy reads a bare @rx.event as EventNamespace
        await self._say(msgid("Saved."))  # again: reloading the form cleared the message
        return None

    @rx.event
    async def upload_image(self, files: list[rx.UploadFile]) -> None:
        actor = await self._staff()
        if actor is None or not self.event_id or not files:
            return
        data = await files[0].read(media.MAX_IMAGE_BYTES + 1)
        try:
            url = await asyncio.to_thread(media.save_event_image, data)
            await run_db(admin_events.set_event_image, actor.id, int(self.event_id), url)
        except AdminError as refused:
            await self._say_refused(refused)
            return
        self.form["image_url"] = url
        await self._say(msgid("Image saved."))


def _save(
    session: Session, actor_id: int, event_id: int | None, form: dict[str, str], types: list[dict[str, str]]
) -> int:
    """Create the event (no id yet) or update it from the form; its id."""
    data = _form_to_input(form, types, _venue_zone(session, form.get("venue_id", "")))
    if event_id is None:
        return admin_events.create_event(session, actor_id, data).id or 0
    return admin_events.update_event(session, actor_id, event_id, data).id or 0
