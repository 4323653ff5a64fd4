import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from ticketapp.i18n import LOCALES_DIR, catalog, gettext, normalize_locale, translate

PROJECT_DIR = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize(
    ("tag", "expected"),
    [("fr", "fr"), ("fr-CA", "fr"), ("FR_fr", "fr"), ("en-GB", "en"), ("pt-BR", "en"), ("", "en"), (None, "en")],
)
def test_locale_tags_map_to_supported_languages(tag: str | None, expected: str) -> None:
    assert normalize_locale(tag) == expected


def test_gettext_translates_to_french_and_falls_back_to_english() -> None:
    assert gettext("fr", "Upcoming events") == "Événements à venir"
    assert gettext("en", "Upcoming events") == "Upcoming events"
    assert gettext("fr", "A string nobody translated") == "A string nobody translated"


def test_translate_fills_placeholders_after_translating() -> None:
    assert translate("fr", "From {price}", price="12,00 €") == "À partir de 12,00 €"
    assert translate("en", "From {price}", price="€12.00") == "From €12.00"


def _extract_template(tmp_path: Path) -> set[str]:
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [
            sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg",
            "-k", "t", "-k", "gettext:2", "-k", "translate:2", "-k", "msgid",
            "-o", str(pot), "ticketapp",
        ],
        cwd=PROJECT_DIR, check=True, capture_output=True,
    )  # fmt: skip
    with pot.open("rb") as fh:
        return {m.id for m in read_po(fh) if m.id}


def test_french_catalog_translates_every_string_in_the_code(tmp_path: Path) -> None:
    in_code = _extract_template(tmp_path)
    assert len(in_code) > 10
    with (LOCALES_DIR / "fr" / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        french = {m.id: m for m in read_po(fh, locale="fr") if m.id}
    missing = sorted(in_code - french.keys())
    assert not missing, f"run `make i18n-extract` and translate: {missing}"
    untranslated = sorted(k for k in in_code if not french[k].string or french[k].fuzzy)
    assert not untranslated, f"French translations missing or fuzzy: {untranslated}"


def test_compiled_catalog_matches_po_file() -> None:
    catalog.cache_clear()
    assert catalog("fr")["Tickets"] == "Billets"


def test_french_translations_keep_the_placeholders() -> None:
    import re

    placeholder = re.compile(r"\{[a-z_]+\}")
    with (LOCALES_DIR / "fr" / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        for message in read_po(fh, locale="fr"):
            if message.id and message.string:
                assert set(placeholder.findall(message.id)) == set(placeholder.findall(message.string)), message.id
