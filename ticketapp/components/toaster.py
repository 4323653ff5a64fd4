"""The toast region (sonner's Toaster) named in the visitor's language.

Reflex mounts the toaster in its app wrapper, outside the state provider, so its name cannot bind to
`LocaleState`. It follows `<html lang>` instead (set from the first byte, then kept by components/html_lang.py):
a small hook reads it after hydration and whenever it changes, and picks the name from the catalogues'
translations of "Notifications" (sonner adds the shortcut: "Notifications alt+T").
"""

from __future__ import annotations

import json
from typing import Any

from reflex.vars import Var
from reflex_base.components.component import field
from reflex_base.utils.imports import ImportVar
from reflex_components_sonner.toast import Toaster

from ticketapp.i18n import gettext, msgid
from ticketapp.i18n.languages import SUPPORTED_LOCALES

REGION_NAME = msgid("Notifications")


def region_names() -> dict[str, str]:
    """The region's name in every language."""
    return {lang: gettext(lang, REGION_NAME) for lang in SUPPORTED_LOCALES}


class LocalizedToaster(Toaster):
    container_aria_label: Var[str] = field(doc="the region's accessible name (sonner's containerAriaLabel)")

    def add_imports(self) -> dict[str, Any]:
        return {"react": [ImportVar(tag="useEffect"), ImportVar(tag="useState")]}

    def add_hooks(self) -> list[Var[Any] | str]:
        return [
            *super().add_hooks(),
            "const [toasterLang, setToasterLang] = useState('');",
            "useEffect(() => { const root = document.documentElement; const follow = () => setToasterLang(root.lang);"
            " follow(); const watch = new MutationObserver(follow);"
            " watch.observe(root, {attributes: true, attributeFilter: ['lang']});"
            " return () => watch.disconnect(); }, []);",
        ]


def localized_toaster() -> LocalizedToaster:
    names = region_names()
    label = Var(_js_expr=f"({json.dumps(names)}[toasterLang] ?? {json.dumps(names['en'])})").to(str)
    return LocalizedToaster.create(container_aria_label=label)
