"""Public catalogue: the upcoming events list and one event's page."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from urllib.parse import urlencode

import reflex as rx
from reflex.event import EventSpec
from sqlmodel import Session

from ticketapp.db import run_db
from ticketapp.i18n import gettext, msgid, translate
from ticketapp.services.analytics import funnel
from ticketapp.services.booking.cart import TicketOffer, cart_item_count, ticket_offers
from ticketapp.services.booking.holds import add_to_cart
from ticketapp.services.booking.inventory import BookingError
from ticketapp.services.catalog.public import (
    CATEGORIES,
    EventDetail,
    EventSummary,
    get_public_event,
    list_upcoming_events,
)
from ticketapp.services.catalog.series import public_dates
from ticketapp.services.currency.display import DisplayCurrency
from ticketapp.services.invoicing.tax import tax_label
from ticketapp.services.promotions import cart as promo_cart
from ticketapp.services.promotions.codes import CODE_MAX, PromoError
from ticketapp.services.shared.dates import format_event_date_long, format_event_datetime, format_month
from ticketapp.state.account.auth import current_user
from ticketapp.state.bounded import SHORT_MAX, clip, form_values, known_key
from ticketapp.state.locale import current_lang, display_currency
from ticketapp.state.shop.cart import CartState
from ticketapp.state.shop.funnel import record_quietly, visitor
from ticketapp.state.snapshot import SentWhenUsed


def _category_label(category: str, lang: str) -> str:
    return gettext(lang, CATEGORIES.get(category, category))


def event_card_view(event: EventSummary, display: DisplayCurrency) -> dict[str, str]:
    lang = display.lang
    price = event.lowest_price
    return {
        "slug": event.slug,
        "href": f"/events/{event.slug}",
        "title": event.title,
        "city": event.city,
        "venue": event.venue_name,
        "category": _category_label(event.category, lang),
        "date": (
            translate(
                lang,
                "{count} dates from {date}",
                count=event.date_count,
                date=format_event_datetime(event.starts_at, event.timezone, lang),
            )
            if event.date_count > 1
            else format_event_datetime(event.starts_at, event.timezone, lang)
        ),
        "price_from": gettext(lang, "From {price}").format(price=price.format(lang)) if price else "",
        "approx": display.approx(price),
        "image": event.image_url or "",
        "image_alt": event.title,  # events carry no separate alt text: the title says what the picture shows
    }


_OFFER_LABELS = {
    "not_yet": msgid("Not yet on sale"),
    "ended": msgid("Sales ended"),
    "event_over": msgid("Sales ended"),
    "cancelled": msgid("Cancelled"),
    "unavailable": msgid("Not on sale"),
}


def offer_label(offer: TicketOffer | None, lang: str) -> str:
    """'On sale', '12 left', 'Sold out', 'Not yet on sale', 'Sales ended'…"""
    if offer is None:
        return gettext(lang, "Not on sale")
    if offer.state != "on_sale":
        return gettext(lang, _OFFER_LABELS[offer.state])
    if offer.sold_out:
        return gettext(lang, "Sold out")
    if offer.low_stock:
        return translate(lang, "{count} left", count=offer.remaining)
    return gettext(lang, "On sale")


def ticket_type_view(
    detail: EventDetail, index: int, display: DisplayCurrency, offers: dict[int, TicketOffer]
) -> dict[str, str]:
    lang = display.lang
    ticket_type = detail.ticket_types[index]
    offer = offers.get(ticket_type.id)
    max_quantity = offer.max_quantity if offer else 0
    return {
        "id": str(ticket_type.id),
        "name": ticket_type.name,
        "description": ticket_type.description,
        "price": ticket_type.price.format(lang),
        "approx": display.approx(ticket_type.price),
        "tax": tax_label(ticket_type.tax, lang),
        "status": offer_label(offer, lang),
        "max": str(max_quantity),
        "options": ",".join(str(n) for n in range(1, max_quantity + 1)),
        "can_buy": "yes" if max_quantity > 0 else "",
        "quantity_label": translate(lang, "Quantity of {type}", type=ticket_type.name),
        "add_label": translate(lang, "Add to cart: {type}", type=ticket_type.name),
        # Sold out: the waiting list, for as many as one order may take.
        "can_wait": "yes" if offer is not None and offer.sold_out else "",
        "wait_options": ",".join(str(n) for n in range(1, ticket_type.max_per_order + 1)),
        "wait_label": translate(lang, "Join the waiting list: {type}", type=ticket_type.name),
    }


def date_picker_view(detail: EventDetail, lang: str) -> list[dict[str, str]]:
    """The series' dates for the picker: grouped by month (a heading on each month's first), sold-out and
    cancelled dates marked; the date being shown is "current" (it may have ended: it is then listed alone)."""
    zone = detail.venue.timezone
    views: list[dict[str, str]] = []
    last_month = ""
    for item in detail.dates:
        month = format_month(item.starts_at, zone, lang)
        if item.cancelled:
            status = gettext(lang, "Cancelled")
        elif item.sold_out:
            status = gettext(lang, "Sold out")
        else:
            status = ""
        label = format_event_date_long(item.starts_at, zone, lang)
        views.append(
            {
                "month": month if month != last_month else "",
                "label": label,
                "href": f"/events/{item.slug}",
                "status": status,
                "current": "yes" if item.slug == detail.slug else "",
                "aria": f"{label}, {status}" if status else label,
            }
        )
        last_month = month
    return views


class CatalogState(SentWhenUsed, rx.State):
    events: list[dict[str, str]] = []
    loaded: bool = False

    @rx.event
    async def load(self) -> None:
        display = await display_currency(self)
        summaries = await run_db(list_upcoming_events, limit=60, lang=display.lang)
        self.events = [event_card_view(event, display) for event in summaries]
        self.loaded = True
        await remember_list(self, "/")


class EventPageState(SentWhenUsed, rx.State):
    found: bool = True
    loaded: bool = False
    title: str = ""
    description: str = ""
    category: str = ""
    date: str = ""
    venue_name: str = ""
    venue_address: str = ""
    timezone: str = ""
    is_past: bool = False
    is_cancelled: bool = False
    ticket_types: list[dict[str, str]] = []
    # A series' dates (month heading on each month's first date), the one shown marked "current".
    dates: list[dict[str, str]] = []
    quantities: dict[str, str] = {}
    feedback: str = ""
    feedback_is_error: bool = False
    feedback_for: str = ""  # the ticket type the feedback is about ("" = the page)
    image_url: str = ""
    map_url: str = ""
    calendar_url: str = ""
    back_href: str = "/"
    # The list the buyer last looked at in this tab (home or a search with its filters): "← All events".
    _back_href: str = "/"

    @rx.var
    def page_title(self) -> str:
        """The browser tab names the event (the site name alone until it is loaded)."""
        return f"{self.title} · Ticketapp" if self.loaded and self.found and self.title else "Ticketapp"

    def _slug(self) -> str:
        path = self.router.url.path.rstrip("/")
        return path.rsplit("/", 1)[-1]

    _event_id: int = 0

    @rx.event
    async def load(self) -> None:
        self.feedback, self.feedback_for = "", ""
        self.back_href = self._back_href
        # The view is recorded in the page's own database trip.
        lang = await current_lang(self)
        cart = await self.get_state(CartState)
        detail, offers = await run_db(_event_with_offers, self._slug(), lang, visitor(self), cart.cart_token)
        await self._show(detail, offers)
        if self.found and (code := clip(self.router.url.query_parameters.get("code", ""), CODE_MAX)):
            await self._remember_code(code)

    @rx.event
    async def enter_code(self, form: dict[str, str] | None = None) -> None:
        """The page's code box: keep the code for the cart and show the ticket types it unlocks."""
        code = form_values(form, {"event-code": CODE_MAX})["event-code"]
        self.feedback_for = ""
        if not code.strip():
            self.feedback = gettext(await current_lang(self), "Please enter a promo code.")
            self.feedback_is_error = True
            return
        await self._remember_code(code)

    async def _remember_code(self, code: str) -> None:
        """A link with ?code= (or the code box): the code waits in the cart for the tickets the visitor adds,
        and hidden ticket types it unlocks appear."""
        lang = await current_lang(self)
        cart = await self.get_state(CartState)
        token = cart._ensure_token()
        try:
            kept, unlocks = await run_db(promo_cart.remember, token, code)
        except PromoError as refused:
            self.feedback, self.feedback_is_error = refused.translated(lang), True
            return
        shown = 0
        if unlocks:  # read the page again only for a code that may show hidden types (not every ?code= link)
            before = {view["id"] for view in self.ticket_types}
            await self._refresh()
            shown = len({view["id"] for view in self.ticket_types} - before)
        if shown == 1:
            self.feedback = translate(
                lang, "Promo code {code} unlocked a ticket type; it will be applied in your cart.", code=kept
            )
        elif shown:
            self.feedback = translate(
                lang,
                "Promo code {code} unlocked {count} ticket types; it will be applied in your cart.",
                code=kept,
                count=shown,
            )
        else:
            self.feedback = translate(lang, "Promo code {code} will be applied in your cart.", code=kept)
        self.feedback_is_error = False

    async def _refresh(self) -> None:
        cart = await self.get_state(CartState)
        detail, offers = await run_db(_event_with_offers, self._slug(), await current_lang(self), None, cart.cart_token)
        await self._show(detail, offers)

    async def _show(self, detail: EventDetail | None, offers: dict[int, TicketOffer]) -> None:
        display = await display_currency(self)
        lang = display.lang
        self.loaded = True
        self.found = detail is not None
        if detail is None:
            self.ticket_types = []
            return
        venue = detail.venue
        self._event_id = detail.id
        self.title = detail.title
        self.description = detail.description
        self.category = _category_label(detail.category, lang)
        self.date = format_event_date_long(detail.starts_at, venue.timezone, lang)
        self.venue_name = venue.name
        self.venue_address = f"{venue.address}, {venue.city}"
        self.image_url = detail.image_url or ""
        self.map_url = "https://www.openstreetmap.org/search?" + urlencode({"query": self.venue_address})
        self.calendar_url = f"/api/events/{detail.id}.ics"
        self.timezone = venue.timezone
        self.is_past = detail.is_past
        self.is_cancelled = detail.status == "cancelled"
        self.ticket_types = [ticket_type_view(detail, i, display, offers) for i in range(len(detail.ticket_types))]
        self.dates = date_picker_view(detail, lang)
        # Keep each picker's choice, bounded by what can be bought now.
        self.quantities = {
            view["id"]: str(max(1, min(_as_int(self.quantities.get(view["id"], "1")) or 1, int(view["max"]))))
            for view in self.ticket_types
            if view["can_buy"]
        }

    @rx.event
    def set_quantity(self, ticket_type_id: str, value: str) -> None:
        """Only for a ticket type this page shows (the browser may send any key)."""
        if key := known_key(ticket_type_id, {view["id"] for view in self.ticket_types}):
            self.quantities[key] = clip(value, SHORT_MAX)

    @rx.event
    async def add_to_cart(self, ticket_type_id: str) -> EventSpec:
        """Hold the chosen number of tickets; the service re-checks everything under lock."""
        lang = await current_lang(self)
        cart = await self.get_state(CartState)
        token = cart._ensure_token()
        quantity = _as_int(self.quantities.get(ticket_type_id, "1"))
        type_id = _as_int(ticket_type_id)
        self.feedback_is_error = True
        self.feedback_for = known_key(ticket_type_id, {view["id"] for view in self.ticket_types}) or ""
        if quantity is None or type_id is None or quantity < 1:
            self.feedback = gettext(lang, "Please choose a whole number of tickets.")
            return self._show_feedback()
        user = await current_user(self)  # their orders count towards the event's per-customer cap
        # One worker-thread trip for the hold, the header count and the page's fresh offers (was three).
        added = await run_db(
            _add_and_reload, token, type_id, quantity, user.id if user else None, self._slug(), lang, visitor(self)
        )
        if added.refused is not None:
            self.feedback = added.refused.translated(lang)
        else:
            self.feedback = (
                gettext(lang, "1 ticket added to your cart.")
                if quantity == 1
                else translate(lang, "{count} tickets added to your cart.", count=quantity)
            )
            self.feedback_is_error = False
        cart.item_count = added.item_count
        await self._show(added.detail, added.offers)
        return self._show_feedback()

    def _show_feedback(self) -> EventSpec:
        """Bring the message under the button into view, clear of the chat button (scroll-margin in styles.css)."""
        box = json.dumps(f"feedback-{self.feedback_for}")
        return rx.call_script(f"document.getElementById({box})?.scrollIntoView({{block: 'nearest'}})")


async def remember_list(state: rx.State, href: str) -> None:
    """The events list a visitor is looking at, for the event page's way back (a relative URL of ours)."""
    if href.startswith("/") and not href.startswith("//"):
        (await state.get_state(EventPageState))._back_href = href


def _as_int(value: str) -> int | None:
    try:
        return int(str(value).strip())
    except ValueError:
        return None


def _event_with_offers(
    session: Session, slug: str, lang: str, viewer: str | None = None, cart_token: str = ""
) -> tuple[EventDetail | None, dict[int, TicketOffer]]:
    """The event (in `lang`) and its offers (with the hidden types the cart's code unlocks); with `viewer` (a
    funnel key), its view is recorded too."""
    detail = get_public_event(session, slug, lang, promo_cart.unlocked_for_cart(session, cart_token))
    offers = ticket_offers(session, detail.id) if detail else {}
    if detail is not None and detail.series_id is not None:  # the date picker of a series
        detail = replace(detail, dates=tuple(public_dates(session, detail.series_id)))
    if detail is not None and viewer is not None:
        event_id = detail.id
        record_quietly(session, lambda s: funnel.record_event_view(s, viewer, event_id))
    return detail, offers


@dataclass(frozen=True)
class _Added:
    """What "Add to cart" brings back from its one database trip."""

    refused: BookingError | None
    item_count: int
    detail: EventDetail | None
    offers: dict[int, TicketOffer]


def _add_and_reload(
    session: Session, token: str, type_id: int, quantity: int, user_id: int | None, slug: str, lang: str, viewer: str
) -> _Added:
    """Hold the tickets (its own committed transaction), record the funnel step, then read the header count and
    the page again."""
    refused: BookingError | None = None
    try:
        add_to_cart(session, token, type_id, quantity, user_id=user_id)
    except BookingError as error:
        refused = error
    else:
        record_quietly(session, lambda s: funnel.record_cart_add(s, viewer, type_id))
    detail, offers = _event_with_offers(session, slug, lang, None, token)
    return _Added(refused, cart_item_count(session, token), detail, offers)
