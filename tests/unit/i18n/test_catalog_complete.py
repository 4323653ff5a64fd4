"""Every message in the French catalog is translated (none empty, none fuzzy)."""

from __future__ import annotations

from babel.messages.pofile import read_po

from ticketapp.i18n import LOCALES_DIR


def test_french_catalog_is_complete() -> None:
    path = LOCALES_DIR / "fr" / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as fh:
        catalog = read_po(fh, locale="fr")
    untranslated = [m.id for m in catalog if m.id and (not m.string or m.fuzzy)]
    assert untranslated == []
    # Without this header line gettext decodes the compiled catalog as ASCII.
    assert "charset=utf-8" in path.read_text(encoding="utf-8")
