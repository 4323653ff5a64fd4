"""/admin/customers (search, block/unblock with a reason, orders) and /admin/staff (roles, deactivate, invite)."""

from __future__ import annotations

from collections.abc import Callable

import reflex as rx
from sqlmodel import Session

from ticketapp.db import run_db
from ticketapp.i18n import gettext, msgid
from ticketapp.models import SecurityEventKind
from ticketapp.services.accounts import admin as admin_people
from ticketapp.services.accounts.sessions import announce_sessions_ended
from ticketapp.services.catalog.events import AdminError
from ticketapp.services.shared.dates import format_event_datetime
from ticketapp.services.shared.money import Money, format_money
from ticketapp.services.support.views import STATUS_LABELS as SUPPORT_STATUS_LABELS
from ticketapp.state.account.profile import STATUS_LABELS as ORDER_STATUS_LABELS
from ticketapp.state.base import Paged, StaffPageState
from ticketapp.state.locale import current_lang
from ticketapp.state.snapshot import SentWhenUsed

INVITATION_SENT = msgid("Invitation sent: they choose their password from the e-mail, then set up 2FA.")
SIGN_IN_LABELS: dict[str, str] = {
    SecurityEventKind.SIGN_IN_OK: msgid("Signed in"),
    SecurityEventKind.SIGN_IN_FAILED: msgid("Failed sign-in"),
    SecurityEventKind.SIGN_IN_BLOCKED: msgid("Sign-in refused (account blocked)"),
    SecurityEventKind.LOCKOUT: msgid("Locked out after failed attempts"),
    SecurityEventKind.SIGN_OUT: msgid("Signed out"),
    SecurityEventKind.TWO_FACTOR_FAILED: msgid("Wrong two-factor code"),
    SecurityEventKind.RESET_REQUESTED: msgid("Password reset requested"),
    SecurityEventKind.RESET_USED: msgid("Password reset"),
    SecurityEventKind.ACCOUNT_BLOCKED: msgid("Account blocked"),
}


def _label(labels: dict[str, str], key: str, lang: str) -> str:
    return gettext(lang, labels.get(key, key))


def customer_detail_view(detail: admin_people.CustomerDetail, lang: str) -> dict[str, list[dict[str, str]]]:
    """The customer detail as simple rows for the page."""
    return {
        "orders": [
            {
                "code": o.code,
                "status": _label(ORDER_STATUS_LABELS, o.status, lang),
                "total": format_money(Money(o.total_minor, o.currency), lang),
            }
            for o in detail.orders
        ],
        "sign_ins": [
            {
                "at": format_event_datetime(e.occurred_at, "UTC", lang),
                "what": _label(SIGN_IN_LABELS, e.kind, lang),
                "ip": e.ip or "–",
            }
            for e in detail.sign_ins
        ],
        "support": [
            {
                "reference": r.reference,
                "subject": r.subject,
                "status": _label(SUPPORT_STATUS_LABELS, r.status, lang),
                "date": format_event_datetime(r.created_at, "UTC", lang),
            }
            for r in detail.support_requests
        ],
    }


class _AdminPeopleState(StaffPageState, mixin=True):
    async def _act(self, action: Callable[[Session, int], object], done: str) -> bool:
        """Check the admin, run one service action in a thread and say how it went."""
        actor = await self._staff()
        if actor is None:
            return False
        try:
            await run_db(action, actor.id)
        except AdminError as refused:
            await self._say_refused(refused)
            return False
        await self._say(done)
        return True


def _id(raw: str) -> int:
    try:
        return int(raw)
    except ValueError:
        raise AdminError(msgid("User not found.")) from None


class AdminCustomersState(SentWhenUsed, Paged, _AdminPeopleState, rx.State):
    text: str = ""
    rows: list[dict[str, str]] = []
    selected: str = ""
    selected_title: str = ""
    selected_orders: list[dict[str, str]] = []
    selected_sign_ins: list[dict[str, str]] = []
    selected_support: list[dict[str, str]] = []
    reason: str = ""

    async def _refresh(self) -> None:
        rows, total = await run_db(
            admin_people.search_customers, self.text, offset=self.page * self.page_size, limit=self.page_size
        )
        self.rows = [
            {
                "id": str(r.user.id),
                "name": r.user.display_name,
                "email": r.user.email,
                "orders": str(r.orders),
                "blocked": "yes" if r.user.is_blocked else "",
            }
            for r in rows
        ]
        self.total, self.loaded = total, True

    @rx.event
    async def set_text(self, value: str) -> None:
        if await self._staff() is None:
            return
        self.text = str(value)[:200]
        await self._first_page()

    @rx.event
    async def show(self, user_id: str) -> None:
        if await self._staff() is None:
            return
        await self._show(user_id)

    async def _show(self, user_id: str) -> None:
        lang = await current_lang(self)
        try:
            detail = await run_db(lambda s: admin_people.customer_detail(s, _id(user_id)))
        except AdminError as refused:
            self.selected = ""
            await self._say_refused(refused)
            return
        view = customer_detail_view(detail, lang)
        self.selected = user_id
        self.selected_title = f"{detail.user.display_name} <{detail.user.email}>"
        self.selected_orders = view["orders"]
        self.selected_sign_ins = view["sign_ins"]
        self.selected_support = view["support"]

    @rx.event
    async def send_password_reset(self, user_id: str) -> None:
        await self._act(
            lambda s, a: admin_people.send_password_reset(s, a, _id(user_id)),
            msgid("A password reset e-mail was sent to the customer."),
        )

    @rx.event
    async def set_reason(self, value: str) -> None:
        await self._set_text("reason", value, 300)

    @rx.event
    async def block(self, user_id: str) -> None:
        reason = self.reason
        if await self._act(
            lambda s, a: admin_people.set_blocked(s, a, _id(user_id), blocked=True, reason=reason),
            msgid("Account blocked."),
        ):
            announce_sessions_ended(_id(user_id))  # their open pages sign out now, not at their next click
            self.reason = ""
            await self._refresh()
            if self.selected == user_id:
                await self._show(user_id)

    @rx.event
    async def unblock(self, user_id: str) -> None:
        if await self._act(
            lambda s, a: admin_people.set_blocked(s, a, _id(user_id), blocked=False, reason=""),
            msgid("Account unblocked."),
        ):
            await self._refresh()


class AdminStaffState(SentWhenUsed, _AdminPeopleState, rx.State):
    rows: list[dict[str, str]] = []
    invite_email: str = ""
    invite_name: str = ""
    invite_role: str = "agent"

    async def _refresh(self) -> None:
        staff = await run_db(admin_people.list_staff)
        self.rows = [
            {
                "id": str(u.id),
                "name": u.display_name,
                "email": u.email,
                "role": u.role,
                "blocked": "yes" if u.is_blocked else "",
            }
            for u in staff
        ]
        self.loaded = True

    @rx.event
    async def set_invite_email(self, value: str) -> None:
        await self._set_text("invite_email", value, 320)

    @rx.event
    async def set_invite_name(self, value: str) -> None:
        await self._set_text("invite_name", value, 120)

    @rx.event
    async def set_invite_role(self, value: str) -> None:
        if await self._staff() is None:
            return
        self.invite_role = value if value in ("admin", "agent") else "agent"

    @rx.event
    async def invite(self, _form: dict[str, str] | None = None) -> None:
        email, name, role = self.invite_email, self.invite_name, self.invite_role
        if await self._act(lambda s, a: admin_people.invite_staff(s, a, email, name, role), INVITATION_SENT):
            self.invite_email = self.invite_name = ""
            await self._refresh()

    @rx.event
    async def change_role(self, user_id: str, role: str) -> None:
        if await self._act(lambda s, a: admin_people.change_role(s, a, _id(user_id), role), msgid("Role changed.")):
            await self._refresh()

    @rx.event
    async def deactivate(self, user_id: str) -> None:
        if await self._act(
            lambda s, a: admin_people.deactivate_staff(s, a, _id(user_id)), msgid("Staff account deactivated.")
        ):
            await self._refresh()
