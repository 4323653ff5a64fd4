"""`/agent` live chats and presence. Every handler checks the agent role itself (`_staff()`)."""

from __future__ import annotations

import time
from typing import Any, ClassVar

import reflex as rx
from reflex.event import EventSpec
from sqlmodel import Session

from ticketapp.db import run_db
from ticketapp.i18n import gettext, msgid
from ticketapp.models import Role
from ticketapp.models.support import AuthorKind, Presence
from ticketapp.services.accounts.access import Viewer
from ticketapp.services.shared import bus
from ticketapp.services.support import chat as support_chat
from ticketapp.services.support import presence as support_presence
from ticketapp.services.support import queue as support_queue
from ticketapp.services.support import tickets as support
from ticketapp.services.support.attachments import chat_attachment
from ticketapp.services.support.tickets import NotAllowedError, SupportError
from ticketapp.services.support.views import ChatSnapshot, agent_chat_snapshot, date_time
from ticketapp.state import live
from ticketapp.state.base import StaffPageState
from ticketapp.state.locale import current_lang
from ticketapp.state.snapshot import SentWhenUsed

CHAT_VIEWS = ("waiting", "mine", "all")
TOPIC_AND_STATUS = {
    "waiting": msgid("Waiting"),
    "active": msgid("In progress"),
    "closed": msgid("Closed"),
}


def _chat_rows(session: Session, viewer: Viewer, view: str, lang: str) -> tuple[list[dict[str, str]], dict[str, int]]:
    rows = support_chat.agent_chats(session, viewer, view)
    counts = {name: len(support_chat.agent_chats(session, viewer, name)) for name in CHAT_VIEWS}
    names = {agent.id: agent.display_name for agent in support_queue.support_agents(session)}
    return [
        {
            "id": str(row.chat.id),
            "customer": row.chat.guest_name,
            "email": row.chat.guest_email,
            "topic": gettext(lang, support.TOPICS.get(row.chat.topic, row.chat.topic)),
            "status": gettext(lang, TOPIC_AND_STATUS.get(row.chat.status, row.chat.status)),
            "agent": names.get(row.chat.agent_id, "") if row.chat.agent_id else "",
            "unread": str(row.unread),
            "since": date_time(row.chat.created_at, lang),
        }
        for row in rows
    ], counts


def _other_agents(session: Session, viewer: Viewer) -> list[dict[str, str]]:
    return [
        {"id": str(user.id), "name": user.display_name}
        for user in support_queue.support_agents(session)
        if user.id != viewer.id
    ]


def _set_presence(session: Session, viewer: Viewer, status: str) -> str:
    return support_presence.set_presence(session, viewer, status).status


def _chat_action(session: Session, viewer: Viewer, chat_id: int, action: str, value: str) -> str | None:
    """Take, send to, transfer or close a chat; the chat's agent id when it changed."""
    if action == "take":
        return str(support_chat.take_chat(session, viewer, chat_id).agent_id)
    if action == "send":
        support_chat.post_agent_message(session, viewer, chat_id, value)
    elif action == "transfer":
        return str(support_chat.transfer_chat(session, viewer, chat_id, int(value or 0)).agent_id)
    elif action == "close":
        support_chat.close_chat(session, viewer, chat_id)
    return None


def _chat_attachment(session: Session, viewer: Viewer, chat_id: int, message_id: int) -> tuple[str, str, bytes]:
    chat = support_chat.agent_chat(session, viewer, chat_id)
    return chat_attachment(session, message_id, chat.id or 0)


def _mark_typing(session: Session, viewer: Viewer, chat_id: int) -> None:
    chat = support_chat.agent_chat(session, viewer, chat_id)
    if chat.agent_id == viewer.id:
        support_chat.set_typing(session, chat, AuthorKind.AGENT)


class AgentChatState(SentWhenUsed, StaffPageState, rx.State):
    _staff_role: ClassVar[Role] = Role.AGENT
    agent_name: str = ""
    presence: str = ""  # first visit of the panel: online
    view: str = "waiting"
    chats: list[dict[str, str]] = []
    waiting_count: int = 0
    mine_count: int = 0
    all_count: int = 0
    agents: list[dict[str, str]] = []
    chat_id: str = ""
    chat_customer: str = ""
    chat_agent_id: str = ""
    chat_messages: list[dict[str, str]] = []
    customer_typing: bool = False
    chat_closed: bool = False
    chat_ticket: str = ""
    _viewer_id: int = 0
    _typing_written: float = 0.0

    async def _fail(self, error: SupportError) -> None:
        await self._say_refused(error)
        if isinstance(error, NotAllowedError):
            self.forbidden = True

    @rx.event
    async def download(self, message_id: str) -> EventSpec | None:
        """The open chat's attachment (a customer's photo of a ticket), while the chat is still live."""
        if not (message_id.isdigit() and self.chat_id.isdigit()):
            return None
        viewer = await self._staff()
        if viewer is None:
            return None
        try:
            name, content_type, data = await run_db(_chat_attachment, viewer, int(self.chat_id), int(message_id))
        except SupportError as error:
            await self._fail(error)
            return None
        return rx.download(data=data, filename=name, mime_type=content_type)

    def _follow(self) -> None:
        """The lists and counts, the open chat, and the clock (presence heartbeat); nothing once refused."""
        topics = [bus.SUPPORT_CHATS, live.TICK] + ([bus.chat_topic(int(self.chat_id))] if self.chat_id else [])
        live.follow(self, *([] if self.forbidden else topics))

    def _set_if_changed(self, **values: object) -> None:
        for name, value in values.items():
            if getattr(self, name) != value:
                setattr(self, name, value)

    async def _update(self, viewer: Viewer) -> None:
        lang = await current_lang(self)
        rows, counts = await run_db(_chat_rows, viewer, self.view, lang)
        self._set_if_changed(
            chats=rows, waiting_count=counts["waiting"], mine_count=counts["mine"], all_count=counts["all"]
        )
        if self.chat_id:
            self._apply_chat(await run_db(agent_chat_snapshot, viewer, int(self.chat_id), lang))

    def _apply_chat(self, snapshot: ChatSnapshot) -> None:
        self._set_if_changed(
            chat_messages=snapshot.messages,
            customer_typing=snapshot.other_typing,
            chat_closed=snapshot.closed,
            chat_ticket=snapshot.ticket_reference,
        )

    @rx.event
    async def load(self) -> EventSpec | None:
        viewer = await self._staff()
        if viewer is None:
            return None
        self.loaded, self.agent_name, self._viewer_id, self.message = True, viewer.name, viewer.id, ""
        self.agents = await run_db(_other_agents, viewer)
        self.presence = await run_db(_set_presence, viewer, self.presence or Presence.ONLINE)
        await self._update(viewer)
        self._follow()
        return None

    @rx.event
    async def set_presence(self, status: str) -> None:
        viewer = await self._staff()
        if viewer is None:
            return
        try:
            self.presence = await run_db(_set_presence, viewer, status)
        except SupportError as error:
            await self._fail(error)

    @rx.event
    async def show(self, view: str) -> None:
        self.view = view if view in CHAT_VIEWS else "waiting"
        viewer = await self._staff()
        if viewer is None:
            return
        try:
            await self._update(viewer)
        except SupportError as error:
            await self._fail(error)

    @rx.event
    async def open_chat(self, chat_id: str) -> None:
        viewer = await self._staff()
        if viewer is None:
            return
        try:
            chat = await run_db(support_chat.agent_chat, viewer, int(chat_id))
            self.chat_customer = f"{chat.guest_name} <{chat.guest_email}>"
            self.chat_agent_id = str(chat.agent_id or "")
            self.chat_id, self.message = chat_id, ""
            await self._update(viewer)
            self._follow()
        except SupportError as error:
            await self._fail(error)

    async def _chat_action(self, action: str, value: str = "") -> None:
        viewer = await self._staff()
        if viewer is None:
            return
        try:
            agent_id = await run_db(_chat_action, viewer, int(self.chat_id), action, value)
            if agent_id is not None:
                self.chat_agent_id = agent_id
            self.message = ""
            await self._update(viewer)
        except SupportError as error:
            await self._fail(error)

    @rx.event
    async def take(self) -> None:
        await self._chat_action("take")

    @rx.event
    async def send(self, form: dict[str, str]) -> None:
        self._typing_written = 0.0
        await self._chat_action("send", form.get("message", ""))

    @rx.event
    async def transfer(self, form: dict[str, str]) -> None:
        await self._chat_action("transfer", form.get("agent_id", ""))

    @rx.event
    async def close_chat(self) -> None:
        await self._chat_action("close")

    @rx.event
    async def typing(self, value: str) -> None:
        if not value or not self.chat_id or time.time() - self._typing_written < 2.0:
            return
        self._typing_written = time.time()
        viewer = await self._staff()
        if viewer is None:
            return
        try:
            await run_db(_mark_typing, viewer, int(self.chat_id))
        except SupportError as error:
            await self._fail(error)

    async def _on_fact(self, topic: str, payload: dict[str, Any]) -> None:
        """A followed fact (state/live.py): read again what it concerns; a revoked role stops following."""
        viewer = await self._staff()
        if viewer is None:
            self._follow()
            return
        try:
            if topic == live.TICK:  # the heartbeat: the hub ticks only panels connected (or just reconnecting)
                await run_db(_set_presence, viewer, self.presence)
            elif topic == bus.SUPPORT_CHATS:
                await self._update(viewer)
            elif self.chat_id and topic == bus.chat_topic(int(self.chat_id)):
                self._apply_chat(await run_db(agent_chat_snapshot, viewer, int(self.chat_id), await current_lang(self)))
        except SupportError as error:
            await self._fail(error)
            self._follow()
