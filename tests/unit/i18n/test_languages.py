"""The language registry: one list, each language in its own name, and Accept-Language negotiation."""

from __future__ import annotations

import pytest

from ticketapp.components.layout import LANGUAGES as MENU
from ticketapp.i18n import normalize_locale, visitor_language
from ticketapp.i18n.languages import LANGUAGES, SUPPORTED_LOCALES, direction, negotiate
from ticketapp.settings import get_settings


def test_menus_settings_and_catalogues_read_one_list() -> None:
    assert [code for code, _ in MENU] == list(SUPPORTED_LOCALES) == [language.code for language in LANGUAGES]
    assert get_settings().supported_locales == SUPPORTED_LOCALES
    assert SUPPORTED_LOCALES[:2] == ("en", "fr")


def test_the_menu_names_each_language_in_itself() -> None:
    names = dict(MENU)
    assert names["en"] == "English" and names["fr"] == "Français"
    expected = {"es": "Español", "de": "Deutsch", "it": "Italiano", "ar": "العربية"}
    assert {code: names[code] for code in expected if code in names} == {
        code: name for code, name in expected.items() if code in names
    }


def test_only_arabic_is_right_to_left() -> None:
    assert {code: direction(code) for code in SUPPORTED_LOCALES if direction(code) == "rtl"} == (
        {"ar": "rtl"} if "ar" in SUPPORTED_LOCALES else {}
    )
    assert direction("xx") == "ltr"


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("fr-FR,fr;q=0.9,en;q=0.8", "fr"),
        ("fr-CA", "fr"),
        ("pt-BR,pt;q=0.9,fr;q=0.5,en;q=0.4", "fr"),  # the first supported one, by quality
        ("en;q=0.3,fr;q=0.7", "fr"),  # quality beats the order of the header
        ("fr;q=0.5,en;q=0.5", "fr"),  # equal quality: the header's order
        ("fr;q=0,en", "en"),  # q=0 means "not French"
        ("*", None),
        ("pt-BR", None),
        ("", None),
        (None, None),
        ("fr;q=abc,en;q=0.1", "en"),  # a broken quality counts as "not this one"
        (" FR-ca ; q=1 ", "fr"),
    ],
)
def test_accept_language_honours_quality_and_regions(header: str | None, expected: str | None) -> None:
    assert negotiate(header) == expected


def test_region_variants_of_the_new_languages_pick_them() -> None:
    for tag, code in [
        ("de-AT", "de"),
        ("de-CH,de;q=0.9", "de"),
        ("es-MX,es;q=0.9", "es"),
        ("it-CH", "it"),
        ("ar-EG,ar;q=0.9,en;q=0.5", "ar"),
        ("ar-SA", "ar"),
    ]:
        assert negotiate(tag) == (code if code in SUPPORTED_LOCALES else None)
        assert normalize_locale(tag) == (code if code in SUPPORTED_LOCALES else "en")


def test_a_huge_header_is_read_only_so_far() -> None:
    assert negotiate("xx;q=0.1," * 200 + "fr") is None


def test_a_chosen_language_beats_the_browser_and_the_default() -> None:
    assert visitor_language("fr", "en-US,en;q=0.9", "en") == "fr"
    assert visitor_language("", "fr-BE,fr;q=0.9", "en") == "fr"
    assert visitor_language("", "pt-BR", "fr") == "fr"
    assert visitor_language("klingon", "pt", "xx") == "en"
