"""`<html lang>` follows the visitor's language in the browser itself (no server event on page load)."""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex.vars import Var, VarData

from ticketapp.state.locale import LocaleState


class HtmlLang(rx.Fragment):
    """Renders nothing; keeps `document.documentElement.lang` equal to `LocaleState.lang` (screen readers read it)."""

    def add_imports(self) -> dict[str, list[rx.ImportVar]]:
        return {"react": [rx.ImportVar(tag="useEffect")]}

    def add_hooks(self) -> list[str | Var[Any]]:
        lang = LocaleState.lang
        return [
            Var(
                f"useEffect(() => {{ document.documentElement.lang = {lang!s}; }}, [{lang!s}]);",
                _var_data=VarData.merge(lang._get_all_var_data()),
            )
        ]


html_lang = HtmlLang.create
