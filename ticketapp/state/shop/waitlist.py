"""The waiting list in the shop: the join form on an event page, the confirmation and the offer links."""

from __future__ import annotations

from collections.abc import AsyncIterator

import reflex as rx
from reflex.event import EventSpec
from sqlmodel import Session

from ticketapp.db import run_db
from ticketapp.i18n import gettext, translate
from ticketapp.i18n.languages import LANGUAGES, SUPPORTED_LOCALES
from ticketapp.services.waitlist import lists, offers
from ticketapp.services.waitlist.offers import WaitlistError
from ticketapp.state.account.auth import current_user
from ticketapp.state.bounded import EMAIL_MAX, SHORT_MAX, clip, form_values, known_key
from ticketapp.state.locale import current_lang
from ticketapp.state.shop.cart import CartState
from ticketapp.state.shop.catalog import EventPageState
from ticketapp.state.snapshot import SentWhenUsed

JOIN_FIELDS = {"email": EMAIL_MAX, "quantity": SHORT_MAX, "lang": SHORT_MAX}


def _joined_message(session: Session, entry_id: int) -> int:
    entry = session.get(lists.WaitlistEntry, entry_id)
    return lists.position(session, entry) if entry is not None else 0


class WaitlistJoinState(SentWhenUsed, rx.State):
    """The form under a sold-out ticket type; the service checks everything again."""

    type_id: str = ""  # the ticket type whose form is open ("" = closed)
    type_name: str = ""
    quantities: list[str] = []
    email: str = ""  # the signed-in buyer's, pre-filled
    lang: str = "en"
    languages: list[dict[str, str]] = []
    message: str = ""
    message_is_error: bool = False

    @rx.event
    async def open(self, ticket_type_id: str) -> None:
        """Only for a sold-out type the event page shows (the browser may send any id)."""
        page = await self.get_state(EventPageState)
        views = {view["id"]: view for view in page.ticket_types if view.get("can_wait")}
        key = known_key(ticket_type_id, views)
        if key is None:
            return
        user = await current_user(self)
        self.type_id, self.type_name = key, views[key]["name"]
        self.quantities = views[key]["wait_options"].split(",")
        self.email = user.email if user else ""
        self.lang = await current_lang(self)
        self.languages = [{"code": lang.code, "name": lang.native_name} for lang in LANGUAGES]
        self.message = ""

    @rx.event
    def close(self) -> None:
        self.type_id, self.message = "", ""

    @rx.event
    async def join(self, form: dict[str, str] | None = None) -> None:
        lang = await current_lang(self)
        values = form_values(form, JOIN_FIELDS)
        self.message_is_error = True
        if not self.type_id.isdigit():
            return
        raw = values.get("quantity", "").strip()
        quantity: object = int(raw) if raw.isdigit() else raw
        chosen = values.get("lang", "") if values.get("lang", "") in SUPPORTED_LOCALES else lang
        user = await current_user(self)
        # Signed-in buyers skip the opt-in only for their own address.
        user_id = user.id if user and values.get("email", "").strip().lower() == user.email.lower() else None
        try:
            joined = await run_db(
                lists.join, int(self.type_id), values.get("email", ""), quantity, chosen, user_id=user_id
            )
        except WaitlistError as refused:
            self.email = values.get("email", "")
            self.message = refused.translated(lang)
            return
        self.message_is_error = False
        if joined.confirmed:
            place = await run_db(_joined_message, joined.entry_id)
            self.message = translate(
                lang,
                "You are on the waiting list (number {position} in line). We will e-mail you when tickets are free.",
                position=place,
            )
        else:
            self.message = translate(
                lang,
                "Almost done: open the link we sent to {email} to confirm your place in line.",
                email=values.get("email", "").strip().lower(),
            )
        self.type_id = ""


class WaitlistLinkState(SentWhenUsed, rx.State):
    """/waitlist/confirm and /waitlist/offer: the links of the two waiting-list mails."""

    loaded: bool = False
    ok: bool = False
    message: str = ""

    def _params(self) -> tuple[int, str]:
        params = self.router.url.query_parameters
        entry = clip(params.get("entry", ""), SHORT_MAX)
        return (int(entry) if entry.isdigit() and len(entry) < 10 else 0), clip(params.get("sig", ""), SHORT_MAX)

    @rx.event
    async def load_confirm(self) -> None:
        lang = await current_lang(self)
        entry_id, sig = self._params()
        try:
            entry = await run_db(lists.confirm, entry_id, sig)
        except WaitlistError as refused:
            self.ok, self.message = False, refused.translated(lang)
        else:
            self.ok = True
            self.message = (
                gettext(lang, "Your place on the waiting list is confirmed. We will e-mail you when tickets are free.")
                if entry.status == lists.WaitlistStatus.WAITING
                else gettext(lang, "This place on the waiting list was confirmed already.")
            )
        self.loaded = True

    @rx.event
    async def load_offer(self) -> AsyncIterator[EventSpec | None]:
        """Put the offered seats in this browser's cart and go to checkout."""
        lang = await current_lang(self)
        entry_id, sig = self._params()
        cart = await self.get_state(CartState)
        token = cart._ensure_token()
        user = await current_user(self)
        try:
            await run_db(offers.claim_offer, entry_id, sig, token, user_id=user.id if user else None)
        except WaitlistError as refused:
            self.ok, self.message, self.loaded = False, refused.translated(lang), True
            return
        self.ok, self.loaded = True, True
        self.message = gettext(lang, "The tickets offered to you are in your cart.")
        await cart.refresh_count()  # type: ignore[operator]  # mypy reads a bare @rx.event as EventNamespace
        yield None  # the cart cookie first, then checkout
        yield rx.redirect("/checkout")
