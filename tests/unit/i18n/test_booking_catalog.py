"""Every booking message has a French translation (the catalog is complete)."""

from __future__ import annotations

from babel.messages.pofile import read_po

from ticketapp.i18n import LOCALES_DIR, translate


def test_french_catalog_is_complete_and_not_fuzzy() -> None:
    with (LOCALES_DIR / "fr" / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        catalog = read_po(fh, locale="fr")
    missing = [m.id for m in catalog if m.id and (not m.string or m.fuzzy)]
    assert missing == []


def test_booking_messages_translate_with_values() -> None:
    assert translate("fr", "Only {remaining} tickets left.", remaining=3) == "Plus que 3 billets disponibles."
    assert translate("fr", "Total: {amount}", amount="10,00 €") == "Total : 10,00 €"
