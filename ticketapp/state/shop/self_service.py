"""The buyer's self-service panel on an order page: request a refund, transfer tickets.

Shown on the guest order page (`/orders/[code]/status?s=…`, the signed link) and on the account's
order page (`/account/orders/[code]`, only for that account). The services re-check who asks.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import reflex as rx
from sqlmodel import Session, col, select

from ticketapp.db import run_db
from ticketapp.i18n import msgid, translate
from ticketapp.models import PAID_STATUSES, Order, RefundRequestStatus, Ticket, TicketType, utcnow
from ticketapp.services.errors import DomainError
from ticketapp.services.orders import self_service, transfers
from ticketapp.services.orders.lifecycle import OrderError
from ticketapp.services.shared.dates import format_event_date_long
from ticketapp.services.shared.money import Money, format_money
from ticketapp.services.shared.signing import verify
from ticketapp.state.account.auth import current_user
from ticketapp.state.bounded import EMAIL_MAX, NAME_MAX, SHORT_MAX, TEXT_MAX, form_values
from ticketapp.state.locale import current_lang
from ticketapp.state.snapshot import SentWhenUsed

REQUEST_NOTES = {
    RefundRequestStatus.PENDING: msgid("Your refund request ({amount}) is waiting for the organiser's decision."),
    RefundRequestStatus.DENIED: msgid("Your refund request was declined: {reason}"),
    RefundRequestStatus.REFUNDED: msgid("Refunded at your request: {amount}."),
}


@dataclass
class Panel:
    found: bool = False
    paid: bool = False
    can_refund: bool = False
    refund_offer: str = ""
    refund_note: str = ""
    tickets: list[dict[str, str]] = field(default_factory=list)


def _ticket_rows(session: Session, order: Order, lang: str) -> list[dict[str, str]]:
    rows = session.exec(
        select(Ticket, TicketType.name)
        .join(TicketType, col(TicketType.id) == Ticket.ticket_type_id)
        .where(Ticket.order_id == order.id)
        .order_by(col(Ticket.id))
    ).all()
    views = []
    for ticket, type_name in rows:
        holding = transfers.holding_of(session, ticket)
        offered = transfers.open_offer(session, ticket.id or 0)
        refusal, values = transfers.transfer_refusal(session, holding, utcnow())
        given = ticket.holder_email is not None
        views.append(
            {
                "code": ticket.code,
                "type": type_name,
                "attendee": ticket.attendee_name or "",
                "given_to": translate(lang, "Transferred to {email}", email=ticket.holder_email) if given else "",
                "offered_to": translate(lang, "Offered to {email}, waiting for them to accept", email=offered.to_email)
                if offered
                else "",
                "can_transfer": "1" if not given and not offered and not refusal else "",
                "why_not": translate(lang, refusal, **values) if refusal and not given else "",
            }
        )
    return views


def _refund_texts(session: Session, order: Order, lang: str) -> tuple[bool, str, str]:
    """(may request now, what they would get, what happened to an earlier request)."""
    offer = self_service.quote(session, order)
    request = self_service.latest_request(session, order.id or 0)
    note = ""
    if request is not None:
        amount = format_money(Money(request.amount_minor, request.currency), lang)
        note = translate(
            lang, REQUEST_NOTES[RefundRequestStatus(request.status)], amount=amount, reason=request.decision_reason
        )
    if not offer.allowed:
        return False, "", note or (translate(lang, offer.refusal) if order.status in PAID_STATUSES else "")
    deadline = format_event_date_long(offer.deadline, "UTC", lang) if offer.deadline else ""
    text = translate(
        lang,
        "You can ask for a refund until {deadline}: you would get {amount} back ({fee} fee kept).",
        deadline=deadline,
        amount=format_money(Money(offer.amount_minor, offer.currency), lang),
        fee=format_money(Money(offer.fee_minor, offer.currency), lang),
    )
    how = (
        msgid("The organiser reviews each request; you get the decision by e-mail.")
        if offer.needs_approval
        else msgid("The refund is made at once and your tickets stop working.")
    )
    return True, f"{text} {translate(lang, how)}", note


def _panel(session: Session, code: str, user_id: int | None, via_link: bool, lang: str) -> Panel:
    try:
        order = self_service.buyer_order(session, code, user_id, via_link=via_link)
    except OrderError:
        return Panel()
    can_refund, offer, note = _refund_texts(session, order, lang)
    paid = order.status in PAID_STATUSES
    tickets = _ticket_rows(session, order, lang) if paid else []
    return Panel(True, paid, can_refund, offer, note, tickets)


class SelfServiceState(SentWhenUsed, rx.State):
    found: bool = False
    paid: bool = False
    can_refund: bool = False
    refund_offer: str = ""
    refund_note: str = ""
    confirming_refund: bool = False
    tickets: list[dict[str, str]] = []
    message: str = ""
    error: str = ""
    code: str = ""
    _via_link: bool = False

    def _order_link(self) -> str | None:
        """The order whose signed link this page holds (None on the account's page: the account decides)."""
        return self.code if self._via_link else None

    async def _viewer(self) -> int | None:
        user = await current_user(self)
        return user.id if user else None

    async def _refresh(self) -> None:
        panel = await run_db(_panel, self.code, await self._viewer(), self._via_link, await current_lang(self))
        self.found, self.paid, self.can_refund = panel.found, panel.paid, panel.can_refund
        self.refund_offer, self.refund_note, self.tickets = panel.refund_offer, panel.refund_note, panel.tickets
        self.confirming_refund = self.confirming_refund and self.can_refund

    @rx.event
    async def load(self) -> None:
        """From the page's path: `/orders/<code>/status?s=…` (signed) or `/account/orders/<code>`."""
        parts = [p for p in self.router.url.path.split("/") if p]
        self.message = self.error = ""
        self.confirming_refund = False
        self._via_link = parts[:1] == ["orders"]
        self.code = (
            (parts[1] if len(parts) > 1 else "")[:SHORT_MAX].upper()
            if self._via_link
            else (parts[2] if len(parts) > 2 else "")[:SHORT_MAX].upper()
        )
        signature = self.router.url.query_parameters.get("s", "")
        if self._via_link and not verify(self.code, "order-status", signature):
            self.found = False
            return
        await self._refresh()

    async def _done(self, message: str, **values: object) -> None:
        self.message = translate(await current_lang(self), message, **values)
        await self._refresh()

    async def _refused(self, refused: DomainError) -> None:
        self.error = refused.translated(await current_lang(self))
        await self._refresh()

    @rx.event
    def ask_refund(self, asking: bool) -> None:
        self.confirming_refund = bool(asking) and self.can_refund

    @rx.event
    async def request_refund(self, form: dict[str, str] | None = None) -> None:
        self.message = self.error = ""
        self.confirming_refund = False
        if not self.found:  # not this viewer's order (or a link not signed): say so, change nothing
            self.error = translate(await current_lang(self), self_service.NOT_YOURS)
            return
        reason = form_values(form, {"reason": TEXT_MAX})["reason"]
        try:
            request = await run_db(
                self_service.request_refund, self.code, await self._viewer(), reason, via_link=self._via_link
            )
        except OrderError as refused:
            await self._refused(refused)
            return
        if request.status == RefundRequestStatus.REFUNDED:
            await self._done(msgid("Your order is refunded; the confirmation is on its way by e-mail."))
        else:
            await self._done(
                msgid("Your refund request was sent to the organiser; you will get the decision by e-mail.")
            )

    @rx.event
    async def transfer(self, form: dict[str, str] | None = None) -> None:
        self.message = self.error = ""
        values = form_values(form, {"ticket": SHORT_MAX, "name": NAME_MAX, "email": EMAIL_MAX})
        if not self.found:  # not this viewer's order (or a link not signed): say so, change nothing
            self.error = translate(await current_lang(self), self_service.NOT_YOURS)
            return
        try:
            await run_db(
                transfers.offer,
                values["ticket"],
                values["name"],
                values["email"],
                user_id=await self._viewer(),
                order_code=self._order_link(),
                lang=await current_lang(self),
            )
        except DomainError as refused:
            await self._refused(refused)
            return
        await self._done(msgid("We e-mailed {email} a link to accept the ticket."), email=values["email"].strip())

    @rx.event
    async def cancel_transfer(self, ticket_code: str) -> None:
        self.message = self.error = ""
        if not self.found:  # not this viewer's order (or a link not signed): say so, change nothing
            self.error = translate(await current_lang(self), self_service.NOT_YOURS)
            return
        try:
            await run_db(
                transfers.cancel_offer,
                ticket_code[:SHORT_MAX],
                user_id=await self._viewer(),
                order_code=self._order_link(),
            )
        except DomainError as refused:
            await self._refused(refused)
            return
        await self._done(msgid("The transfer was cancelled; the ticket stays yours."))
