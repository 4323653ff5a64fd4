"""`/transfers/[id]?s=…`: the recipient of a ticket transfer accepts it (the link works once)."""

from __future__ import annotations

import reflex as rx
from sqlmodel import Session, select

from ticketapp.db import run_db
from ticketapp.i18n import translate
from ticketapp.models import Ticket
from ticketapp.services.orders import transfers
from ticketapp.services.orders.transfers import TransferError
from ticketapp.services.tickets.links import ticket_download_url
from ticketapp.services.tickets.mine import qr_data_uri
from ticketapp.state.account.auth import current_user
from ticketapp.state.bounded import SHORT_MAX
from ticketapp.state.locale import current_lang
from ticketapp.state.snapshot import SentWhenUsed


def _offer_text(session: Session, transfer_id: int, signature: str, lang: str) -> str:
    """'Sam gives you a ticket for …' for a usable link; raises TransferError otherwise."""
    offer = transfers.offer_from_link(session, transfer_id, signature)
    ticket = session.get(Ticket, offer.ticket_id)
    assert ticket is not None  # noqa: S101  (a foreign key)
    holding = transfers.holding_of(session, ticket)
    return translate(
        lang,
        "{sender} gives {name} a ticket for {event}.",
        sender=holding.holder_name,
        name=offer.to_name,
        event=holding.event.title,
    )


def _accepted_view(session: Session, code: str) -> tuple[str, str]:
    """The new ticket's QR (data URI) and its signed PDF link: the recipient's guest link."""
    ticket = session.exec(select(Ticket).where(Ticket.code == code)).one()
    return qr_data_uri(session, ticket), ticket_download_url(ticket.code)


class TransferAcceptState(SentWhenUsed, rx.State):
    loaded: bool = False
    usable: bool = False
    offer_text: str = ""
    error: str = ""
    accepted: bool = False
    ticket_code: str = ""
    event_title: str = ""
    has_account: bool = False
    qr: str = ""
    pdf_url: str = ""
    _transfer_id: int = 0
    _signature: str = ""

    @rx.event
    async def load(self) -> None:
        self.loaded = self.usable = self.accepted = False
        self.error = self.offer_text = ""
        raw = self.router.url.path.rstrip("/").rsplit("/", 1)[-1]
        self._transfer_id = int(raw) if raw.isdigit() and len(raw) < 12 else 0
        self._signature = self.router.url.query_parameters.get("s", "")[:SHORT_MAX]
        lang = await current_lang(self)
        try:
            self.offer_text = await run_db(_offer_text, self._transfer_id, self._signature, lang)
            self.usable = True
        except TransferError as refused:
            self.error = refused.translated(lang)
        self.loaded = True

    @rx.event
    async def accept(self) -> None:
        lang = await current_lang(self)
        user = await current_user(self)
        try:
            done = await run_db(
                transfers.accept, self._transfer_id, self._signature, user_id=user.id if user else None, lang=lang
            )
        except TransferError as refused:
            self.error, self.usable = refused.translated(lang), False
            return
        self.accepted, self.usable = True, False
        self.ticket_code, self.event_title, self.has_account = done.ticket_code, done.event_title, done.has_account
        self.qr, self.pdf_url = await run_db(_accepted_view, done.ticket_code)
