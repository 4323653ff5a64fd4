"""Translation helper over gettext catalogs compiled by babel.

Catalogs live in `ticketapp/i18n/locales/<lang>/LC_MESSAGES/messages.po` and are
compiled to `.mo` by `make i18n`. When a `.mo` is missing (a fresh checkout
before the first build) the `.po` is read directly, so the app never shows
raw message ids because of a skipped build step.
"""

from __future__ import annotations

import gettext as _gettext
from functools import lru_cache
from pathlib import Path

from babel.messages.pofile import read_po

from ticketapp.i18n.languages import SUPPORTED_LOCALES, negotiate, supported

LOCALES_DIR = Path(__file__).parent / "locales"
DOMAIN = "messages"


def normalize_locale(value: str | None) -> str:
    """Map any locale tag ('fr-CA', 'FR', None) to a supported language (English when unknown)."""
    return supported(value) or SUPPORTED_LOCALES[0]


def visitor_language(chosen: str | None, accept_language: str | None, default: str) -> str:
    """The language a visitor chose (cookie), else the browser's best supported one, else the site default."""
    return supported(chosen) or negotiate(accept_language) or normalize_locale(default)


def _po_path(lang: str) -> Path:
    return LOCALES_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


@lru_cache(maxsize=len(SUPPORTED_LOCALES))
def catalog(lang: str) -> dict[str, str]:
    """All translations of one language as {msgid: text}; untranslated ids map to themselves."""
    lang = normalize_locale(lang)
    mo_path = _po_path(lang).with_suffix(".mo")
    if mo_path.exists():
        with mo_path.open("rb") as fh:
            entries = dict(_gettext.GNUTranslations(fh)._catalog)  # type: ignore[attr-defined]
        messages = {k: v for k, v in entries.items() if isinstance(k, str) and k}
    elif _po_path(lang).exists():
        with _po_path(lang).open("rb") as fh:
            po = read_po(fh, locale=lang)
        messages = {m.id: m.string for m in po if isinstance(m.id, str) and m.id and m.string and not m.fuzzy}
    else:
        messages = {}
    return {msgid: text or msgid for msgid, text in messages.items()}


def gettext(lang: str, message: str) -> str:
    """Translate `message` into `lang`, falling back to the English message id."""
    return catalog(lang).get(message, message)


def translate(lang: str, message: str, **values: object) -> str:
    """Translate then fill `{name}` placeholders."""
    text = gettext(lang, message)
    return text.format(**values) if values else text


def msgid(message: str) -> str:
    """Mark a string for extraction without translating it now."""
    return message
