"""Bounds on what a browser may put into a state: known keys only, lengths capped.

Any handler is callable by any client with any arguments, so a key or a text from the
browser is checked here before it is stored. Over-long text is truncated to its kind's
cap (the inputs carry the same `max_length`, so only a crafted client ever reaches it);
an unknown key is ignored and nothing is stored.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

NAME_MAX = 200
EMAIL_MAX = 320
PASSWORD_MAX = 1_024
TEXT_MAX = 5_000  # free text: messages, descriptions, reasons
SHORT_MAX = 100  # codes, ids, numbers, dates, choices of a select
SEARCH_MAX = 200


def clip(value: object, max_length: int) -> str:
    """`value` as text of at most `max_length` characters ("" for anything but text or a number)."""
    if isinstance(value, str):
        return value[:max_length]
    if isinstance(value, bool | int | float):
        return str(value)[:max_length]
    return ""


def known_key(key: object, known: Collection[str]) -> str | None:
    """`key` if it is one of `known` (the page's own ids or field names), else None."""
    return key if isinstance(key, str) and key in known else None


def form_values(form: object, fields: Mapping[str, int]) -> dict[str, str]:
    """A submitted form's known `fields` (name → cap), each clipped; unknown names are dropped."""
    submitted = form if isinstance(form, Mapping) else {}
    return {name: clip(submitted.get(name, ""), cap) for name, cap in fields.items()}
