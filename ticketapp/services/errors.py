"""One base for every refusal a service gives: an English msgid plus the values of its placeholders.

A state or route shows `error.translated(lang)`; logs and tests read `str(error)` (the English text).
Domain errors subclass `DomainError`, so a caller can catch one family or all of them.
"""

from __future__ import annotations

from ticketapp.i18n import translate


class DomainError(Exception):
    """A refused request: nothing was changed. `message` is an English msgid; `values` fill its placeholders."""

    def __init__(self, message: str, **values: object) -> None:
        super().__init__(message.format(**values) if values else message)
        self.message = message
        self.values = values

    def translated(self, lang: str) -> str:
        return translate(lang, self.message, **self.values)
