"""/admin/orders (search, CSV link) and /admin/orders/[code] (detail and actions)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import reflex as rx
from sqlmodel import Session

from ticketapp.db import run_db
from ticketapp.i18n import gettext, msgid
from ticketapp.models import PAID_STATUSES, PENDING_STATUSES, OrderStatus, ReviewState
from ticketapp.services.catalog.events import AdminError
from ticketapp.services.invoicing import links as invoice_links
from ticketapp.services.orders import admin as admin_orders
from ticketapp.services.orders import trail
from ticketapp.services.orders.admin import search_from_query
from ticketapp.services.orders.lifecycle import OrderError
from ticketapp.services.orders.summary import InvoiceRef
from ticketapp.services.questions import answers as questions
from ticketapp.services.shared import bus
from ticketapp.services.shared.dates import format_event_datetime
from ticketapp.services.shared.money import Money, format_money
from ticketapp.state import live
from ticketapp.state.account.profile import STATUS_LABELS
from ticketapp.state.base import Paged, StaffPageState
from ticketapp.state.bounded import NAME_MAX, clip, known_key
from ticketapp.state.locale import current_lang
from ticketapp.state.shop.answers import answer_rows
from ticketapp.state.shop.payment import METHOD_LABELS
from ticketapp.state.snapshot import SentWhenUsed

TICKET_STATUS_LABELS = {"valid": msgid("Valid"), "void": msgid("Void (refunded or cancelled)")}


def status_label(status: str, lang: str) -> str:
    return gettext(lang, STATUS_LABELS.get(status, status))


def method_label(method: str, lang: str) -> str:
    return gettext(lang, METHOD_LABELS.get(method, method)) if method else ""


def _status_change(before: str, after: str, lang: str) -> str:
    """ "Paid → Partially refunded"; a note (no change) or a flag (the same status twice) shows none."""
    if not after or before == after:
        return ""
    return f"{status_label(before, lang) if before else '–'} → {status_label(after, lang)}"


STATUSES = [s.value for s in OrderStatus]


class AdminOrdersState(SentWhenUsed, Paged, StaffPageState, rx.State):
    text: str = ""
    status: str = ""
    event_id: str = ""
    date_from: str = ""
    date_to: str = ""
    rows: list[dict[str, str]] = []
    status_options: list[dict[str, str]] = []

    def _params(self) -> dict[str, str]:
        params = {
            "q": self.text,
            "status": self.status,
            "event": self.event_id,
            "from": self.date_from,
            "to": self.date_to,
        }
        return {k: v for k, v in params.items() if v}

    @rx.event
    async def load(self) -> None:
        """On page load; a link may ask for one status (`?status=awaiting_payment` from the staff home)."""
        if not await self._allowed():
            return
        status = self.router.url.query_parameters.get("status")
        if status is not None:
            self.status, self.page = (status if status in STATUSES else ""), 0
        await self._refresh()

    @rx.var
    def csv_url(self) -> str:
        return f"/api/admin/orders.csv?{urlencode(self._params())}"

    async def _refresh(self) -> None:
        lang = await current_lang(self)
        search = search_from_query(self._params())
        orders, total = await run_db(
            admin_orders.search_orders, search, offset=self.page * self.page_size, limit=self.page_size
        )
        self.rows = [
            {
                "code": o.code,
                "date": format_event_datetime(o.created_at, "UTC", lang),
                "buyer": f"{o.buyer_name} <{o.buyer_email}>",
                "status": status_label(o.status, lang),
                "total": format_money(Money(o.total_minor, o.currency), lang),
            }
            for o in orders
        ]
        self.total = total
        self.status_options = [{"value": value, "label": status_label(value, lang)} for value in STATUSES]
        self.loaded = True

    async def _filter(self, name: str, value: str) -> None:
        if await self._staff() is None:
            return
        setattr(self, name, str(value).strip()[:200])
        await self._first_page()

    @rx.event
    async def set_text(self, value: str) -> None:
        await self._filter("text", value)

    @rx.event
    async def set_status(self, value: str) -> None:
        await self._filter("status", value if value in STATUSES else "")

    @rx.event
    async def set_date_from(self, value: str) -> None:
        await self._filter("date_from", value)

    @rx.event
    async def set_date_to(self, value: str) -> None:
        await self._filter("date_to", value)


class AdminOrderState(SentWhenUsed, StaffPageState, rx.State):
    found: bool = True
    code: str = ""
    summary: dict[str, str] = {}
    items: list[dict[str, str]] = []
    payments: list[dict[str, str]] = []
    invoices: list[dict[str, str]] = []  # its invoices and credit notes (services/invoicing)
    tickets: list[dict[str, str]] = []
    log: list[dict[str, str]] = []
    is_unpaid: bool = False
    is_refundable: bool = False
    is_bank_transfer: bool = False
    names: dict[str, str] = {}
    refund_reason: str = ""
    answers: list[dict[str, str]] = []  # the buyer's answers to the event's questions

    @rx.event
    async def load(self) -> None:
        if await self._staff() is None:
            return
        self.code = self.router.url.path.rstrip("/").rsplit("/", 1)[-1].upper()[:16]
        self.message = ""
        await self._refresh()

    async def _refresh(self) -> None:
        lang = await current_lang(self)
        detail = await run_db(admin_orders.order_detail, self.code)
        self.loaded, self.found = True, detail is not None
        if detail is None:
            return
        order = detail.order
        money = lambda minor: format_money(Money(minor, order.currency), lang)  # noqa: E731
        self.summary = {
            "code": order.code,
            "status": status_label(order.status, lang),
            "buyer": f"{order.buyer_name} <{order.buyer_email}>",
            "total": money(order.total_minor),
            "refunded": money(order.refunded_minor),
            "method": method_label(order.payment_method or "", lang) or "—",
            "created": format_event_datetime(order.created_at, "UTC", lang),
            "flag": order.flagged_reason or "—",
        }
        self.items = [
            {"line": f"{item.quantity} × {type_name} — {event}", "price": money(item.unit_price_minor * item.quantity)}
            for item, type_name, event in detail.items
        ]
        self.payments = [
            {"line": f"{p.provider} · {p.status} · {money(p.amount_minor)} · {p.provider_reference or ''}"}
            for p in detail.payments
        ]
        refs = [
            InvoiceRef(i.code, i.kind, Money(i.gross_minor, i.currency))
            for i in await run_db(invoice_links.documents, order.code)
        ]
        self.invoices = invoice_links.download_views(refs, order.code, lang, guest=False)
        self.tickets = [
            {
                "id": str(tk.id),
                "code": tk.code,
                "status": tk.status,
                "status_label": gettext(lang, TICKET_STATUS_LABELS.get(tk.status, tk.status)),
                "name": tk.attendee_name or "",
            }
            for tk in detail.tickets
        ]
        self.names = {row["id"]: row["name"] for row in self.tickets}
        self.answers = answer_rows(await run_db(questions.order_answers, order.id or 0, lang))
        self.log = [
            {
                "at": format_event_datetime(line.at, "UTC", lang),
                "change": _status_change(line.from_status, line.to_status, lang),
                "note": line.note,
                "who": line.actor or gettext(lang, "the system"),
            }
            for line in trail.trail(detail.log, detail.actors, lang)
        ]
        self.is_unpaid = order.status in PENDING_STATUSES
        self.is_refundable = order.status in PAID_STATUSES
        self.is_bank_transfer = self.is_unpaid and order.payment_method == "bank_transfer"
        # Waiting for its money or for its tickets (issued by a job after the payment): follow it live.
        awaiting_tickets = self.is_refundable and not detail.tickets and order.review_state != ReviewState.HELD
        live.follow(self, *([bus.order_topic(order.code)] if self.is_unpaid or awaiting_tickets else []))

    async def _on_fact(self, topic: str, payload: dict[str, Any]) -> None:
        """The order changed or its tickets were issued (state/live.py): read it again."""
        if await self._staff() is None:
            live.follow(self)
            return
        await self._refresh()

    async def _act(self, action: Callable[[Session, int], object], done: str) -> None:
        actor = await self._staff()
        if actor is None:
            return
        try:
            await run_db(action, actor.id)
        except (AdminError, OrderError) as refused:
            await self._say_refused(refused)
            return
        await self._say(done)
        await self._refresh()

    @rx.event
    async def set_name(self, ticket_id: str, value: str) -> None:
        if await self._staff() is None:
            return
        if key := known_key(ticket_id, self.names):  # this order's own tickets only
            self.names[key] = clip(value, NAME_MAX)

    @rx.event
    async def set_refund_reason(self, value: str) -> None:
        await self._set_text("refund_reason", value, 200)

    @rx.event
    async def save_name(self, ticket_id: str) -> None:
        name, code = self.names.get(ticket_id, ""), self.code
        await self._act(
            lambda s, a: admin_orders.change_attendee_name(s, a, code, _as_int(ticket_id), name),
            msgid("Attendee name changed."),
        )

    @rx.event
    async def mark_paid(self) -> None:
        code = self.code
        await self._act(lambda s, a: admin_orders.mark_paid(s, a, code), msgid("Marked as paid."))

    @rx.event
    async def refund_all(self) -> None:
        code, reason = self.code, self.refund_reason
        await self._act(lambda s, a: admin_orders.refund(s, a, code, None, reason), msgid("Refund recorded."))

    @rx.event
    async def refund_ticket(self, ticket_id: str) -> None:
        code, reason = self.code, self.refund_reason
        await self._act(
            lambda s, a: admin_orders.refund(s, a, code, [_as_int(ticket_id)], reason), msgid("Refund recorded.")
        )

    @rx.event
    async def cancel(self) -> None:
        code = self.code
        await self._act(lambda s, a: admin_orders.cancel_unpaid_order(s, a, code), msgid("Order cancelled."))

    @rx.event
    async def resend(self) -> None:
        code = self.code
        await self._act(
            lambda s, a: admin_orders.request_confirmation_resend(s, a, code), msgid("The e-mail will be sent again.")
        )


def _as_int(raw: str) -> int:
    try:
        return int(raw)
    except ValueError:
        raise AdminError(msgid("This ticket does not belong to this order.")) from None
