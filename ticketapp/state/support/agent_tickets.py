"""`/agent` ticket queue, ticket view and phone log. Every handler checks the role itself (`_staff()`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import reflex as rx
from reflex.event import EventSpec
from sqlmodel import Session

from ticketapp.db import run_db
from ticketapp.i18n import gettext, msgid
from ticketapp.models import Role, utcnow
from ticketapp.models.support import AuthorKind
from ticketapp.services.accounts.access import Viewer
from ticketapp.services.shared import bus
from ticketapp.services.shared.money import Money
from ticketapp.services.support import calls as support_calls
from ticketapp.services.support import content as support_content
from ticketapp.services.support import queue as support_queue
from ticketapp.services.support import tickets as support
from ticketapp.services.support.attachments import message_attachment
from ticketapp.services.support.queue import QueueFilter
from ticketapp.services.support.tickets import NotAllowedError, SupportError
from ticketapp.services.support.views import date_time, message_view, ticket_view
from ticketapp.state import live
from ticketapp.state.base import Paged, StaffPageState
from ticketapp.state.bounded import TEXT_MAX, clip
from ticketapp.state.locale import current_lang
from ticketapp.state.snapshot import SentWhenUsed


def _int_or_none(value: str) -> int | None:
    return int(value) if value.strip().isdigit() else None


@dataclass(frozen=True)
class _Queue:
    assignable: list[dict[str, str]]
    tickets: list[dict[str, str]]
    total: int
    canned: list[dict[str, str]]


@dataclass(frozen=True)
class _TicketPanel:
    ticket: dict[str, str]
    conversation: list[dict[str, str]]
    customer: dict[str, str]
    orders: list[dict[str, str]]


def _queue(session: Session, viewer: Viewer, filters: QueueFilter, lang: str, page: int, page_size: int) -> _Queue:
    now = utcnow()
    page_of = support_queue.ticket_queue(session, viewer, filters, now, offset=page * page_size, limit=page_size)
    names = {agent.id: agent.display_name for agent in support_queue.support_agents(session)}
    return _Queue(
        assignable=[{"id": str(agent_id), "name": name} for agent_id, name in names.items()],
        tickets=[
            ticket_view(
                ticket,
                lang,
                now,
                customer=support.ticket_customer_name(session, ticket),
                assignee=names.get(ticket.assignee_id, "") if ticket.assignee_id else "",
            )
            for ticket in page_of
        ],
        total=support_queue.queue_size(session, viewer, filters, now),
        canned=[
            {"id": str(reply.id), "title": reply.title, "body": reply.body}
            for reply in support_content.canned_replies(session, viewer, lang)
        ],
    )


def _ticket_panel(session: Session, viewer: Viewer, ticket_id: int, lang: str) -> _TicketPanel:
    ticket = support.agent_ticket(session, viewer, ticket_id)
    names = {agent.id: agent.display_name for agent in support_queue.support_agents(session)}
    summary = support.customer_summary(session, viewer, ticket)
    return _TicketPanel(
        ticket=ticket_view(
            ticket,
            lang,
            utcnow(),
            customer=support.ticket_customer_name(session, ticket),
            assignee=names.get(ticket.assignee_id, "") if ticket.assignee_id else "",
        ),
        conversation=[
            message_view(m, lang, AuthorKind.AGENT)
            for m in support.conversation(session, ticket, include_internal=True)
        ],
        customer={
            "name": summary.name,
            "email": summary.email,
            "account": gettext(lang, msgid("Has an account") if summary.has_account else msgid("Guest")),
            "blocked": gettext(lang, msgid("Blocked")) if summary.is_blocked else "",
        },
        orders=[
            {
                "code": order.code,
                "href": f"/admin/orders/{order.code}",
                "total": Money(order.total_minor, order.currency).format(lang),
                "date": date_time(order.created_at, lang),
                "status": order.status,
            }
            for order in summary.orders
        ],
    )


def _change_ticket(session: Session, viewer: Viewer, ticket_id: int, status: str, priority: str) -> None:
    support.set_status(session, viewer, ticket_id, status)
    support.set_priority(session, viewer, ticket_id, priority)


def _agent_attachment(session: Session, viewer: Viewer, ticket_id: int, message_id: int) -> tuple[str, str, bytes]:
    ticket = support.agent_ticket(session, viewer, ticket_id)
    return message_attachment(session, message_id, ticket.id or 0, include_internal=True)


class AgentTicketState(SentWhenUsed, Paged, StaffPageState, rx.State):
    _staff_role: ClassVar[Role] = Role.AGENT
    f_status: str = ""
    f_priority: str = ""
    f_channel: str = ""
    f_assignee: str = ""
    f_age: str = ""
    tickets: list[dict[str, str]] = []
    selected: list[str] = []
    assignable: list[dict[str, str]] = []
    ticket_id: str = ""
    ticket: dict[str, str] = {}
    conversation: list[dict[str, str]] = []
    customer: dict[str, str] = {}
    orders: list[dict[str, str]] = []
    canned: list[dict[str, str]] = []
    reply_draft: str = ""

    async def _fail(self, error: SupportError) -> None:
        await self._say_refused(error)
        if isinstance(error, NotAllowedError):
            self.forbidden = True

    def _filters(self) -> QueueFilter:
        age = self.f_age
        return QueueFilter(
            status=self.f_status,
            priority=self.f_priority,
            channel=self.f_channel,
            assignee=self.f_assignee,
            max_age_hours=24 if age == "today" else None,
            min_age_hours=24 if age == "older" else None,
        )

    async def _reload(self, viewer: Viewer) -> None:
        lang = await current_lang(self)
        queue = await run_db(_queue, viewer, self._filters(), lang, self.page, self.page_size)
        self.assignable, self.tickets, self.canned = queue.assignable, queue.tickets, queue.canned
        self.total = queue.total
        if not self.tickets and self.page > 0:  # the last page emptied (requests closed meanwhile): step back
            self.page = max((self.total - 1) // self.page_size, 0)
            queue = await run_db(_queue, viewer, self._filters(), lang, self.page, self.page_size)
            self.tickets = queue.tickets
        if self.ticket_id:
            self._show_ticket(await run_db(_ticket_panel, viewer, int(self.ticket_id), lang))

    async def _refresh(self) -> None:
        """Paged: show the current page again."""
        viewer = await self._staff()
        if viewer is not None:
            await self._reload(viewer)

    def _show_ticket(self, panel: _TicketPanel) -> None:
        self.ticket, self.conversation = panel.ticket, panel.conversation
        self.customer, self.orders = panel.customer, panel.orders

    @rx.event
    async def load(self) -> None:
        viewer = await self._staff()
        if viewer is None:
            return
        self.loaded = True
        await self._reload(viewer)
        # New and changed requests as they happen; the clock ticks the SLA timers along.
        live.follow(self, bus.SUPPORT_TICKETS, live.TICK)

    @rx.event
    async def apply_filters(self, form: dict[str, str]) -> None:
        self.f_status = form.get("status", "")
        self.f_priority = form.get("priority", "")
        self.f_channel = form.get("channel", "")
        self.f_assignee = form.get("assignee", "")
        self.f_age = form.get("age", "")
        self.selected = []
        self.page = 0
        await self.load()  # type: ignore[operator]  # mypy reads a bare @rx.event as EventNamespace

    @rx.event
    def toggle_selected(self, ticket_id: str) -> None:
        if ticket_id in self.selected:
            self.selected = [t for t in self.selected if t != ticket_id]
        else:
            self.selected = [*self.selected, ticket_id]

    @rx.event
    async def bulk_assign(self, form: dict[str, str]) -> None:
        viewer = await self._staff()
        if viewer is None:
            return
        try:
            ticket_ids = [int(t) for t in self.selected]
            count = await run_db(support_queue.bulk_assign, viewer, ticket_ids, _int_or_none(form.get("agent_id", "")))
            self.selected = []
            await self._say(msgid("{count} requests assigned."), count=count)
            await self._reload(viewer)
        except SupportError as error:
            await self._fail(error)

    @rx.event
    async def open_ticket(self, ticket_id: str) -> None:
        viewer = await self._staff()
        if viewer is None:
            return
        try:
            self._show_ticket(await run_db(_ticket_panel, viewer, int(ticket_id), await current_lang(self)))
            self.ticket_id, self.message, self.message_is_error, self.reply_draft = ticket_id, "", False, ""
        except SupportError as error:
            await self._fail(error)

    @rx.event
    def use_canned(self, reply_id: str) -> None:
        chosen = next((reply for reply in self.canned if reply["id"] == reply_id), None)
        if chosen is not None:
            self.reply_draft = chosen["body"]

    @rx.event
    def set_reply_draft(self, value: str) -> None:
        self.reply_draft = clip(value, TEXT_MAX)

    @rx.event
    async def reply(self, form: dict[str, str]) -> None:
        internal = form.get("internal") in ("on", "true", "1")
        viewer = await self._staff()
        if viewer is None:
            return
        try:
            await run_db(support.agent_reply, viewer, int(self.ticket_id), self.reply_draft, internal=internal)
            self.reply_draft = ""
            await self._say(msgid("Note saved.") if internal else msgid("Reply sent."))
            await self._reload(viewer)
        except SupportError as error:
            await self._fail(error)

    @rx.event
    async def change(self, form: dict[str, str]) -> None:
        viewer = await self._staff()
        if viewer is None:
            return
        try:
            await run_db(_change_ticket, viewer, int(self.ticket_id), form.get("status", ""), form.get("priority", ""))
            await self._say(msgid("Request updated."))
            await self._reload(viewer)
        except SupportError as error:
            await self._fail(error)

    @rx.event
    async def log_call(self, form: dict[str, str]) -> None:
        minutes, seconds = form.get("minutes", "0").strip() or "0", form.get("seconds", "0").strip() or "0"
        try:
            if not (minutes.isdigit() and seconds.isdigit()):
                raise SupportError(msgid("The call duration is not valid."))
            viewer = await self._staff()
            if viewer is None:
                return
            ticket = await run_db(
                support_calls.log_call,
                viewer,
                caller_name=form.get("caller_name", ""),
                caller_phone=form.get("caller_phone", ""),
                caller_email=form.get("caller_email", ""),
                summary=form.get("summary", ""),
                duration_seconds=int(minutes) * 60 + int(seconds),
                outcome=form.get("outcome", "resolved"),
                reference=form.get("reference", ""),
            )
            await self._say(msgid("Call logged on request {reference}."), reference=ticket.reference)
            await self._reload(viewer)
        except SupportError as error:
            await self._fail(error)

    @rx.event
    async def download(self, message_id: str) -> EventSpec | None:
        if not (message_id.isdigit() and self.ticket_id):
            return None
        viewer = await self._staff()
        if viewer is None:
            return None
        try:
            name, content_type, data = await run_db(_agent_attachment, viewer, int(self.ticket_id), int(message_id))
        except SupportError as error:
            await self._fail(error)
            return None
        return rx.download(data=data, filename=name, mime_type=content_type)

    async def _on_fact(self, topic: str, payload: dict[str, Any]) -> None:
        """The queue changed, or the clock ticked (state/live.py): read it again; a revoked role stops following."""
        viewer = await self._staff()
        if viewer is None:
            live.follow(self)
            return
        try:
            await self._reload(viewer)
        except SupportError as error:
            await self._fail(error)
            live.follow(self)
