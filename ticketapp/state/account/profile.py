"""The signed-in person's own pages: profile, purchase history, one order, 2FA set-up."""

from __future__ import annotations

import reflex as rx
from babel.dates import format_date
from reflex.event import EventSpec
from sqlmodel import Session

from ticketapp.db import run_db
from ticketapp.i18n import gettext, msgid, normalize_locale
from ticketapp.models import OrderStatus
from ticketapp.services.accounts import accounts, two_factor
from ticketapp.services.accounts import profile as account_profile
from ticketapp.services.accounts.accounts import AccountError
from ticketapp.services.accounts.profile import ProfileUpdate
from ticketapp.services.accounts.security_log import ClientInfo
from ticketapp.services.accounts.sessions import mark_second_factor_ok
from ticketapp.services.invoicing import links as invoice_links
from ticketapp.services.orders.history import OrderSummary, get_user_order, list_user_orders
from ticketapp.services.orders.summary import InvoiceRef
from ticketapp.services.shared.money import BABEL_LOCALES, Money
from ticketapp.state.account.auth import AuthState, client_info
from ticketapp.state.account.signin import merge_cart_on_sign_in
from ticketapp.state.base import focus_control, guard
from ticketapp.state.bounded import EMAIL_MAX, NAME_MAX, PASSWORD_MAX, SHORT_MAX, form_values
from ticketapp.state.locale import LocaleState, current_lang
from ticketapp.state.snapshot import SentWhenUsed

STATUS_LABELS: dict[str, str] = {
    OrderStatus.PENDING: msgid("Pending"),
    OrderStatus.AWAITING_PAYMENT: msgid("Awaiting payment"),
    OrderStatus.PAID: msgid("Paid"),
    OrderStatus.PARTIALLY_REFUNDED: msgid("Partially refunded"),
    OrderStatus.REFUNDED: msgid("Refunded"),
    OrderStatus.CANCELLED: msgid("Cancelled"),
    OrderStatus.EXPIRED: msgid("Expired"),
    OrderStatus.FAILED: msgid("Failed"),
}


def _when(summary: OrderSummary, lang: str) -> str:
    return format_date(summary.created_at, format="medium", locale=BABEL_LOCALES.get(lang, lang))


def order_row(summary: OrderSummary, lang: str) -> dict[str, str]:
    return {
        "code": summary.code,
        "href": f"/account/orders/{summary.code}",
        "date": _when(summary, lang),
        "event": ", ".join(summary.event_titles),
        "tickets": str(summary.ticket_count),
        "total": summary.total.format(lang),
        "status": gettext(lang, STATUS_LABELS.get(summary.status, summary.status)),
    }


# Which field of which account form a refusal is about (its control is marked invalid, described, focused).
PROFILE_ERROR_FIELDS = {
    "Please enter your name.": "field-display_name",
    "Please choose a currency from the list.": "field-currency",
    "Please enter a valid phone number (digits, spaces and + only).": "field-phone",
}
EMAIL_ERROR_FIELDS = {
    "Please enter a valid e-mail address.": "field-new_email",
    "This is already your e-mail address.": "field-new_email",
    "An account with this e-mail address already exists.": "field-new_email",
    "Your current password is not correct.": "email-change-password",
}
PASSWORD_ERROR_FIELDS = {
    "Your current password is not correct.": "field-current_password",
    "The two passwords are not the same.": "field-new_password_confirm",
}
# The message region of each form, which its invalid fields point at (aria-describedby).
FORM_ERROR_IDS = {"profile": "profile-error", "email": "email-error", "password": "password-error"}


def password_error_field(message: str, password: str, email: str) -> str:
    """The password form's control a refusal is about (a broken rule: the new password)."""
    if message in accounts.password_problems(password, email):
        return "field-new_password"
    return PASSWORD_ERROR_FIELDS.get(message, "")


PROFILE_FIELDS = {"display_name": NAME_MAX, "language": SHORT_MAX, "currency": SHORT_MAX, "phone": SHORT_MAX}
PASSWORD_CHANGE_FIELDS = dict.fromkeys(("current_password", "new_password", "new_password_confirm"), PASSWORD_MAX)


class ProfileState(SentWhenUsed, rx.State):
    display_name: str = ""
    email: str = ""
    language: str = "en"
    currency: str = ""
    phone: str = ""
    has_password: bool = True
    welcome: bool = False
    error: str = ""
    error_form: str = ""  # which form `error` answers ("profile", "email", "password"; "": the page)
    error_field: str = ""  # the control it is about
    success: str = ""
    success_form: str = ""  # which form `success` answers: shown in it, where the person is looking

    @rx.event
    async def load(self) -> EventSpec | None:
        access = await guard(self)
        if not access.ok or access.user is None:
            return access.redirect
        user = access.user
        self.error_form = self.error_field = self.success_form = ""
        self.display_name = user.display_name
        self.email = user.email
        self.language = await current_lang(self)  # what the page shows now (cookie), which saving stores
        self.currency = user.preferred_currency
        self.phone = user.phone
        self.has_password = user.has_password
        self.welcome = self.router.url.query_parameters.get("welcome") == "1"
        self.error = ""
        self.success = ""
        return None

    def _done(self, form: str, message: str) -> EventSpec:
        """Confirm in `form` itself and bring it into view (not at the top of the page, out of sight)."""
        self.error = self.error_form = self.error_field = ""
        self.success, self.success_form = message, form
        return focus_control(f"{form}-feedback")

    def _refuse(self, form: str, message: str, control_id: str) -> EventSpec | None:
        """Show `message` by `form` and, when it is about one field, mark that field and move focus to it."""
        self.error, self.success, self.error_form, self.error_field = message, "", form, control_id
        self.success_form = ""
        target = control_id or (f"{form}-feedback" if form else "")
        return focus_control(target) if target else None

    @rx.event
    async def save_profile(self, form: dict[str, str]) -> EventSpec | None:
        access = await guard(self)
        if not access.ok or access.user is None:
            return access.redirect
        form = form_values(
            form, {"display_name": NAME_MAX, "language": SHORT_MAX, "currency": SHORT_MAX, "phone": SHORT_MAX}
        )
        update = ProfileUpdate(
            display_name=form["display_name"],
            locale=form["language"] or "en",
            preferred_currency=form["currency"],
            phone=form["phone"],
        )
        try:
            user = await run_db(account_profile.update_profile, access.user.id, update, client_info(self))
        except AccountError as error:
            return self._refuse("profile", error.message, PROFILE_ERROR_FIELDS.get(error.message, ""))
        self.display_name, self.language = user.display_name, user.locale
        self.currency, self.phone = user.preferred_currency or "", user.phone or ""
        done = self._done("profile", msgid("Your profile was saved."))
        await (await self.get_state(AuthState))._current_user()
        # The chosen language becomes the interface language too (`<html lang>` follows in the browser).
        locale = await self.get_state(LocaleState)
        locale.lang_cookie = normalize_locale(user.locale)
        locale.currency_cookie = user.preferred_currency or ""  # prices follow the preferred currency
        return done

    @rx.event
    async def change_email(self, form: dict[str, str]) -> EventSpec | None:
        access = await guard(self)
        if not access.ok or access.user is None:
            return access.redirect
        form = form_values(form, {"new_email": EMAIL_MAX, "password": PASSWORD_MAX})
        try:
            await run_db(
                account_profile.request_email_change,
                access.user.id,
                form["new_email"],
                form["password"],
                client_info(self),
            )
        except AccountError as error:
            return self._refuse("email", error.message, EMAIL_ERROR_FIELDS.get(error.message, ""))
        return self._done(
            "email", msgid("We sent a confirmation link to your new address. The change takes effect once confirmed.")
        )

    @rx.event
    async def change_password(self, form: dict[str, str]) -> EventSpec | None:
        access = await guard(self)
        if not access.ok or access.user is None:
            return access.redirect
        form = form_values(
            form, dict.fromkeys(("current_password", "new_password", "new_password_confirm"), PASSWORD_MAX)
        )
        if form["new_password"] != form["new_password_confirm"]:
            return self._refuse("password", msgid("The two passwords are not the same."), "field-new_password_confirm")
        try:
            await run_db(
                account_profile.change_password,
                access.user.id,
                form["current_password"],
                form["new_password"],
                client_info(self),
                keep_session_id=access.user.session_id,
            )
        except AccountError as error:
            field = password_error_field(error.message, form["new_password"], access.user.email)
            return self._refuse("password", error.message, field)
        return self._done("password", msgid("Your password was changed. Your other sessions were signed out."))

    @rx.event
    async def delete_account(self, form: dict[str, str]) -> list[EventSpec] | EventSpec | None:
        access = await guard(self)
        if not access.ok or access.user is None:
            return access.redirect
        try:
            password = form_values(form, {"password": PASSWORD_MAX})["password"]
            await run_db(account_profile.delete_account, access.user.id, password, client_info(self))
        except AccountError as error:
            return self._refuse("", error.message, "")
        auth = await self.get_state(AuthState)
        lang = await current_lang(self)
        await auth._forget()
        return [
            rx.redirect("/"),
            rx.toast(gettext(lang, "Your account was deleted. Your past orders are kept anonymously.")),
        ]


class OrdersState(SentWhenUsed, rx.State):
    orders: list[dict[str, str]] = []
    loaded: bool = False

    @rx.event
    async def load(self) -> EventSpec | None:
        access = await guard(self)
        if not access.ok or access.user is None:
            return access.redirect
        lang = await current_lang(self)
        summaries = await run_db(list_user_orders, access.user.id, lang=lang)
        self.orders = [order_row(summary, lang) for summary in summaries]
        self.loaded = True
        return None


class OrderDetailState(SentWhenUsed, rx.State):
    found: bool = True
    loaded: bool = False
    code: str = ""
    date: str = ""
    status: str = ""
    total: str = ""
    tickets: str = ""
    buyer: str = ""
    lines: list[dict[str, str]] = []
    invoices: list[dict[str, str]] = []  # download links of its invoices and credit notes

    @rx.event
    async def load(self) -> EventSpec | None:
        access = await guard(self)
        if not access.ok or access.user is None:
            return access.redirect
        lang = await current_lang(self)
        code = self.router.url.path.rstrip("/").rsplit("/", 1)[-1]
        detail = await run_db(get_user_order, access.user.id, code, lang=lang)
        self.loaded = True
        self.found = detail is not None
        if detail is None:
            self.lines = []
            return None
        row = order_row(detail.summary, lang)
        self.code, self.date, self.status = row["code"], row["date"], row["status"]
        self.total, self.tickets = row["total"], row["tickets"]
        self.buyer = f"{detail.buyer_name} <{detail.buyer_email}>"
        self.lines = [
            {
                "event": line.event_title,
                "ticket_type": line.ticket_type,
                "quantity": str(line.quantity),
                "price": line.unit_price.format(lang),
                "subtotal": Money(line.unit_price.amount_minor * line.quantity, line.unit_price.currency).format(lang),
            }
            for line in detail.lines
        ]
        refs = [
            InvoiceRef(i.code, i.kind, Money(i.gross_minor, i.currency))
            for i in await run_db(invoice_links.documents, detail.summary.code)
        ]
        self.invoices = invoice_links.download_views(refs, detail.summary.code, lang, guest=False)
        return None


class SecurityState(SentWhenUsed, rx.State):
    is_staff: bool = False
    enabled: bool = False
    secret: str = ""
    qr_data_uri: str = ""
    recovery_codes: list[str] = []
    error: str = ""
    success: str = ""
    next_path: str = "/admin"

    @rx.event
    async def load(self) -> EventSpec | None:
        access = await guard(self, allow_pending_second_factor=True)
        if access.user is None:
            return access.redirect
        user = access.user
        self.is_staff, self.enabled = user.is_staff, user.two_factor_enabled
        self.error, self.success, self.recovery_codes = "", "", []
        self.next_path = "/admin" if user.role == "admin" else "/"
        if user.is_staff and user.two_factor_enabled and not user.second_factor_ok:
            return rx.redirect("/signin?next=/account/security")
        if user.is_staff and not user.two_factor_enabled:
            self.secret = await run_db(two_factor.start_enrolment, user.id)
            self.qr_data_uri = two_factor.qr_data_uri(two_factor.provisioning_uri(self.secret, user.email))
        return None

    @rx.event
    async def confirm(self, form: dict[str, str]) -> EventSpec | None:
        access = await guard(self, allow_pending_second_factor=True)
        if access.user is None:
            return access.redirect
        try:
            codes = await run_db(
                _confirm_enrolment, access.user.id, access.user.session_id, form.get("code", ""), client_info(self)
            )
        except AccountError as error:
            self.error = error.message
            return None
        self.error = ""
        self.enabled = True
        self.recovery_codes = codes
        self.secret, self.qr_data_uri = "", ""
        self.success = msgid("Two-factor authentication is on.")
        # First sign-in of staff ends here (enrolment was their second factor): the cart joins now.
        await merge_cart_on_sign_in(self)
        return None


def _confirm_enrolment(session: Session, user_id: int, session_id: int, code: str, client: ClientInfo) -> list[str]:
    """Turn 2FA on with the first code; that code counts as this session's second factor."""
    codes = two_factor.confirm_enrolment(session, user_id, code, client)
    mark_second_factor_ok(session, session_id)
    return codes
