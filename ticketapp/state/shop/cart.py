"""The visitor's cart: a cookie token, the header count, the cart page and its countdown."""

from __future__ import annotations

import asyncio
import time

import reflex as rx
from reflex.event import EventSpec
from sqlmodel import Session

from ticketapp.db import run_db
from ticketapp.i18n import gettext, msgid, translate
from ticketapp.services.booking import holds, inventory
from ticketapp.services.booking.cart import CartLine, CartView, cart_item_count, load_cart
from ticketapp.services.currency.display import DisplayCurrency
from ticketapp.services.invoicing.tax import paid_label
from ticketapp.services.promotions import cart as promo_cart
from ticketapp.services.promotions.codes import CODE_MAX, PromoError
from ticketapp.services.shared.dates import format_event_datetime
from ticketapp.services.shared.money import Money
from ticketapp.state.account.auth import current_user
from ticketapp.state.bounded import clip, form_values, known_key
from ticketapp.state.locale import current_lang, display_currency
from ticketapp.state.snapshot import SentWhenUsed

THIRTY_DAYS = 30 * 24 * 3600


def cart_line_view(line: CartLine, display: DisplayCurrency) -> dict[str, str]:
    lang = display.lang
    return {
        "id": str(line.ticket_type_id),
        "event": line.event_title,
        "href": f"/events/{line.event_slug}",
        "type": line.ticket_type_name,
        "date": format_event_datetime(line.event_starts_at, line.timezone, lang),
        "venue": line.venue_name,
        "unit_price": line.price_to_pay.format(lang),
        "subtotal": line.subtotal.format(lang),
        "approx": display.approx(line.price_to_pay),
        "tax": paid_label(line.tax.rate_bp, False, lang),
        "quantity": str(line.quantity),
        "options": ",".join(str(n) for n in range(1, max(line.max_quantity, line.quantity) + 1)),
        "label": translate(lang, "Quantity of {type} for {event}", type=line.ticket_type_name, event=line.event_title),
        # With a promo code: the list price (struck through) and the saving per ticket.
        "list_price": line.unit_price.format(lang) if line.discount else "",
        "discount": translate(lang, "−{amount} each", amount=line.discount.format(lang)) if line.discount else "",
    }


def discount_labels(discounts: list[Money], code: str, lang: str) -> list[str]:
    """'Discount (SPRING): −€10.00', one per currency."""
    return [translate(lang, "Discount ({code}): −{amount}", code=code, amount=d.format(lang)) for d in discounts]


def total_labels(totals: list[Money], display: DisplayCurrency) -> list[str]:
    """'Total: €25.00', with '≈ $29' after it when the visitor reads another currency."""
    labels = []
    for total in totals:
        label = translate(display.lang, "Total: {amount}", amount=total.format(display.lang))
        approx = display.approx(total) if total.amount_minor else ""
        labels.append(f"{label} ({approx})" if approx else label)
    return labels


def format_countdown(seconds: int) -> str:
    seconds = max(seconds, 0)
    return f"{seconds // 60}:{seconds % 60:02d}"


# A ticking timer is not read aloud (it would talk every second): a polite reminder is spoken instead
# when this many seconds are left; the expiry itself is an alert (the expired notice).
REMINDERS_S = (300, 120, 60)


def crossed_reminder(before: int | None, now: int) -> int | None:
    """The reminder passed between two ticks (`before`, then `now` seconds left); None on the first tick."""
    if before is None:
        return None
    crossed = [threshold for threshold in REMINDERS_S if now <= threshold < before]
    return min(crossed) if crossed else None


def reminder_text(lang: str, threshold: int) -> str:
    minutes = threshold // 60
    if minutes == 1:
        return gettext(lang, "1 minute left to keep your tickets.")
    return translate(lang, "{minutes} minutes left to keep your tickets.", minutes=minutes)


class CartState(SentWhenUsed, rx.State):
    cart_token: str = rx.Cookie("", name="cart", max_age=THIRTY_DAYS, same_site="lax")
    item_count: int = 0
    loaded: bool = False
    lines: list[dict[str, str]] = []
    expired_lines: list[dict[str, str]] = []
    totals: list[str] = []
    countdown: str = ""
    reminder: str = ""  # the last spoken countdown reminder
    expired_notice: str = ""
    message: str = ""
    error: str = ""
    currency_note: str = ""
    promo_code: str = ""  # the code applied to the cart
    promo_problem: str = ""  # why it takes nothing off right now
    discounts: list[str] = []
    _deadline: float = 0.0
    _ticker: int = 0

    def _ensure_token(self) -> str:
        """The cart token, created on first use (the cookie is set with the next update)."""
        if not inventory.is_valid_cart_token(self.cart_token):
            self.cart_token = inventory.new_cart_token()
        return self.cart_token

    @rx.event
    async def refresh_count(self) -> None:
        if not self.cart_token:
            self.item_count = 0
            return
        token = self.cart_token
        self.item_count = await run_db(cart_item_count, token)

    def _show(self, view: CartView, display: DisplayCurrency) -> None:
        lang = display.lang
        self.lines = [cart_line_view(line, display) for line in view.live_lines]
        self.expired_lines = [cart_line_view(line, display) for line in view.expired_lines]
        self.totals = total_labels(view.totals(), display)
        self.promo_code = view.promo_code
        self.promo_problem = view.promo_problem.translated(lang) if view.promo_problem else ""
        self.discounts = discount_labels(view.discounts(), view.promo_code, lang)
        self.currency_note = display.note([t.currency for t in view.totals()])
        self.item_count = view.item_count
        deadline = view.deadline
        self._deadline = deadline.timestamp() if deadline else 0.0
        self.countdown = format_countdown(int(self._deadline - time.time())) if deadline else ""
        if view.expired_lines:
            self.expired_notice = gettext(
                lang, "Your reservation has expired and these tickets were released. Renew to hold them again."
            )
        else:
            self.expired_notice = ""
        self.loaded = True

    async def _reload(self) -> None:
        display = await display_currency(self)
        token = self.cart_token
        view = await run_db(load_cart, token, lang=display.lang) if token else CartView()
        self._show(view, display)

    async def _merge_into_account(self, user_id: int) -> None:
        """After sign-in: fold this browser's cart into the account's, keep the cookie, refresh the count."""
        token = self.cart_token if inventory.is_valid_cart_token(self.cart_token) else ""
        if not token:
            return
        self.cart_token = await run_db(holds.merge_browser_cart_on_sign_in, token, user_id)
        await self.refresh_count()  # type: ignore[operator]  # mypy reads a bare @rx.event as EventNamespace

    @rx.event
    async def load(self) -> EventSpec | None:
        self.message = ""
        self.error = ""
        code = clip(self.router.url.query_parameters.get("code", ""), CODE_MAX)
        if code and self.cart_token:  # a link with ?code=: applied as if typed in
            await self._apply_code(code)
        else:
            await self._reload()
        return CartState.tick if self._deadline else None

    @rx.event
    async def apply_code(self, form: dict[str, str] | None = None) -> EventSpec | None:
        self.message = ""
        self.error = ""
        await self._apply_code(form_values(form, {"promo-code": CODE_MAX})["promo-code"])
        return CartState.tick if self._deadline else None

    async def _apply_code(self, code: str) -> None:
        lang = await current_lang(self)
        token = self._ensure_token()
        try:
            await run_db(promo_cart.apply_code, token, code)
        except PromoError as refused:
            self.error = refused.translated(lang)
        else:
            self.message = gettext(lang, "Promo code applied.")
        await self._reload()

    @rx.event
    async def remove_code(self) -> EventSpec | None:
        lang = await current_lang(self)
        if self.cart_token:
            await run_db(promo_cart.remove_code, self.cart_token)
        self.error = ""
        self.message = gettext(lang, "The promo code was removed.")
        await self._reload()
        return CartState.tick if self._deadline else None

    async def _change(self, action: str, *args: object) -> EventSpec | None:
        lang = await current_lang(self)
        token = self._ensure_token()
        self.message = ""
        self.error = ""
        try:
            result = await run_db(_apply, action, token, *args)
        except inventory.BookingError as refused:
            self.error = refused.translated(lang)
        else:
            self.message = translate(lang, result)
        await self._reload()
        return CartState.tick if self._deadline else None

    @rx.event
    async def set_quantity(self, ticket_type_id: str, value: str) -> EventSpec | None:
        if known_key(ticket_type_id, {line["id"] for line in self.lines}) is None:
            return None  # not a line of this cart: nothing to change
        lang = await current_lang(self)
        quantity = _parse_int(value)
        type_id = _parse_int(ticket_type_id)
        if quantity is None or type_id is None:
            self.error = gettext(lang, "Please choose a whole number of tickets.")
            return None
        user = await current_user(self)  # their orders count towards the event's per-customer cap
        return await self._change("set", type_id, quantity, user.id if user else None)

    @rx.event
    async def remove(self, ticket_type_id: str) -> EventSpec | None:
        type_id = _parse_int(ticket_type_id)
        if type_id is None:
            return None
        return await self._change("set", type_id, 0, None)

    @rx.event
    async def empty(self) -> EventSpec | None:
        return await self._change("empty")

    @rx.event
    async def renew(self) -> EventSpec | None:
        return await self._change("renew")

    @rx.event(background=True)
    async def tick(self) -> None:
        """Update the countdown every second; at zero, show which tickets were released."""
        async with self:
            self._ticker += 1
            mine = self._ticker
        before: int | None = None
        while True:
            async with self:
                if self._ticker != mine or not self._deadline or self.router.url.path.rstrip("/") != "/cart":
                    return
                left = round(self._deadline - time.time())
                self.countdown = format_countdown(left)
                if (threshold := crossed_reminder(before, left)) is not None:
                    self.reminder = reminder_text(await current_lang(self), threshold)
                before = left
                if left <= 0:
                    await self._reload()
                    if not self._deadline:
                        return
            await asyncio.sleep(1)


def _parse_int(value: object) -> int | None:
    try:
        return int(str(value).strip())
    except ValueError:
        return None


def _apply(session: Session, action: str, token: str, *args: object) -> str:
    """Run one cart change (in a worker thread); returns an English confirmation msgid."""
    if action == "set":
        type_id, quantity, user_id = args
        holds.set_hold_quantity(session, token, int(type_id), int(quantity), user_id=user_id)  # type: ignore[call-overload, arg-type]
        return msgid("Your cart was updated.") if quantity else msgid("The tickets were removed from your cart.")
    if action == "empty":
        holds.empty_cart(session, token)
        return msgid("Your cart is now empty.")
    if action == "renew":
        lost = holds.renew_cart(session, token)
        if lost:
            return msgid("Some tickets are no longer available and were removed.")
        return msgid("Your tickets are held again.")
    raise ValueError(action)
