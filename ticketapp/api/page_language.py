"""The visitor's language in a page's first byte: `<html lang dir>` rewritten as the page is served.

The compiled pages are prerendered once, in English (`<html lang="en">`); the browser only learns the visitor's
language when the app has loaded, so a French or Arabic visitor's screen reader and layout started in English and
left to right. The server knows it at once (the `lang` cookie, else Accept-Language, as LocaleState decides):
the app's own HTML responses are rewritten here (SecurityHeadersMiddleware holds them anyway), and nginx does
the same with a map and sub_filter (prod.nginx_site). No script: the CSP's hashes are untouched.
"""

from __future__ import annotations

from http.cookies import CookieError, SimpleCookie

from starlette.types import Scope

from ticketapp.i18n import visitor_language
from ticketapp.i18n.languages import direction
from ticketapp.settings import get_settings

# What Reflex writes for App(html_lang="en") (ticketapp.py): the one tag the rewrite looks for.
PRERENDERED_TAG = b'<html lang="en">'
LANG_COOKIE = "lang"  # LocaleState.lang_cookie


def html_tag(lang: str) -> bytes:
    return f'<html lang="{lang}" dir="{direction(lang)}">'.encode()


def _cookie(header: str, name: str) -> str:
    try:
        morsel = SimpleCookie(header).get(name)
    except CookieError:  # a malformed Cookie header: as if there were none
        return ""
    return morsel.value if morsel else ""


def scope_language(scope: Scope) -> str:
    """The language LocaleState would pick for this request (cookie, else Accept-Language, else the default)."""
    headers = {key.decode("latin-1"): value.decode("latin-1") for key, value in scope.get("headers", [])}
    chosen = _cookie(headers.get("cookie", ""), LANG_COOKIE)
    return visitor_language(chosen, headers.get("accept-language"), get_settings().default_locale)


def with_language(html: bytes, lang: str) -> bytes:
    """`html` with its prerendered `<html lang="en">` replaced by the visitor's lang and direction."""
    return html.replace(PRERENDERED_TAG, html_tag(lang), 1)
