"""`/agent` live chats and presence. Every handler checks the agent role itself."""

from __future__ import annotations

import asyncio
import time

import reflex as rx
from reflex.event import EventSpec

from ticketapp.db import session_scope
from ticketapp.i18n import gettext, msgid
from ticketapp.models.support import AuthorKind, Presence
from ticketapp.services.support import chat as support_chat
from ticketapp.services.support import presence as support_presence
from ticketapp.services.support import queue as support_queue
from ticketapp.services.support import tickets as support
from ticketapp.services.support.tickets import NotAllowedError, SupportError, Viewer, get_viewer, require_agent
from ticketapp.services.support.views import ChatSnapshot, agent_chat_snapshot, date_time
from ticketapp.state.account.identity import current_user_id, second_factor_verified
from ticketapp.state.locale import current_lang
from ticketapp.state.support.live import POLL_INTERVAL_S, LoopGuard, loop_is_running, token_of

PRESENCE_BEAT_S = 30.0
CHAT_VIEWS = ("waiting", "mine", "all")
TOPIC_AND_STATUS = {
    "waiting": msgid("Waiting"),
    "active": msgid("In progress"),
    "closed": msgid("Closed"),
}


async def viewer_of(state: rx.State) -> Viewer | None:
    user_id = await current_user_id(state)
    with session_scope() as session:
        return get_viewer(session, user_id)


async def require_agent_of(state: rx.State) -> Viewer:
    """The signed-in agent or admin who passed 2FA; raises NotAllowedError for anyone else."""
    viewer = require_agent(await viewer_of(state))
    if not await second_factor_verified(state):
        raise NotAllowedError(msgid("Please confirm your sign-in with your second factor to use the agent panel."))
    return viewer


def _chat_rows(viewer: Viewer, view: str, lang: str) -> tuple[list[dict[str, str]], dict[str, int]]:
    with session_scope() as session:
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


def _chat_snapshot(viewer: Viewer, chat_id: int, lang: str) -> ChatSnapshot:
    with session_scope() as session:
        return agent_chat_snapshot(session, viewer, chat_id, lang)


class AgentChatState(rx.State):
    allowed: bool = False
    checked: bool = False
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
    error: str = ""
    _viewer_id: int = 0
    _watch_beat: float = 0.0
    _presence_beat: float = 0.0
    _typing_written: float = 0.0

    async def _viewer(self) -> Viewer | None:
        return await viewer_of(self)

    async def _require_agent(self) -> Viewer:
        return await require_agent_of(self)

    async def _fail(self, error: SupportError) -> None:
        self.error = gettext(await current_lang(self), str(error))
        if isinstance(error, NotAllowedError):
            self.allowed = False

    def _set_if_changed(self, **values: object) -> None:
        for name, value in values.items():
            if getattr(self, name) != value:
                setattr(self, name, value)

    async def _refresh(self, viewer: Viewer) -> None:
        lang = await current_lang(self)
        rows, counts = await asyncio.to_thread(_chat_rows, viewer, self.view, lang)
        self._set_if_changed(
            chats=rows, waiting_count=counts["waiting"], mine_count=counts["mine"], all_count=counts["all"]
        )
        if self.chat_id:
            snapshot = await asyncio.to_thread(_chat_snapshot, viewer, int(self.chat_id), lang)
            self._apply_chat(snapshot)

    def _apply_chat(self, snapshot: ChatSnapshot) -> None:
        self._set_if_changed(
            chat_messages=snapshot.messages,
            customer_typing=snapshot.other_typing,
            chat_closed=snapshot.closed,
            chat_ticket=snapshot.ticket_reference,
        )

    @rx.event
    async def load(self) -> EventSpec | None:
        self.checked = True
        try:
            viewer = await self._require_agent()
        except SupportError as error:
            await self._fail(error)
            return None
        self.allowed, self.agent_name, self._viewer_id, self.error = True, viewer.name, viewer.id, ""
        with session_scope() as session:
            self.agents = [
                {"id": str(user.id), "name": user.display_name}
                for user in support_queue.support_agents(session)
                if user.id != viewer.id
            ]
            presence = support_presence.set_presence(session, viewer, self.presence or Presence.ONLINE)
        self.presence = presence.status
        await self._refresh(viewer)
        return AgentChatState.watch

    @rx.event
    async def set_presence(self, status: str) -> None:
        try:
            viewer = await self._require_agent()
            with session_scope() as session:
                self.presence = support_presence.set_presence(session, viewer, status).status
        except SupportError as error:
            await self._fail(error)

    @rx.event
    async def show(self, view: str) -> None:
        self.view = view if view in CHAT_VIEWS else "waiting"
        try:
            await self._refresh(await self._require_agent())
        except SupportError as error:
            await self._fail(error)

    @rx.event
    async def open_chat(self, chat_id: str) -> None:
        try:
            viewer = await self._require_agent()
            with session_scope() as session:
                chat = support_chat.agent_chat(session, viewer, int(chat_id))
                self.chat_customer = f"{chat.guest_name} <{chat.guest_email}>"
                self.chat_agent_id = str(chat.agent_id or "")
            self.chat_id, self.error = chat_id, ""
            await self._refresh(viewer)
        except SupportError as error:
            await self._fail(error)

    async def _chat_action(self, action: str, value: str = "") -> None:
        try:
            viewer = await self._require_agent()
            chat_id = int(self.chat_id)
            with session_scope() as session:
                if action == "take":
                    chat = support_chat.take_chat(session, viewer, chat_id)
                    self.chat_agent_id = str(chat.agent_id)
                elif action == "send":
                    support_chat.post_agent_message(session, viewer, chat_id, value)
                elif action == "transfer":
                    chat = support_chat.transfer_chat(session, viewer, chat_id, int(value or 0))
                    self.chat_agent_id = str(chat.agent_id)
                elif action == "close":
                    support_chat.close_chat(session, viewer, chat_id)
            self.error = ""
            await self._refresh(viewer)
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
        try:
            viewer = await self._require_agent()
            with session_scope() as session:
                chat = support_chat.agent_chat(session, viewer, int(self.chat_id))
                if chat.agent_id == viewer.id:
                    support_chat.set_typing(session, chat, AuthorKind.AGENT)
        except SupportError as error:
            await self._fail(error)

    @rx.event(background=True)
    async def watch(self) -> None:
        """Keep lists, unread counts and the open chat fresh; beat presence."""
        async with self:
            if loop_is_running(self._watch_beat) or not self.allowed:
                return
            self._watch_beat = time.time()
            token = token_of(self)
        guard = LoopGuard()
        while await guard.keep_going(token):
            await asyncio.sleep(POLL_INTERVAL_S)
            async with self:
                try:
                    viewer = await self._require_agent()  # a revoked role stops the loop
                except SupportError as error:
                    await self._fail(error)
                    break
                await self._refresh(viewer)
                # Only a connected panel keeps its agent "online".
                if guard.connected and time.time() - self._presence_beat > PRESENCE_BEAT_S:
                    self._presence_beat = time.time()
                    with session_scope() as session:
                        support_presence.set_presence(session, viewer, self.presence)
                self._watch_beat = time.time()
        async with self:
            self._watch_beat = 0.0
