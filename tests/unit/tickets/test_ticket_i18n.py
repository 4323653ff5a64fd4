"""Every string of the e-ticket and check-in modules has a French translation."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po

PROJECT = Path(__file__).resolve().parents[3]
MODULES = [
    "ticketapp/services/tickets/pdf.py",
    "ticketapp/state/checkin.py",
    "ticketapp/pages/checkin.py",
]
KEYWORDS = {"t": None, "gettext": (2,), "translate": (2,), "msgid": None}


def extracted(module: str) -> set[str]:
    found = extract_from_file("python", PROJECT / module, keywords=KEYWORDS)
    return {message for _, message, _, _ in found if isinstance(message, str)}


@pytest.mark.parametrize("module", MODULES)
def test_french_catalog_covers_module(module: str) -> None:
    with (PROJECT / "ticketapp/i18n/locales/fr/LC_MESSAGES/messages.po").open("rb") as fh:
        catalog = read_po(fh, locale="fr")
    messages = extracted(module)
    assert messages, f"no translatable strings found in {module}"
    for message in messages:
        entry = catalog.get(message)
        assert entry is not None and entry.string and not entry.fuzzy, f"untranslated: {message!r}"
        assert "'" not in entry.string, f"use the typographic apostrophe in {entry.string!r}"
