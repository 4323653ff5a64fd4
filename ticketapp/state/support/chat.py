"""The customer's chat panel (on every page)."""

from __future__ import annotations

import time
from typing import Any

import reflex as rx
from reflex.event import EventSpec
from sqlmodel import Session

from ticketapp.db import run_db
from ticketapp.i18n import gettext, msgid, translate
from ticketapp.models.support import AuthorKind, SupportChat
from ticketapp.services.accounts.access import Viewer
from ticketapp.services.shared import bus
from ticketapp.services.support import chat as support_chat
from ticketapp.services.support.attachments import MAX_ATTACHMENT_BYTES
from ticketapp.services.support.tickets import SupportError, customer_orders
from ticketapp.services.support.views import ChatSnapshot, customer_chat_snapshot, date_time
from ticketapp.state import live
from ticketapp.state.base import signed_in_viewer
from ticketapp.state.bounded import TEXT_MAX, clip
from ticketapp.state.locale import current_lang
from ticketapp.state.snapshot import SentWhenUsed

TYPING_WRITE_EVERY_S = 2.0


def _read_snapshot(
    session: Session, access_token: str, customer_id: int | None, lang: str, mark_read: bool
) -> ChatSnapshot:
    return customer_chat_snapshot(session, access_token, lang, customer_id=customer_id, mark_read=mark_read)


def _order_choices(session: Session, viewer: Viewer | None, lang: str) -> list[dict[str, str]]:
    return [
        {"id": str(order.id), "label": f"{order.code} · {date_time(order.created_at, lang)}"}
        for order in customer_orders(session, viewer)
    ]


def _open_chat(session: Session, chat_token: str, customer_id: int | None) -> SupportChat:
    chat = support_chat.chat_for_customer(session, chat_token, customer_id=customer_id)
    if chat is None:
        raise SupportError("This chat is closed. Please start a new one.")
    return chat


def _post_message(session: Session, chat_token: str, customer_id: int | None, body: str) -> None:
    support_chat.post_customer_message(session, _open_chat(session, chat_token, customer_id), body)


def _post_attachment(session: Session, chat_token: str, customer_id: int | None, filename: str, data: bytes) -> None:
    support_chat.post_customer_attachment(session, _open_chat(session, chat_token, customer_id), filename, data)


def _mark_typing(session: Session, chat_token: str, customer_id: int | None) -> None:
    chat = support_chat.chat_for_customer(session, chat_token, customer_id=customer_id)
    if chat is not None:
        support_chat.set_typing(session, chat, AuthorKind.CUSTOMER)


class SupportChatState(SentWhenUsed, rx.State):
    # The browser keeps its chat's secret token, so a reload or reconnect finds the chat again.
    chat_token: str = rx.LocalStorage("", name="support_chat")
    panel_open: bool = False
    signed_in: bool = False
    viewer_name: str = ""
    orders: list[dict[str, str]] = []
    guest_name: str = ""
    guest_email: str = ""
    topic: str = "other"
    draft: str = ""
    started: bool = False
    closed: bool = False
    messages: list[dict[str, str]] = []
    live_help: bool = False
    agent_typing: bool = False
    ticket_reference: str = ""
    ticket_notice: str = ""
    error: str = ""
    _chat_id: int = 0
    _typing_written: float = 0.0
    # Who opened the panel (None: a visitor); a chat started signed in opens only for its account.
    _customer_id: int | None = None

    def _apply(self, snapshot: ChatSnapshot, lang: str) -> None:
        # Only assign what changed: every assignment is sent to the browser.
        self._chat_id = snapshot.chat_id
        if self.started != snapshot.found:
            self.started = snapshot.found
        if self.messages != snapshot.messages:
            self.messages = snapshot.messages
        for name in ("live_help", "closed", "ticket_reference"):
            if getattr(self, name) != getattr(snapshot, name):
                setattr(self, name, getattr(snapshot, name))
        if self.agent_typing != snapshot.other_typing:
            self.agent_typing = snapshot.other_typing
        # The "answered by e-mail" notice only while nobody has picked the chat up live.
        offline_ticket = snapshot.ticket_reference and not snapshot.closed and not snapshot.has_agent
        notice = ticket_notice(lang, snapshot.ticket_reference) if offline_ticket else ""
        if self.ticket_notice != notice:
            self.ticket_notice = notice

    def _follow(self) -> None:
        """An open panel follows its chat (and whether live help is there); a closed one nothing."""
        topics = [bus.SUPPORT_PRESENCE, bus.chat_topic(self._chat_id)] if self._chat_id else [bus.SUPPORT_PRESENCE]
        live.follow(self, *(topics if self.panel_open else []))

    async def _read_again(self) -> None:
        lang = await current_lang(self)
        self._apply(await run_db(_read_snapshot, self.chat_token, self._customer_id, lang, True), lang)
        self._follow()

    @rx.event
    async def toggle_panel(self) -> None:
        self.panel_open = not self.panel_open
        if not self.panel_open:
            self._follow()
            return
        lang = await current_lang(self)
        viewer = await signed_in_viewer(self)
        self.signed_in = viewer is not None
        self.viewer_name = viewer.name if viewer else ""
        self._customer_id = viewer.id if viewer else None
        self.orders = await run_db(_order_choices, viewer, lang)
        await self._read_again()

    @rx.event
    def close_panel(self) -> EventSpec:
        self.panel_open = False
        self._follow()
        return rx.call_script("document.getElementById('chat-launcher')?.focus()")

    @rx.event
    async def start(self, form: dict[str, str]) -> None:
        lang = await current_lang(self)
        viewer = await signed_in_viewer(self)
        self._customer_id = viewer.id if viewer else None
        try:
            chat = await run_db(
                support_chat.start_chat,
                viewer,
                guest_name=form.get("guest_name", ""),
                guest_email=form.get("guest_email", ""),
                topic=form.get("topic", "other"),
                order_id=int(form["order_id"]) if form.get("order_id", "").isdigit() else None,
                locale=lang,
            )
        except SupportError as error:
            self.error = gettext(lang, str(error))
            return
        self.error = ""
        self.chat_token = chat.access_token
        self._apply(await run_db(_read_snapshot, chat.access_token, self._customer_id, lang, False), lang)
        self._follow()

    @rx.event
    async def send(self, form: dict[str, str]) -> None:
        lang = await current_lang(self)
        body = form.get("message", self.draft)
        try:
            await run_db(_post_message, self.chat_token, self._customer_id, body)
        except SupportError as error:
            self.error = gettext(lang, str(error))
            return
        self.error = ""
        self.draft = ""
        self._typing_written = 0.0
        self._apply(await run_db(_read_snapshot, self.chat_token, self._customer_id, lang, True), lang)

    @rx.event
    async def send_attachment(self, files: list[rx.UploadFile]) -> EventSpec | None:
        lang = await current_lang(self)
        if not files:
            self.error = gettext(lang, "Choose an image or a PDF first.")
            return None
        upload = files[0]
        data = await upload.read(MAX_ATTACHMENT_BYTES + 1)  # never more than the limit into memory
        try:
            await run_db(_post_attachment, self.chat_token, self._customer_id, upload.filename or "file", data)
        except SupportError as error:
            self.error = gettext(lang, str(error))
            return rx.clear_selected_files(CHAT_UPLOAD_ID)
        self.error = ""
        self._apply(await run_db(_read_snapshot, self.chat_token, self._customer_id, lang, True), lang)
        return rx.clear_selected_files(CHAT_UPLOAD_ID)

    @rx.event
    async def set_draft(self, value: str) -> None:
        self.draft = clip(value, TEXT_MAX)
        if not value or time.time() - self._typing_written < TYPING_WRITE_EVERY_S:
            return
        self._typing_written = time.time()
        await run_db(_mark_typing, self.chat_token, self._customer_id)

    @rx.event
    def new_chat(self) -> None:
        self.chat_token, self._chat_id = "", 0
        self.started = self.closed = False
        self.messages, self.ticket_reference, self.ticket_notice = [], "", ""
        self._follow()

    @rx.event
    async def watch(self) -> None:
        """The panel mounted (a page, a reconnect): catch up once, then follow its chat's facts."""
        if self.panel_open:
            await self._read_again()

    async def _on_fact(self, topic: str, payload: dict[str, Any]) -> None:
        """A fact of the followed chat or of live help's availability (state/live.py)."""
        if self.panel_open:
            await self._read_again()
        else:
            self._follow()


CHAT_UPLOAD_ID = "chat-attachment"


def ticket_notice(lang: str, reference: str) -> str:
    return translate(
        lang,
        msgid("No agent is online right now. Your message is saved as request {reference}; we will answer by e-mail."),
        reference=reference,
    )
