"""/admin/review (held orders: approve or reject), /admin/blocks (block lists) and /admin/security
(the security log: filters, pages, a chart built on demand and its table)."""

from __future__ import annotations

from datetime import datetime

import plotly.graph_objects as go
import reflex as rx
from sqlmodel import Session

from ticketapp.db import run_db
from ticketapp.i18n import gettext, msgid, translate
from ticketapp.models import PAID_STATUSES, BlockKind, SecurityEvent, SecurityEventKind
from ticketapp.services.errors import DomainError
from ticketapp.services.risk import blocks, events, review
from ticketapp.services.shared.dates import format_event_datetime
from ticketapp.services.shared.money import Money, format_money
from ticketapp.state.account.profile import STATUS_LABELS
from ticketapp.state.base import Paged, StaffPageState
from ticketapp.state.bounded import EMAIL_MAX, SEARCH_MAX, SHORT_MAX, TEXT_MAX, clip, form_values
from ticketapp.state.locale import current_lang
from ticketapp.state.snapshot import SentWhenUsed

E = SecurityEventKind
EVENT_LABELS: dict[str, str] = {
    E.SIGN_UP: msgid("Sign-up"),
    E.SIGN_IN_OK: msgid("Signed in"),
    E.SIGN_IN_FAILED: msgid("Failed sign-in"),
    E.SIGN_IN_BLOCKED: msgid("Sign-in refused (account blocked)"),
    E.LOCKOUT: msgid("Locked out after failed attempts"),
    E.SIGN_OUT: msgid("Signed out"),
    E.EMAIL_VERIFIED: msgid("E-mail address verified"),
    E.RESET_REQUESTED: msgid("Password reset requested"),
    E.RESET_USED: msgid("Password reset"),
    E.PASSWORD_CHANGED: msgid("Password changed"),
    E.EMAIL_CHANGE_REQUESTED: msgid("E-mail change requested"),
    E.EMAIL_CHANGED: msgid("E-mail address changed"),
    E.PROFILE_UPDATED: msgid("Profile updated"),
    E.TWO_FACTOR_ENROLLED: msgid("Two-factor authentication set up"),
    E.TWO_FACTOR_FAILED: msgid("Wrong two-factor code"),
    E.TWO_FACTOR_OK: msgid("Two-factor code accepted"),
    E.TWO_FACTOR_LOCKOUT: msgid("Locked out after wrong two-factor codes"),
    E.RECOVERY_CODE_USED: msgid("Recovery code used"),
    E.ACCOUNT_BLOCKED: msgid("Account blocked"),
    E.ACCOUNT_DELETED: msgid("Account deleted"),
    E.OAUTH_LINKED: msgid("Sign-in provider linked"),
    E.ACCESS_DENIED: msgid("Access denied"),
    E.ROLE_CHANGED: msgid("Role changed"),
    E.STAFF_NEW_DEVICE: msgid("Staff sign-in from a new device"),
    E.WEBHOOK_FORGED: msgid("Forged webhook"),
    E.THROTTLED: msgid("Throttled"),
    E.ORDER_REFUSED: msgid("Risky order refused"),
    E.ORDER_HELD: msgid("Order held for review"),
    E.BOT_REFUSED: msgid("Automated form refused"),
}
BLOCK_KIND_LABELS: dict[str, str] = {
    BlockKind.EMAIL: msgid("E-mail address"),
    BlockKind.DOMAIN: msgid("E-mail domain"),
    BlockKind.IP: msgid("IP address or range"),
}
RULE_LABELS: dict[str, str] = {
    "blocked": msgid("Block list"),
    "disposable": msgid("Disposable e-mail"),
    "velocity_orders": msgid("Order velocity"),
    "velocity_failed_payments": msgid("Declined payments"),
    "velocity_cards": msgid("Several cards"),
    "card_testing": msgid("Card testing"),
    "new_account_large_order": msgid("New account, large order"),
    "near_cap_accounts": msgid("Accounts near the limit"),
}
KEY_LABELS = {
    "e-mail": msgid("e-mail"),
    "account": msgid("account"),
    "IP address": msgid("IP address"),
    "device": msgid("device"),
}


def _when(moment: object, lang: str) -> str:
    return format_event_datetime(moment, "UTC", lang) if isinstance(moment, datetime) else ""


def reason_text(reason: dict[str, object], lang: str) -> str:
    """One stored rule hit in the admin's language: "Rule: what it saw (+points)"."""
    values = dict(reason.get("values") or {})  # type: ignore[call-overload]
    if "key" in values:
        values["key"] = gettext(lang, KEY_LABELS.get(str(values["key"]), str(values["key"])))
    rule = gettext(lang, RULE_LABELS.get(str(reason.get("rule")), str(reason.get("rule"))))
    try:
        said = translate(lang, str(reason.get("message", "")), **values)
    except (KeyError, IndexError, ValueError):
        said = str(reason.get("message", ""))
    return f"{rule}: {said} (+{reason.get('points', 0)})"


F = review.PaymentFate
APPROVED_MESSAGES: dict[str, str] = {
    F.KEPT: msgid("Order {code} approved: its tickets are on their way."),
    F.CAPTURED: msgid("Order {code} approved: the card payment was taken and its tickets are on their way."),
    F.NONE: msgid("Order {code} approved: its tickets will be sent when the payment arrives."),
    F.REFUNDED: msgid("Order {code} approved, but its seats were sold meanwhile: the payment was refunded."),
}
REJECTED_MESSAGES: dict[str, str] = {
    F.REFUNDED: msgid("Order {code} rejected and refunded."),
    F.RELEASED: msgid("Order {code} rejected: the card authorisation was cancelled, nothing was charged."),
    F.NONE: msgid("Order {code} rejected and cancelled."),
}


def _payment_texts(held: review.HeldOrder, lang: str) -> tuple[str, str]:
    """What the admin's decision does with the buyer's money, and the reject button's words."""
    if held.authorised:
        said = msgid("Card authorised, not charged yet: approving takes the payment, rejecting cancels it.")
        button = msgid("Reject and cancel the payment")
    elif held.order.status in PAID_STATUSES:
        said, button = msgid("Paid: rejecting refunds the buyer."), msgid("Reject and refund")
    else:
        said, button = msgid("Not paid yet: rejecting cancels the order."), msgid("Reject and cancel")
    return gettext(lang, said), gettext(lang, button)


def held_view(held: review.HeldOrder, lang: str) -> dict[str, str]:
    order = held.order
    payment, reject_label = _payment_texts(held, lang)
    history = ", ".join(
        f"{gettext(lang, STATUS_LABELS.get(status, status))} × {n}" for status, n in sorted(held.history_counts.items())
    )
    return {
        "code": order.code,
        "buyer": f"{order.buyer_name} <{order.buyer_email}>",
        "total": format_money(Money(order.total_minor, order.currency), lang),
        "status": gettext(lang, STATUS_LABELS.get(order.status, order.status)),
        "created": _when(order.created_at, lang),
        "score": str(held.score),
        "reasons": " · ".join(reason_text(r, lang) for r in held.reasons),
        "ip": held.ip or "–",
        "account": _when(held.account_created_at, lang) if held.account_created_at else gettext(lang, "Guest"),
        "history": history or gettext(lang, "No earlier orders"),
        "events": str(held.security_events),
        "payment": payment,
        "reject_label": reject_label,
    }


class AdminReviewState(SentWhenUsed, Paged, StaffPageState, rx.State):
    rows: list[dict[str, str]] = []

    async def _refresh(self) -> None:
        lang = await current_lang(self)
        offset, limit = self.page * self.page_size, self.page_size

        def _load(session: Session) -> tuple[list[review.HeldOrder], int]:
            return review.held_orders(session, offset=offset, limit=limit), review.count_held(session)

        held, total = await run_db(_load)
        self.rows = [held_view(h, lang) for h in held]
        self.total, self.loaded = total, True

    @rx.event
    async def approve(self, code: str) -> None:
        actor = await self._staff()
        if actor is None:
            return
        wanted = clip(code, SHORT_MAX)
        try:
            fate = await run_db(review.approve, actor.id, wanted)
        except DomainError as refused:
            await self._say_refused(refused)
            return
        await self._say(APPROVED_MESSAGES[fate], code=wanted)
        await self._refresh()

    @rx.event
    async def reject(self, form: dict[str, str] | None = None) -> None:
        actor = await self._staff()
        if actor is None:
            return
        values = form_values(form, {"code": SHORT_MAX, "reason": TEXT_MAX})
        try:
            fate = await run_db(review.reject, actor.id, values["code"], values["reason"][:200])
        except DomainError as refused:
            await self._say_refused(refused)
            return
        await self._say(REJECTED_MESSAGES[fate], code=values["code"])
        await self._refresh()


class AdminBlocksState(SentWhenUsed, StaffPageState, rx.State):
    rows: list[dict[str, str]] = []

    async def _refresh(self) -> None:
        lang = await current_lang(self)
        entries = await run_db(blocks.list_blocks)
        self.rows = [
            {
                "id": str(e.id),
                "kind": gettext(lang, BLOCK_KIND_LABELS.get(e.kind, e.kind)),
                "value": e.value,
                "reason": e.reason,
                "since": _when(e.created_at, lang),
                "until": _when(e.expires_at, lang) if e.expires_at else gettext(lang, "Until removed"),
            }
            for e in entries
        ]
        self.loaded = True

    @rx.event
    async def add(self, form: dict[str, str] | None = None) -> None:
        actor = await self._staff()
        if actor is None:
            return
        values = form_values(form, {"kind": SHORT_MAX, "value": EMAIL_MAX, "reason": TEXT_MAX, "days": SHORT_MAX})
        days_raw = values["days"].strip()
        if days_raw and not days_raw.isdigit():
            await self._say(msgid("The duration must be a whole number of days."), error=True)
            return
        try:
            await run_db(
                blocks.add_block,
                actor.id,
                values["kind"],
                values["value"],
                values["reason"][:300],
                days=int(days_raw) if days_raw else None,
            )
        except DomainError as refused:
            await self._say_refused(refused)
            return
        await self._say(msgid("Blocked."))
        await self._refresh()

    @rx.event
    async def remove(self, block_id: str) -> None:
        actor = await self._staff()
        if actor is None:
            return
        raw = clip(block_id, SHORT_MAX)
        if not raw.isdigit():
            await self._say(msgid("This block no longer exists."), error=True)
            return
        try:
            await run_db(blocks.remove_block, actor.id, int(raw))
        except DomainError as refused:
            await self._say_refused(refused)
            return
        await self._say(msgid("Block removed."))
        await self._refresh()


def _figure(series: events.Series, lang: str) -> go.Figure:
    figure = go.Figure()
    width_ms = series.step.total_seconds() * 1000 * 0.8
    for kind, counts in series.counts.items():
        label = gettext(lang, EVENT_LABELS.get(kind, kind))
        figure.add_trace(go.Bar(x=series.buckets, y=counts, name=label, width=width_ms))
    if series.buckets:  # room around the bars: a single bucket would otherwise fill the whole axis
        figure.update_xaxes(range=[series.buckets[0] - series.step, series.buckets[-1] + series.step])
    figure.update_layout(
        barmode="stack",
        margin={"l": 40, "r": 10, "t": 10, "b": 40},
        height=320,
        legend={"orientation": "h"},
        yaxis_title=gettext(lang, "Events"),
    )
    return figure


class AdminSecurityState(SentWhenUsed, Paged, StaffPageState, rx.State):
    kind: str = ""
    account: str = ""
    ip: str = ""
    date_from: str = ""
    date_to: str = ""
    kind_options: list[dict[str, str]] = []
    rows: list[dict[str, str]] = []
    # Built by the page's handler (never a default: see state/snapshot.py).
    chart: go.Figure | None = None
    chart_headers: list[str] = []
    chart_rows: list[list[str]] = []
    as_table: bool = False
    page_size = 50

    async def _refresh(self) -> None:
        lang = await current_lang(self)
        try:
            wanted = events.parse_filter(self.kind, self.account, self.ip, self.date_from, self.date_to)
        except DomainError as refused:
            await self._say_refused(refused)
            self.loaded = True
            return
        offset, limit = self.page * self.page_size, self.page_size

        def _load(session: Session) -> tuple[list[SecurityEvent], int, events.Series]:
            rows, total = events.search_events(session, wanted, offset=offset, limit=limit)
            return rows, total, events.over_time(session, wanted)

        rows, total, series = await run_db(_load)
        self.message = ""
        self.kind_options = [{"value": k, "label": gettext(lang, EVENT_LABELS.get(k, k))} for k in events.KINDS]
        self.rows = [
            {
                "at": _when(e.occurred_at, lang),
                "kind": gettext(lang, EVENT_LABELS.get(e.kind, e.kind)),
                "account": e.email or (f"#{e.user_id}" if e.user_id else "–"),
                "ip": e.ip or "–",
                "detail": e.detail,
            }
            for e in rows
        ]
        self.total = total
        self.chart = _figure(series, lang) if series.buckets else None
        fmt = "%Y-%m-%d" if series.bucket == "day" else "%Y-%m-%d %H:%M"
        kinds = list(series.counts)
        self.chart_headers = [gettext(lang, "Time (UTC)")] + [gettext(lang, EVENT_LABELS.get(k, k)) for k in kinds]
        self.chart_rows = [
            [bucket.strftime(fmt)] + [str(series.counts[k][i]) for k in kinds]
            for i, bucket in enumerate(series.buckets)
            if any(series.counts[k][i] for k in kinds)
        ]
        self.loaded = True

    @rx.event
    async def apply_filters(self, form: dict[str, str] | None = None) -> None:
        if await self._staff() is None:
            return
        values = form_values(
            form, {"kind": SHORT_MAX, "account": EMAIL_MAX, "ip": SEARCH_MAX, "from": SHORT_MAX, "to": SHORT_MAX}
        )
        self.kind = values["kind"] if values["kind"] in events.KINDS else ""
        self.account, self.ip = values["account"], values["ip"][:64]
        self.date_from, self.date_to = values["from"], values["to"]
        await self._first_page()

    @rx.event
    async def toggle_table(self) -> None:
        if await self._staff() is None:
            return
        self.as_table = not self.as_table
