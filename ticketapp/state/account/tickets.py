"""Account → My tickets: the signed-in customer's tickets, QR on screen, PDF, resend and renaming."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime

import reflex as rx
from reflex.event import EventSpec
from sqlmodel import Session

from ticketapp.db import run_db
from ticketapp.i18n import msgid, translate
from ticketapp.models import utcnow
from ticketapp.services import hooks
from ticketapp.services.catalog.translations import event_title, type_name
from ticketapp.services.errors import DomainError
from ticketapp.services.orders import transfers
from ticketapp.services.orders.mail import request_resend
from ticketapp.services.shared.dates import format_event_datetime
from ticketapp.services.tickets.mine import (
    OwnedTicket,
    TicketChangeError,
    change_attendee_name,
    qr_data_uri,
    resendable_order,
    user_tickets,
)
from ticketapp.state.base import guard
from ticketapp.state.bounded import EMAIL_MAX, NAME_MAX, SHORT_MAX, form_values
from ticketapp.state.locale import current_lang
from ticketapp.state.snapshot import SentWhenUsed


def ticket_row(session: Session, owned: OwnedTicket, lang: str, now: datetime) -> dict[str, str]:
    """What one ticket card shows (strings only: Reflex foreach likes simple dicts)."""
    ticket, event, venue = owned.ticket, owned.event, owned.venue
    void = owned.is_void
    return {
        "code": ticket.code,
        "event": event_title(event, lang),
        "date": format_event_datetime(event.starts_at, venue.timezone, lang),
        "venue": f"{venue.name}, {venue.city}",
        "ticket_type": type_name(owned.ticket_type, lang),
        "attendee": ticket.attendee_name or "",
        "order_code": owned.order.code,
        "qr": "" if void else qr_data_uri(session, ticket),
        "pdf_href": f"/api/tickets/{ticket.code}.pdf",
        "ics_href": f"/api/events/{event.id}.ics",
        "void": "1" if void else "",
        "can_rename": "1" if owned.can_change_name(now) else "",
        "name_field_id": f"attendee-{ticket.code}",
        "can_transfer": "1" if not void and _transferable(session, owned, now) else "",
    }


def _transferable(session: Session, owned: OwnedTicket, now: datetime) -> bool:
    holding = transfers.Holding(owned.ticket, owned.order, owned.event)
    refusal, _ = transfers.transfer_refusal(session, holding, now)
    return not refusal and transfers.open_offer(session, owned.ticket.id or 0) is None


def _ticket_rows(session: Session, user_id: int, lang: str) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """The customer's upcoming and past ticket cards."""
    now = utcnow()
    upcoming, past = user_tickets(session, user_id, now)
    return [ticket_row(session, owned, lang, now) for owned in upcoming], [
        ticket_row(session, owned, lang, now) for owned in past
    ]


class MyTicketsState(SentWhenUsed, rx.State):
    upcoming: list[dict[str, str]] = []
    past: list[dict[str, str]] = []
    loaded: bool = False
    message: str = ""
    error: str = ""

    async def _user_id(self) -> tuple[int | None, EventSpec | None]:
        access = await guard(self)
        if not access.ok or access.user is None:
            return None, access.redirect
        return access.user.id, None

    async def _fill(self, user_id: int) -> None:
        self.upcoming, self.past = await run_db(_ticket_rows, user_id, await current_lang(self))
        self.loaded = True

    @rx.event
    async def load(self) -> EventSpec | None:
        user_id, redirect = await self._user_id()
        if user_id is None:
            return redirect
        self.message = self.error = ""
        await self._fill(user_id)
        return None

    @rx.event
    async def resend(self, order_code: str) -> AsyncIterator[EventSpec | None]:
        user_id, redirect = await self._user_id()
        if user_id is None:
            yield redirect
            return
        self.message = self.error = ""
        try:
            order_id = (await run_db(resendable_order, user_id, order_code)).id or 0
        except TicketChangeError as refused:
            self.error = refused.message
            return
        self.message = msgid("The confirmation e-mail is on its way.")
        yield None  # answer at once; the job renders and sends
        await run_db(request_resend, order_id, actor_id=user_id)

    @rx.event
    async def rename(self, form_data: dict[str, str]) -> AsyncIterator[EventSpec | None]:
        user_id, redirect = await self._user_id()
        if user_id is None:
            yield redirect
            return
        self.message = self.error = ""
        try:
            owned = await run_db(
                change_attendee_name, user_id, form_data.get("code", ""), form_data.get("attendee_name", "")
            )
        except TicketChangeError as refused:
            self.error = refused.message
            return
        self.message = msgid("The attendee's name was changed; the PDF ticket is updated.")
        await self._fill(user_id)
        yield None  # show the change now; the PDF renders after
        hooks.emit("order.tickets_render", order_id=owned.order.id or 0, lang=owned.order.locale)

    @rx.event
    async def transfer(self, form_data: dict[str, str]) -> AsyncIterator[EventSpec | None]:
        """Offer one of the account's tickets to someone by e-mail (the service checks it is held here)."""
        user_id, redirect = await self._user_id()
        if user_id is None:
            yield redirect
            return
        self.message = self.error = ""
        values = form_values(form_data, {"ticket": SHORT_MAX, "name": NAME_MAX, "email": EMAIL_MAX})
        lang = await current_lang(self)
        try:
            await run_db(transfers.offer, values["ticket"], values["name"], values["email"], user_id=user_id, lang=lang)
        except DomainError as refused:
            self.error = refused.translated(lang)
            return
        self.message = translate(
            lang, "We e-mailed {email} a link to accept the ticket.", email=values["email"].strip()
        )
        await self._fill(user_id)
        yield None
