"""`/support`: contact form, phone and hours, FAQ, and the customer's own requests."""

from __future__ import annotations

import reflex as rx
from reflex.event import EventSpec
from sqlmodel import Session

from ticketapp.db import run_db
from ticketapp.i18n import gettext, msgid, translate
from ticketapp.models import SupportMessage, SupportTicket, utcnow
from ticketapp.models.support import AuthorKind
from ticketapp.services.accounts.access import Viewer
from ticketapp.services.support import tickets as support
from ticketapp.services.support.attachments import message_attachment
from ticketapp.services.support.tickets import SupportError
from ticketapp.services.support.views import faq_view, message_view, opening_hours, ticket_view
from ticketapp.settings import get_settings
from ticketapp.state.base import signed_in_viewer
from ticketapp.state.locale import current_lang
from ticketapp.state.snapshot import SentWhenUsed


def _faq_and_requests(
    session: Session, viewer: Viewer | None, lang: str
) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    now = utcnow()
    return faq_view(session, lang), [ticket_view(t, lang, now) for t in support.my_tickets(session, viewer)]


def _customer_conversation(
    session: Session, viewer: Viewer | None, ticket_id: int
) -> tuple[SupportTicket, list[SupportMessage]]:
    ticket = support.customer_ticket(session, viewer, ticket_id)
    return ticket, support.conversation(session, ticket, include_internal=False)


def _customer_attachment(
    session: Session, viewer: Viewer | None, ticket_id: int, message_id: int
) -> tuple[str, str, bytes]:
    ticket = support.customer_ticket(session, viewer, ticket_id)
    return message_attachment(session, message_id, ticket.id or 0, include_internal=False)


class SupportPageState(SentWhenUsed, rx.State):
    phone: str = ""
    hours: list[str] = []
    faq: list[dict[str, str]] = []
    signed_in: bool = False
    my_requests: list[dict[str, str]] = []
    selected_id: str = ""
    selected_reference: str = ""
    conversation: list[dict[str, str]] = []
    form_error: str = ""
    form_done: str = ""
    reply_error: str = ""

    @rx.event
    async def load(self) -> None:
        lang = await current_lang(self)
        settings = get_settings().support
        viewer = await signed_in_viewer(self)
        self.phone = settings.phone
        self.hours = opening_hours(settings.hours, settings.timezone, lang)
        self.signed_in = viewer is not None
        self.faq, self.my_requests = await run_db(_faq_and_requests, viewer, lang)
        if self.selected_id:
            await self._load_conversation(int(self.selected_id))

    async def _load_conversation(self, ticket_id: int) -> None:
        lang = await current_lang(self)
        viewer = await signed_in_viewer(self)
        try:
            ticket, lines = await run_db(_customer_conversation, viewer, ticket_id)
        except SupportError as error:
            self.selected_id, self.conversation, self.reply_error = "", [], gettext(lang, str(error))
            return
        self.selected_id, self.selected_reference = str(ticket.id), ticket.reference
        self.conversation = [message_view(m, lang, AuthorKind.CUSTOMER) for m in lines]

    @rx.event
    async def open_request(self, ticket_id: str) -> None:
        self.reply_error = ""
        if ticket_id.isdigit():
            await self._load_conversation(int(ticket_id))

    @rx.event
    async def submit_contact(self, form: dict[str, str]) -> None:
        lang = await current_lang(self)
        viewer = await signed_in_viewer(self)
        try:
            ticket = await run_db(
                support.submit_contact_form,
                viewer,
                name=form.get("name", ""),
                email=form.get("email", ""),
                topic=form.get("topic", "other"),
                subject=form.get("subject", ""),
                body=form.get("message", ""),
                locale=lang,
            )
        except SupportError as error:
            self.form_done, self.form_error = "", gettext(lang, str(error))
            return
        self.form_error = ""
        self.form_done = translate(
            lang,
            msgid("Thank you. We received your request {reference} and will answer by e-mail."),
            reference=ticket.reference,
        )
        await self.load()  # type: ignore[operator]  # mypy reads a bare @rx.event as EventNamespace

    @rx.event
    async def reply(self, form: dict[str, str]) -> None:
        lang = await current_lang(self)
        if not self.selected_id:
            return
        viewer = await signed_in_viewer(self)
        try:
            await run_db(support.customer_reply, viewer, int(self.selected_id), form.get("reply", ""))
        except SupportError as error:
            self.reply_error = gettext(lang, str(error))
            return
        self.reply_error = ""
        await self.load()  # type: ignore[operator]  # mypy reads a bare @rx.event as EventNamespace

    @rx.event
    async def download(self, message_id: str) -> EventSpec | None:
        """An attachment of the customer's own request (never from /_upload, which is public)."""
        if not (message_id.isdigit() and self.selected_id):
            return None
        viewer = await signed_in_viewer(self)
        try:
            name, content_type, data = await run_db(
                _customer_attachment, viewer, int(self.selected_id), int(message_id)
            )
        except SupportError as error:
            self.reply_error = gettext(await current_lang(self), str(error))
            return None
        return rx.download(data=data, filename=name, mime_type=content_type)
