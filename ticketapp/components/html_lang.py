"""`<html lang>` and `<html dir>` follow the visitor's language in the browser itself (no server event on page load)."""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex.vars import Var, VarData

from ticketapp.state.locale import LocaleState


class HtmlLang(rx.Fragment):
    """Renders nothing; keeps `<html lang>` equal to `LocaleState.lang` (screen readers read it) and `<html dir>`
    to its direction (Arabic lays the whole page out right to left)."""

    def add_imports(self) -> dict[str, list[rx.ImportVar]]:
        return {"react": [rx.ImportVar(tag="useEffect")]}

    def add_hooks(self) -> list[str | Var[Any]]:
        # Only once the server's state has arrived: before it, the compiled default ("en") would undo the language
        # the server already wrote into the page's first byte (api/page_language.py). Then the page is marked
        # ready: styles.css keeps the prerendered (English) text of a non-English page hidden until then.
        lang, direction, hydrated = LocaleState.lang, LocaleState.text_direction, rx.State.is_hydrated
        return [
            Var(
                f"useEffect(() => {{ if (!{hydrated!s}) return; const root = document.documentElement; "
                f"root.lang = {lang!s}; root.dir = {direction!s}; root.dataset.i18nReady = ''; }}, "
                f"[{lang!s}, {direction!s}, {hydrated!s}]);",
                _var_data=VarData.merge(
                    lang._get_all_var_data(), direction._get_all_var_data(), hydrated._get_all_var_data()
                ),
            )
        ]


html_lang = HtmlLang.create
