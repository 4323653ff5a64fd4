"""/admin/events/messages?id=N: an event's mail templates (edit, preview, back to the built-in text) and its
scheduled and one-off messages with their progress."""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx
from sqlmodel import Session

from ticketapp.db import run_db
from ticketapp.i18n import gettext, msgid, translate
from ticketapp.i18n.languages import LANGUAGES
from ticketapp.models import Audience, MessageStatus, TemplateKind
from ticketapp.services.errors import DomainError
from ticketapp.services.messaging import messages, templates
from ticketapp.services.messaging.messages import Draft, MessageError
from ticketapp.services.questions.admin import event_overview
from ticketapp.services.shared.dates import format_event_datetime
from ticketapp.services.tickets.door_list import event_zone
from ticketapp.state.base import StaffPageState
from ticketapp.state.bounded import SHORT_MAX, clip, form_values
from ticketapp.state.locale import current_lang
from ticketapp.state.snapshot import SentWhenUsed

TEMPLATE_FIELDS = {"subject": templates.SUBJECT_MAX, "body": templates.BODY_MAX}
MESSAGE_FIELDS = {
    "subject": templates.SUBJECT_MAX,
    "body": templates.BODY_MAX,
    "audience": SHORT_MAX,
    "ticket_type": SHORT_MAX,
    "checkin": SHORT_MAX,
    "order_status": SHORT_MAX,
    "when": SHORT_MAX,
    "amount": SHORT_MAX,
    "unit": SHORT_MAX,
}
# "Send": now, or before/after the event's start/end by an amount of minutes, hours or days.
WHEN_CHOICES = {
    "now": msgid("Now"),
    "before_start": msgid("Before the event starts"),
    "after_start": msgid("After the event starts"),
    "before_end": msgid("Before the event ends"),
    "after_end": msgid("After the event ends"),
}
UNITS = {"minutes": (msgid("minutes"), 1), "hours": (msgid("hours"), 60), "days": (msgid("days"), 24 * 60)}
AUDIENCES: dict[str, str] = {
    Audience.BUYERS: msgid("Buyers (one per order)"),
    Audience.ATTENDEES: msgid("Attendees (ticket holders)"),
}
CHECKIN_LABELS = {
    "any": msgid("Checked in or not"),
    "checked_in": msgid("Checked in"),
    "not_checked_in": msgid("Not checked in yet"),
}
ORDER_LABELS = {
    "paid": msgid("Paid orders"),
    "refunded": msgid("Refunded orders"),
    "any_paid_or_refunded": msgid("Paid or refunded orders"),
}
STATUS_LABELS: dict[str, str] = {
    MessageStatus.SCHEDULED: msgid("Scheduled"),
    MessageStatus.SENDING: msgid("Sending"),
    MessageStatus.SENT: msgid("Sent"),
    MessageStatus.CANCELLED: msgid("Cancelled"),
}


def _choices(labels: dict[str, str], lang: str) -> list[dict[str, str]]:
    return [{"value": value, "label": gettext(lang, label)} for value, label in labels.items()]


def parse_message(values: dict[str, str], type_ids: set[int]) -> tuple[Draft, str | None, int]:
    """The form as a draft, the anchor (None: now) and the offset in minutes; refused when malformed."""
    when = values["when"] if values["when"] in WHEN_CHOICES else "now"
    raw_type = values["ticket_type"]
    type_id = int(raw_type) if raw_type.isdigit() and len(raw_type) < 10 else None
    if raw_type and type_id not in type_ids:
        raise MessageError(msgid("That ticket type is not one of this event's."))
    draft = Draft(
        subject=values["subject"],
        body=values["body"],
        audience=values["audience"] or Audience.BUYERS,
        ticket_type_id=type_id,
        checkin_filter=values["checkin"] or "any",
        order_status=values["order_status"] or "paid",
    )
    if when == "now":
        return draft, None, 0
    amount = values["amount"].strip()
    if not amount.isdigit() or len(amount) > 6 or values["unit"] not in UNITS:
        raise MessageError(msgid("Enter how long before or after, as a whole number of minutes, hours or days."))
    minutes = int(amount) * UNITS[values["unit"]][1]
    direction, anchor = when.split("_")
    return draft, anchor, -minutes if direction == "before" else minutes


@dataclass(frozen=True)
class _Page:
    title: str
    types: list[tuple[int, str]]
    rows: list[messages.MessageRow]
    zone: str


def _page(session: Session, event_id: int) -> _Page | None:
    overview = event_overview(session, event_id)
    if overview is None:
        return None
    title, types = overview
    return _Page(title, types, messages.list_messages(session, event_id), event_zone(session, event_id))


def _when_text(row: messages.MessageRow, zone: str, lang: str) -> str:
    message = row.message
    if message.anchor is None:
        return gettext(lang, "Sent from the admin")
    minutes = abs(message.offset_minutes)
    unit, size = next(((u, s) for u, (_, s) in reversed(UNITS.items()) if minutes % s == 0), ("minutes", 1))
    amount = f"{minutes // size} {gettext(lang, UNITS[unit][0])}"
    key = ("before" if message.offset_minutes < 0 else "after") + "_" + message.anchor
    relative = f"{amount} · {gettext(lang, WHEN_CHOICES[key])}" if minutes else gettext(lang, WHEN_CHOICES[key])
    return relative + (f" ({format_event_datetime(row.due, zone, lang)})" if row.due else "")


def message_row(row: messages.MessageRow, zone: str, lang: str) -> dict[str, str]:
    message = row.message
    audience = gettext(lang, AUDIENCES.get(message.audience, message.audience))
    filters = [row.type_name] if row.type_name else []
    if message.checkin_filter != "any":
        filters.append(gettext(lang, CHECKIN_LABELS.get(message.checkin_filter, "")))
    filters.append(gettext(lang, ORDER_LABELS.get(message.order_status, "")))
    progress = translate(lang, "{sent} of {total} sent", sent=message.sent, total=message.total)
    if message.skipped:
        progress += " · " + translate(lang, "{count} unsubscribed", count=message.skipped)
    return {
        "id": str(message.id),
        "subject": message.subject or gettext(lang, "Reminder (the template, in each buyer's language)"),
        "audience": audience + " · " + ", ".join(f for f in filters if f),
        "when": _when_text(row, zone, lang),
        "status": gettext(lang, STATUS_LABELS.get(message.status, message.status)),
        "progress": progress if message.status != MessageStatus.SCHEDULED else "—",
        "can_cancel": "yes" if message.status == MessageStatus.SCHEDULED else "",
    }


def _template_draft(session: Session, event_id: int, kind: str, lang: str) -> tuple[str, str, bool]:
    template = templates.find(session, event_id, kind, lang)
    if template is not None:
        return template.subject, template.body, True
    subject, body = templates.built_in(kind, lang)
    return subject, body, False


class AdminMessagingState(SentWhenUsed, StaffPageState, rx.State):
    found: bool = True
    event_id: str = ""
    event_title: str = ""
    ticket_types: list[dict[str, str]] = []
    kinds: list[dict[str, str]] = []
    languages: list[dict[str, str]] = [{"value": lang.code, "label": lang.native_name} for lang in LANGUAGES]
    tpl_kind: str = TemplateKind.CONFIRMATION.value
    tpl_lang: str = "en"
    tpl_subject: str = ""
    tpl_body: str = ""
    tpl_custom: bool = False
    tpl_version: int = 0  # remounts the form when its starting text changes
    placeholders: str = ""
    preview_subject: str = ""
    preview_paragraphs: list[str] = []
    intent: str = "save"
    rows: list[dict[str, str]] = []
    when_choices: list[dict[str, str]] = []
    units: list[dict[str, str]] = []
    audiences: list[dict[str, str]] = []
    checkin_choices: list[dict[str, str]] = []
    order_choices: list[dict[str, str]] = []
    message_version: int = 0

    @rx.event
    async def load(self) -> None:
        if await self._staff() is None:
            return
        raw = clip(self.router.url.query_parameters.get("id", ""), SHORT_MAX)
        self.event_id = raw if raw.isdigit() and len(raw) < 10 else ""
        self.message, self.preview_subject, self.preview_paragraphs = "", "", []
        self.tpl_lang = await current_lang(self)
        await self._refresh()
        await self._load_template()

    async def _refresh(self) -> None:
        lang = await current_lang(self)
        page = await run_db(_page, int(self.event_id)) if self.event_id else None
        self.found, self.loaded = page is not None, True
        if page is None:
            return
        self.event_title = page.title
        self.ticket_types = [{"id": str(i), "name": name} for i, name in page.types]
        self.rows = [message_row(row, page.zone, lang) for row in page.rows]
        self.kinds = _choices(templates.KIND_LABELS, lang)
        self.when_choices = _choices(WHEN_CHOICES, lang)
        self.units = [{"value": key, "label": gettext(lang, label)} for key, (label, _) in UNITS.items()]
        self.audiences = _choices(AUDIENCES, lang)
        self.checkin_choices = _choices(CHECKIN_LABELS, lang)
        self.order_choices = _choices(ORDER_LABELS, lang)

    async def _load_template(self) -> None:
        if not self.found or not self.event_id:
            return
        kind, lang = self.tpl_kind, self.tpl_lang
        self.tpl_subject, self.tpl_body, self.tpl_custom = await run_db(_template_draft, int(self.event_id), kind, lang)
        self.placeholders = ", ".join("{" + name + "}" for name in templates.PLACEHOLDERS[kind])
        self.preview_subject, self.preview_paragraphs = "", []
        self.tpl_version += 1

    @rx.event
    async def choose_kind(self, kind: str) -> None:
        if await self._staff() is None or kind not in templates.PLACEHOLDERS or kind == self.tpl_kind:
            return  # the same e-mail again: reloading would remount the form over what is being typed
        self.tpl_kind, self.message = kind, ""
        await self._load_template()

    @rx.event
    async def choose_language(self, lang: str) -> None:
        if (
            await self._staff() is None
            or lang not in {language.code for language in LANGUAGES}
            or lang == self.tpl_lang
        ):
            return
        self.tpl_lang, self.message = lang, ""
        await self._load_template()

    @rx.event
    async def set_intent(self, intent: str) -> None:
        """Which of the template form's buttons was pressed (its click comes just before the submit)."""
        if await self._staff() is None:
            return
        self.intent = "preview" if intent == "preview" else "save"

    @rx.event
    async def submit_template(self, form: dict[str, str] | None = None) -> None:
        actor = await self._staff()
        if actor is None or not self.found or not self.event_id:
            return
        values = form_values(form, TEMPLATE_FIELDS)
        event_id, kind, lang = int(self.event_id), self.tpl_kind, self.tpl_lang
        self.tpl_subject, self.tpl_body = values["subject"], values["body"]  # kept if refused
        try:
            if self.intent == "preview":
                shown = await run_db(templates.preview, event_id, kind, lang, values["subject"], values["body"])
                self.preview_subject, self.preview_paragraphs, self.message = shown.subject, shown.paragraphs, ""
                return
            await run_db(templates.save, event_id, kind, lang, values["subject"], values["body"], actor_id=actor.id)
        except DomainError as refused:
            self.preview_subject, self.preview_paragraphs = "", []
            self.tpl_version += 1
            await self._say_refused(refused)
            return
        self.tpl_custom = True
        await self._say(msgid("Template saved: this e-mail now uses your text."))

    @rx.event
    async def reset_template(self) -> None:
        if await self._staff() is None or not self.found or not self.event_id:
            return
        await run_db(templates.reset, int(self.event_id), self.tpl_kind, self.tpl_lang)
        await self._load_template()
        await self._say(msgid("Back to the built-in text for this e-mail."))

    @rx.event
    async def submit_message(self, form: dict[str, str] | None = None) -> None:
        actor = await self._staff()
        if actor is None or not self.found or not self.event_id:
            return
        values = form_values(form, MESSAGE_FIELDS)
        type_ids = {int(t["id"]) for t in self.ticket_types}
        event_id = int(self.event_id)
        try:
            draft, anchor, offset = parse_message(values, type_ids)
            if anchor is None:
                await run_db(messages.send_now, event_id, draft, actor_id=actor.id)
                await self._say(msgid("Message on its way: its progress is in the list below."))
            else:
                await run_db(
                    messages.schedule, event_id, draft, anchor=anchor, offset_minutes=offset, actor_id=actor.id
                )
                await self._say(msgid("Message scheduled."))
        except DomainError as refused:
            await self._say_refused(refused)
            return
        self.message_version += 1
        await self._refresh()

    @rx.event
    async def cancel_message(self, message_id: str) -> None:
        if await self._staff() is None or not self.event_id:
            return
        message_id = clip(message_id, SHORT_MAX)
        if not message_id.isdigit() or len(message_id) > 9:
            return
        try:
            await run_db(messages.cancel, int(message_id), int(self.event_id))
        except DomainError as refused:
            await self._say_refused(refused)
        else:
            await self._say(msgid("Message cancelled: nobody gets it."))
        await self._refresh()

    @rx.event
    async def refresh_progress(self) -> None:
        if await self._staff() is None:
            return
        await self._refresh()
