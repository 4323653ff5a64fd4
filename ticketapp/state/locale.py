"""The visitor's language: a cookie, the translated messages, and `<html lang>`."""

from __future__ import annotations

import json

import reflex as rx
from reflex.event import EventSpec
from reflex.vars import StringVar

from ticketapp.i18n import catalog, normalize_locale
from ticketapp.settings import get_settings
from ticketapp.state.snapshot import SentWhenUsed

ONE_YEAR = 365 * 24 * 3600


class LocaleState(SentWhenUsed, rx.State):
    lang_cookie: str = rx.Cookie("", name="lang", max_age=ONE_YEAR, same_site="lax")

    @rx.var
    def lang(self) -> str:
        return normalize_locale(self.lang_cookie or get_settings().default_locale)

    @rx.var
    def messages(self) -> dict[str, str]:
        return catalog(self.lang)

    def _html_lang_script(self) -> EventSpec:
        return rx.call_script(f"document.documentElement.lang = {json.dumps(self.lang)}")

    @rx.event
    def apply(self) -> EventSpec:
        """On every page load: pick a language for first-time visitors, tag <html>."""
        if not self.lang_cookie:
            self.lang_cookie = normalize_locale(self.router.headers.accept_language)
        return self._html_lang_script()

    @rx.event
    def set_language(self, lang: str) -> EventSpec:
        self.lang_cookie = normalize_locale(lang)
        return self._html_lang_script()


def t(message: str) -> StringVar[str]:
    """A translated UI string that follows the visitor's language live."""
    return LocaleState.messages.get(message, message).to(str)


async def current_lang(state: rx.State) -> str:
    """The language of the visitor behind `state` (for server-side formatting)."""
    return (await state.get_state(LocaleState)).lang
