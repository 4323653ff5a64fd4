"""Account → My tickets: the signed-in customer's tickets, QR on screen, PDF, resend and renaming."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime

import reflex as rx
from reflex.event import EventSpec
from sqlmodel import Session

from ticketapp.db import session_scope
from ticketapp.i18n import msgid
from ticketapp.models import utcnow
from ticketapp.services import hooks
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
from ticketapp.state.account.auth import require_user
from ticketapp.state.locale import current_lang


def ticket_row(session: Session, owned: OwnedTicket, lang: str, now: datetime) -> dict[str, str]:
    """What one ticket card shows (strings only: Reflex foreach likes simple dicts)."""
    ticket, event, venue = owned.ticket, owned.event, owned.venue
    void = owned.is_void
    return {
        "code": ticket.code,
        "event": event.title,
        "date": format_event_datetime(event.starts_at, venue.timezone, lang),
        "venue": f"{venue.name}, {venue.city}",
        "ticket_type": owned.ticket_type.name,
        "attendee": ticket.attendee_name or "",
        "order_code": owned.order.code,
        "qr": "" if void else qr_data_uri(session, ticket),
        "pdf_href": f"/api/tickets/{ticket.code}.pdf",
        "ics_href": f"/api/events/{event.id}.ics",
        "void": "1" if void else "",
        "can_rename": "1" if owned.can_change_name(now) else "",
        "name_field_id": f"attendee-{ticket.code}",
    }


class MyTicketsState(rx.State):
    upcoming: list[dict[str, str]] = []
    past: list[dict[str, str]] = []
    loaded: bool = False
    message: str = ""
    error: str = ""

    async def _user_id(self) -> tuple[int | None, EventSpec | None]:
        access = await require_user(self)
        if not access.ok or access.user is None:
            return None, access.redirect
        return access.user.id, None

    def _fill(self, user_id: int, lang: str) -> None:
        now = utcnow()
        with session_scope() as session:
            upcoming, past = user_tickets(session, user_id, now)
            self.upcoming = [ticket_row(session, owned, lang, now) for owned in upcoming]
            self.past = [ticket_row(session, owned, lang, now) for owned in past]
        self.loaded = True

    @rx.event
    async def load(self) -> EventSpec | None:
        user_id, redirect = await self._user_id()
        if user_id is None:
            return redirect
        self.message = self.error = ""
        self._fill(user_id, await current_lang(self))
        return None

    @rx.event
    async def resend(self, order_code: str) -> AsyncIterator[EventSpec | None]:
        user_id, redirect = await self._user_id()
        if user_id is None:
            yield redirect
            return
        self.message = self.error = ""
        try:
            with session_scope() as session:
                order_id = resendable_order(session, user_id, order_code).id or 0
        except TicketChangeError as refused:
            self.error = refused.message
            return
        self.message = msgid("The confirmation e-mail is on its way.")
        yield None  # answer at once; the job renders and sends
        with session_scope() as session:
            request_resend(session, order_id, actor_id=user_id)

    @rx.event
    async def rename(self, form_data: dict[str, str]) -> AsyncIterator[EventSpec | None]:
        user_id, redirect = await self._user_id()
        if user_id is None:
            yield redirect
            return
        self.message = self.error = ""
        try:
            with session_scope() as session:
                owned = change_attendee_name(
                    session, user_id, form_data.get("code", ""), form_data.get("attendee_name", "")
                )
        except TicketChangeError as refused:
            self.error = refused.message
            return
        self.message = msgid("The attendee's name was changed; the PDF ticket is updated.")
        self._fill(user_id, await current_lang(self))
        yield None  # show the change now; the PDF renders after
        hooks.emit("order.tickets_render", order_id=owned.order.id or 0, lang=owned.order.locale)
