"""The visitor's language: a cookie, the translated messages, and `<html lang>`."""

from __future__ import annotations

import reflex as rx
from reflex.vars import StringVar

from ticketapp.db import run_db
from ticketapp.i18n import catalog, normalize_locale, visitor_language
from ticketapp.i18n.languages import direction
from ticketapp.models import utcnow
from ticketapp.services.currency.display import DisplayCurrency
from ticketapp.services.currency.rates import DISPLAY_CHOICES, RateTable, cached_rate_table, rate_table
from ticketapp.settings import get_settings
from ticketapp.state.snapshot import SentWhenUsed

ONE_YEAR = 365 * 24 * 3600


class LocaleState(SentWhenUsed, rx.State):
    lang_cookie: str = rx.Cookie("", name="lang", max_age=ONE_YEAR, same_site="lax")

    @rx.var
    def lang(self) -> str:
        """The chosen language (cookie), else the browser's (`Accept-Language` of the connection), else the default.

        Computed, not stored on a first visit: a page needs no extra event to pick it (`<html lang>` follows it in
        the browser, see components/html_lang.py)."""
        return visitor_language(self.lang_cookie, self.router.headers.accept_language, get_settings().default_locale)

    @rx.var
    def text_direction(self) -> str:
        """'rtl' for Arabic, else 'ltr' (`<html dir>` follows it)."""
        return direction(self.lang)

    @rx.var
    def messages(self) -> dict[str, str]:
        return catalog(self.lang)

    # The currency approximate prices are shown in ("": only the event's own). Set by the footer's menu,
    # by saving a preferred currency in the profile, and at sign-in from that preference.
    currency_cookie: str = rx.Cookie("", name="currency", max_age=ONE_YEAR, same_site="lax")

    @rx.event
    def set_language(self, lang: str) -> None:
        self.lang_cookie = normalize_locale(lang)

    @rx.event
    def set_currency(self, code: str) -> None:
        self.currency_cookie = code if code in DISPLAY_CHOICES else ""


def t(message: str) -> StringVar[str]:
    """A translated UI string that follows the visitor's language live."""
    return LocaleState.messages.get(message, message).to(str)


def colon() -> StringVar[str]:
    """The separator between a label and its value: ": ", in French " : " (a space before the colon)."""
    return t(": ")


async def current_lang(state: rx.State) -> str:
    """The language of the visitor behind `state` (for server-side formatting)."""
    return (await state.get_state(LocaleState)).lang


async def display_currency(state: rx.State) -> DisplayCurrency:
    """The visitor's display currency and language with the current rates (for approximate prices)."""
    locale = await state.get_state(LocaleState)
    target = locale.currency_cookie if locale.currency_cookie in DISPLAY_CHOICES else ""
    table = cached_rate_table() or (await run_db(rate_table) if target else None)
    return DisplayCurrency(
        target, table or RateTable(), utcnow().date(), get_settings().rates_max_age_days, locale.lang
    )
