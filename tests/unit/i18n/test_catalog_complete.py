"""Every catalogue has every message of the template, translated (none empty, none fuzzy), placeholders intact."""

from __future__ import annotations

from string import Formatter

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from ticketapp.i18n import LOCALES_DIR
from ticketapp.i18n.languages import SUPPORTED_LOCALES

POT = LOCALES_DIR.parent / "messages.pot"
SOURCE_LANGUAGE = "en"  # the msgids are English: its catalogue may leave msgstr empty (gettext shows the msgid)


def _read(path_lang: str | None) -> Catalog:
    path = POT if path_lang is None else LOCALES_DIR / path_lang / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as fh:
        return read_po(fh, locale=path_lang)


def _placeholders(text: str) -> list[str]:
    """The `{name}` fields str.format fills, sorted; a stray brace shows as a field of its own."""
    try:
        return sorted(field for _, field, _, _ in Formatter().parse(text) if field is not None)
    except ValueError:
        return ["<unbalanced braces>"]


TEMPLATE_IDS = sorted(str(m.id) for m in _read(None) if m.id)


def test_the_shop_speaks_six_languages() -> None:
    assert set(SUPPORTED_LOCALES) == {"en", "fr", "es", "de", "it", "ar"}


@pytest.mark.parametrize("lang", SUPPORTED_LOCALES)
def test_catalogue_is_complete(lang: str) -> None:
    path = LOCALES_DIR / lang / "LC_MESSAGES" / "messages.po"
    catalogue = _read(lang)
    entries = {str(m.id): m for m in catalogue if m.id}
    assert [msgid for msgid in TEMPLATE_IDS if msgid not in entries] == []
    assert [msgid for msgid, m in entries.items() if m.fuzzy] == []
    if lang != SOURCE_LANGUAGE:
        assert [msgid for msgid, m in entries.items() if not str(m.string or "").strip()] == []
    mismatched = [
        (msgid, m.string)
        for msgid, m in entries.items()
        if m.string and _placeholders(str(m.string)) != _placeholders(msgid)
    ]
    assert mismatched == []
    # Without this header line gettext decodes the compiled catalogue as ASCII.
    assert "charset=utf-8" in path.read_text(encoding="utf-8")
