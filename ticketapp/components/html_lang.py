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
        lang, direction = LocaleState.lang, LocaleState.text_direction
        return [
            Var(
                "useEffect(() => { const root = document.documentElement; "
                f"root.lang = {lang!s}; root.dir = {direction!s}; }}, [{lang!s}, {direction!s}]);",
                _var_data=VarData.merge(lang._get_all_var_data(), direction._get_all_var_data()),
            )
        ]


html_lang = HtmlLang.create
