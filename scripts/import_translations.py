"""Write a language's catalogue from the template plus a translator's JSON file, then compile it.

    python scripts/import_translations.py /work/wt/translations es de it ar

The JSON is {msgid: msgstr}. Every msgid of ticketapp/i18n/messages.pot gets an entry; one the JSON
lacks keeps the catalogue's current translation (or stays empty, which the completeness test reports).
Entries are never fuzzy; Plural-Forms comes from the language registry.
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))

from ticketapp.i18n import LOCALES_DIR  # noqa: E402  (after the path fix, for `python scripts/...`)
from ticketapp.i18n.languages import BY_CODE  # noqa: E402

POT = PROJECT_DIR / "ticketapp" / "i18n" / "messages.pot"


def _existing(po_path: Path, lang: str) -> dict[str, str]:
    if not po_path.exists():
        return {}
    with po_path.open("rb") as fh:
        return {m.id: str(m.string) for m in read_po(fh, locale=lang) if isinstance(m.id, str) and m.id and m.string}


def build_catalogue(lang: str, translations: dict[str, str]) -> Path:
    """Write and compile ticketapp/i18n/locales/<lang>/LC_MESSAGES/messages.po; returns the .po path."""
    language = BY_CODE[lang]
    po_path = LOCALES_DIR / lang / "LC_MESSAGES" / "messages.po"
    kept = _existing(po_path, lang)
    with POT.open("rb") as fh:
        template = read_po(fh)
    catalogue = Catalog(locale=lang, project="Ticketapp", creation_date=template.creation_date, fuzzy=False)
    catalogue.revision_date = datetime.now(UTC)
    catalogue.language_team = language.native_name
    # babel derives Plural-Forms from CLDR (its Arabic order is off); ours is the one gettext documents.
    count, expression = (part.split("=", 1)[1].strip() for part in language.plural_forms.rstrip(";").split(";"))
    catalogue._num_plurals = int(count)  # type: ignore[assignment]  # babel has no public setter
    catalogue._plural_expr = expression  # type: ignore[assignment]
    for message in template:
        if isinstance(message.id, str) and message.id:
            catalogue.add(message.id, translations.get(message.id) or kept.get(message.id, ""))
    if kept == {str(m.id): m.string for m in catalogue if m.id} and po_path.with_suffix(".mo").exists():
        return po_path  # nothing changed: no new revision date, no diff
    po_path.parent.mkdir(parents=True, exist_ok=True)
    with po_path.open("wb") as fh:
        write_po(fh, catalogue, sort_output=True, no_location=True)
    with po_path.open("rb") as fh, po_path.with_suffix(".mo").open("wb") as out:
        write_mo(out, read_po(fh, locale=lang))
    return po_path


def main(argv: list[str]) -> None:
    folder, *langs = argv
    for lang in langs:
        translations = json.loads((Path(folder) / f"{lang}.json").read_text(encoding="utf-8"))
        print(build_catalogue(lang, translations))


if __name__ == "__main__":
    main(sys.argv[1:])
