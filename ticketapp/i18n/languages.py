"""The one list of languages the shop speaks, and how a browser's wish picks one of them.

Imports nothing of ours, so settings, services and the web layer can all read it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Language:
    code: str  # the tag in cookies, catalogues and `<html lang>`
    native_name: str  # how the language menu shows it: each language in its own name
    babel_locale: str  # what babel formats dates, money and numbers with
    direction: str = "ltr"
    plural_forms: str = "nplurals=2; plural=(n != 1);"  # the `.po` header gettext reads


LANGUAGES: tuple[Language, ...] = (
    Language("en", "English", "en_US"),
    Language("fr", "Français", "fr_FR", plural_forms="nplurals=2; plural=(n > 1);"),
    Language("es", "Español", "es_ES"),
    Language("de", "Deutsch", "de_DE"),
    Language("it", "Italiano", "it_IT"),
    Language(
        "ar",
        "العربية",
        "ar",
        direction="rtl",
        plural_forms=(
            "nplurals=6; plural=(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : n%100>=11 ? 4 : 5);"
        ),
    ),
)
SUPPORTED_LOCALES: tuple[str, ...] = tuple(language.code for language in LANGUAGES)
BY_CODE: dict[str, Language] = {language.code: language for language in LANGUAGES}
BABEL_LOCALES: dict[str, str] = {language.code: language.babel_locale for language in LANGUAGES}
# Longest header a browser sends that is still worth reading (bounded work per connection).
MAX_ACCEPT_LANGUAGE = 500


def primary_subtag(tag: str | None) -> str:
    """'de-AT' / 'de_AT' / 'DE' -> 'de'."""
    return (tag or "").strip().replace("_", "-").split("-")[0].lower()


def supported(tag: str | None) -> str | None:
    """The supported language a tag names (region variants included), else None."""
    code = primary_subtag(tag)
    return code if code in BY_CODE else None


def direction(code: str) -> str:
    """'rtl' for right-to-left languages, else 'ltr'."""
    language = BY_CODE.get(code)
    return language.direction if language else "ltr"


def _quality(params: list[str]) -> float:
    for param in params:
        name, _, value = param.partition("=")
        if name.strip().lower() == "q":
            try:
                return max(0.0, min(1.0, float(value)))
            except ValueError:
                return 0.0
    return 1.0


def negotiate(accept_language: str | None) -> str | None:
    """The supported language a browser prefers most (RFC 9110 q-values), else None.

    'de-AT,de;q=0.9,en;q=0.8' -> 'de'; q=0 means "not this one"; among equal q the header's order wins.
    """
    ranked: list[tuple[float, int, str]] = []
    for position, item in enumerate((accept_language or "")[:MAX_ACCEPT_LANGUAGE].split(",")):
        tag, *params = item.split(";")
        code = supported(tag)
        quality = _quality(params)
        if code and quality > 0:
            ranked.append((-quality, position, code))
    return min(ranked)[2] if ranked else None
