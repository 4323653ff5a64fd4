"""Support rows shaped for display: plain dicts of strings in the reader's language."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_time, get_day_names
from sqlmodel import Session

from ticketapp.i18n import gettext, msgid, translate
from ticketapp.models import SupportMessage, SupportTicket
from ticketapp.models.support import AuthorKind, ChatStatus
from ticketapp.services.accounts.access import Viewer
from ticketapp.services.shared.dates import format_event_datetime
from ticketapp.services.shared.money import BABEL_LOCALES
from ticketapp.services.support import chat as support_chat
from ticketapp.services.support import content as support_content
from ticketapp.services.support import presence as support_presence
from ticketapp.services.support.sla import first_response_timer, resolution_timer
from ticketapp.services.support.tickets import TOPICS
from ticketapp.settings import get_settings

STATUS_LABELS = {
    "new": msgid("New"),
    "open": msgid("Open"),
    "pending_customer": msgid("Waiting for customer"),
    "resolved": msgid("Resolved"),
    "closed": msgid("Closed"),
}
PRIORITY_LABELS = {
    "low": msgid("Low"),
    "normal": msgid("Normal"),
    "high": msgid("High"),
    "urgent": msgid("Urgent"),
}
CHANNEL_LABELS = {
    "chat": msgid("Chat"),
    "email": msgid("E-mail"),
    "phone": msgid("Phone"),
    "form": msgid("Contact form"),
}
OUTCOME_LABELS = {
    "resolved": msgid("Resolved on the call"),
    "follow_up": msgid("Needs follow-up"),
    "callback": msgid("Call back"),
    "no_answer": msgid("No answer"),
}


def _local(moment: datetime) -> datetime:
    return moment.astimezone(ZoneInfo(get_settings().support.timezone))


def short_time(moment: datetime, lang: str) -> str:
    return format_time(_local(moment), format="short", locale=BABEL_LOCALES.get(lang, lang))


def date_time(moment: datetime, lang: str) -> str:
    """Written as everywhere else in the app ('Dec 3, 2026 · 1:05 PM'), in the support desk's time zone."""
    return format_event_datetime(moment, get_settings().support.timezone, lang)


def duration(seconds: int, lang: str) -> str:
    minutes = abs(seconds) // 60
    hours, minutes = divmod(minutes, 60)
    text = f"{hours} h {minutes:02d}" if hours else f"{minutes} min"
    if seconds < 0:
        return translate(lang, msgid("overdue by {time}"), time=text)
    return translate(lang, msgid("{time} left"), time=text)


def message_view(message: SupportMessage, lang: str, reader: str) -> dict[str, str]:
    """`reader` is 'customer' or 'agent': whose lines are 'mine' and get read receipts."""
    mine = message.author_kind == reader
    if message.author_kind == AuthorKind.SYSTEM:
        # System lines store a message id (see chat._system_line), with or without the {name} placeholder.
        author, body = "", translate(lang, message.body, name=message.author_name)
    elif mine and reader == AuthorKind.CUSTOMER:
        author, body = gettext(lang, "You"), message.body
    else:
        author, body = message.author_name, message.body
    return {
        "id": str(message.id),
        "kind": message.author_kind,
        "author": author,
        "body": body,
        "time": short_time(message.created_at, lang),
        "mine": "1" if mine else "",
        "internal": gettext(lang, "Internal note") if message.is_internal else "",
        "read": gettext(lang, "Read") if mine and message.read_at else "",
        "attachment": message.attachment_name or "",
    }


def ticket_view(
    ticket: SupportTicket, lang: str, now: datetime, customer: str = "", assignee: str = ""
) -> dict[str, str]:
    first = first_response_timer(ticket, now)
    resolution = resolution_timer(ticket, now)
    overdue = "overdue" in (first.state, resolution.state)
    return {
        "id": str(ticket.id),
        "reference": ticket.reference,
        "subject": ticket.subject,
        "status": ticket.status,
        "status_label": gettext(lang, STATUS_LABELS.get(ticket.status, ticket.status)),
        "priority": ticket.priority,
        "priority_label": gettext(lang, PRIORITY_LABELS.get(ticket.priority, ticket.priority)),
        "channel_label": gettext(lang, CHANNEL_LABELS.get(ticket.channel, ticket.channel)),
        "topic_label": gettext(lang, TOPICS.get(ticket.topic, ticket.topic)),
        "customer": customer,
        "assignee": assignee,
        "created": date_time(ticket.created_at, lang),
        "updated": date_time(ticket.updated_at, lang),
        "first_response": _timer_label(first.state, first.seconds_left, lang),
        "resolution": _timer_label(resolution.state, resolution.seconds_left, lang),
        "overdue": "1" if overdue else "",
    }


def _timer_label(state: str, seconds_left: int, lang: str) -> str:
    if state == "met":
        return gettext(lang, "Met")
    if state == "missed":
        return gettext(lang, "Met late")
    return duration(seconds_left, lang)


@dataclass(frozen=True)
class ChatSnapshot:
    """What a chat participant's screen shows, read fresh from the database."""

    found: bool
    messages: list[dict[str, str]] = field(default_factory=list)
    other_typing: bool = False
    live_help: bool = False
    closed: bool = False
    ticket_reference: str = ""
    has_agent: bool = False
    chat_id: int = 0  # the chat's live topic (services.shared.bus.chat_topic)


def customer_chat_snapshot(
    session: Session, access_token: str, lang: str, *, customer_id: int | None, mark_read: bool
) -> ChatSnapshot:
    chat = support_chat.chat_for_customer(session, access_token, customer_id=customer_id)
    if chat is None:
        return ChatSnapshot(found=False, live_help=support_presence.live_help_available(session))
    if mark_read:
        support_chat.mark_read(session, chat, AuthorKind.CUSTOMER)
    ticket = session.get(SupportTicket, chat.ticket_id) if chat.ticket_id else None
    return ChatSnapshot(
        found=True,
        messages=[message_view(m, lang, AuthorKind.CUSTOMER) for m in support_chat.chat_messages(session, chat)],
        other_typing=support_chat.is_typing(chat.agent_typing_at),
        live_help=chat.agent_id is not None or support_presence.live_help_available(session),
        closed=chat.status == ChatStatus.CLOSED,
        ticket_reference=ticket.reference if ticket else "",
        has_agent=chat.agent_id is not None,
        chat_id=chat.id or 0,
    )


def agent_chat_snapshot(session: Session, viewer: Viewer | None, chat_id: int, lang: str) -> ChatSnapshot:
    chat = support_chat.agent_chat(session, viewer, chat_id)
    if chat.agent_id is not None and viewer is not None and chat.agent_id == viewer.id:
        support_chat.mark_read(session, chat, AuthorKind.AGENT)
    ticket = session.get(SupportTicket, chat.ticket_id) if chat.ticket_id else None
    return ChatSnapshot(
        found=True,
        messages=[message_view(m, lang, AuthorKind.AGENT) for m in support_chat.chat_messages(session, chat)],
        other_typing=support_chat.is_typing(chat.customer_typing_at),
        live_help=True,
        closed=chat.status == ChatStatus.CLOSED,
        ticket_reference=ticket.reference if ticket else "",
    )


def opening_hours(hours: str, timezone: str, lang: str) -> list[str]:
    """'mon-fri 09:00-18:00; sat 10:00-14:00' as readable lines in `lang`."""
    if not hours.strip():
        return [gettext(lang, "Every day, around the clock")]
    names = get_day_names("abbreviated", locale=BABEL_LOCALES.get(lang, lang))
    lines = []
    for rule in hours.lower().split(";"):
        days, _, span = rule.strip().partition(" ")
        first, _, last = days.partition("-")
        day_text = names[support_presence.DAYS.index(first)]
        if last:
            day_text += f"–{names[support_presence.DAYS.index(last)]}"
        lines.append(f"{day_text} {span.strip().replace('-', '–')} ({timezone})")
    return lines


def faq_view(session: Session, lang: str) -> list[dict[str, str]]:
    return [
        {"id": str(entry.id), "question": entry.question, "answer": entry.answer}
        for entry in support_content.faq_entries(session, lang)
    ]
