"""What a valid answer is, per kind of question: read from the buyer's text, normalised, capped.

A refusal is a `QuestionError` whose `field` is the answer's key (the checkout marks that field); every
message names the question, so the buyer knows which one to fix.
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

from babel import Locale

from ticketapp.i18n import gettext, msgid
from ticketapp.models import Question, QuestionKind
from ticketapp.services.errors import DomainError

TEXT_MAX = 200
LONG_TEXT_MAX = 2_000
NUMBER_MAX = 20  # characters of a number as typed
PHONE_MAX = 30
OPTION_MAX = 100
OPTIONS_MAX = 30
NUMBER = re.compile(r"^-?\d{1,15}([.,]\d{1,6})?$")
PHONE = re.compile(r"^\+?[0-9 ().\-/]{5,30}$")
YES, NO = "yes", "no"
CHOICE_KINDS = frozenset({QuestionKind.CHOICE, QuestionKind.MULTIPLE_CHOICE})
CAPS = {
    QuestionKind.TEXT: TEXT_MAX,
    QuestionKind.LONG_TEXT: LONG_TEXT_MAX,
    QuestionKind.NUMBER: NUMBER_MAX,
    QuestionKind.PHONE: PHONE_MAX,
}


class QuestionError(DomainError):
    """A refused answer (or question): nothing was written. `field` is the answer's key, "" for none."""

    def __init__(self, message: str, *, field: str = "", **values: object) -> None:
        super().__init__(message, **values)
        self.field = field


@lru_cache(maxsize=8)
def countries(lang: str = "en") -> list[tuple[str, str]]:
    """(ISO 3166 code, name in `lang`) of every country, sorted by name (babel's CLDR territories)."""
    names = Locale.parse(lang).territories
    codes = {str(code) for code in Locale.parse("en").territories if len(str(code)) == 2 and str(code).isalpha()}
    codes -= {"EU", "EZ", "QO", "UN", "ZZ", "XA", "XB"}  # groups and placeholders, not countries
    return sorted(((code, str(names.get(code, code))) for code in codes), key=lambda pair: pair[1])


def country_name(code: str, lang: str) -> str:
    return dict(countries(lang)).get(code, code)


def check_value(question: Question, raw: str, *, field: str = "") -> str:
    """The normalised answer to `question` ("" when not answered), or QuestionError. Multiple choices
    arrive one per line."""
    label = question.label
    text = raw.strip()
    if not text:
        if question.required:
            raise QuestionError(msgid("{question}: please answer this question."), field=field, question=label)
        return ""
    kind = QuestionKind(question.kind)
    cap = CAPS.get(kind)
    if cap is not None and len(text) > cap:
        raise QuestionError(
            msgid("{question}: at most {max} characters, please."), field=field, question=label, max=cap
        )
    return _CHECKS[kind](question, text, field)


def _as_is(question: Question, text: str, field: str) -> str:
    return text


def _number(question: Question, text: str, field: str) -> str:
    if not NUMBER.match(text):
        raise QuestionError(msgid("{question}: please enter a number."), field=field, question=question.label)
    return text.replace(",", ".")


def _date(question: Question, text: str, field: str) -> str:
    try:
        return date.fromisoformat(text if len(text) == 10 else "x").isoformat()
    except ValueError:
        raise QuestionError(
            msgid("{question}: please enter a date as YYYY-MM-DD."), field=field, question=question.label
        ) from None


def _choice(question: Question, text: str, field: str) -> str:
    if text not in (question.options or []):
        raise QuestionError(
            msgid("{question}: please choose one of the options."), field=field, question=question.label
        )
    return text


def _choices(question: Question, text: str, field: str) -> str:
    chosen = [part.strip() for part in text.split("\n") if part.strip()]
    options = question.options or []
    if len(chosen) > len(options) or not set(chosen) <= set(options):
        raise QuestionError(msgid("{question}: please choose among the options."), field=field, question=question.label)
    if not chosen and question.required:
        raise QuestionError(msgid("{question}: please answer this question."), field=field, question=question.label)
    return "\n".join(option for option in options if option in chosen)  # the organiser's order, no repeats


def _yes_no(question: Question, text: str, field: str) -> str:
    if text not in (YES, NO):
        raise QuestionError(msgid("{question}: please answer yes or no."), field=field, question=question.label)
    return text


def _country(question: Question, text: str, field: str) -> str:
    code = text.upper()
    if code not in dict(countries()):
        raise QuestionError(msgid("{question}: please choose a country."), field=field, question=question.label)
    return code


def _phone(question: Question, text: str, field: str) -> str:
    if not PHONE.match(text) or sum(ch.isdigit() for ch in text) < 5:
        raise QuestionError(
            msgid("{question}: please enter a phone number (digits, spaces, + and dashes)."),
            field=field,
            question=question.label,
        )
    return text


_CHECKS = {
    QuestionKind.TEXT: _as_is,
    QuestionKind.LONG_TEXT: _as_is,
    QuestionKind.NUMBER: _number,
    QuestionKind.DATE: _date,
    QuestionKind.CHOICE: _choice,
    QuestionKind.MULTIPLE_CHOICE: _choices,
    QuestionKind.YES_NO: _yes_no,
    QuestionKind.COUNTRY: _country,
    QuestionKind.PHONE: _phone,
}


def display_value(question: Question, value: str, lang: str) -> str:
    """An answer as people read it: a country's name, "Yes"/"No" translated, choices comma-separated."""
    if question.kind == QuestionKind.COUNTRY:
        return country_name(value, lang)
    if question.kind == QuestionKind.YES_NO:
        return gettext(lang, "Yes") if value == YES else gettext(lang, "No")
    if question.kind == QuestionKind.MULTIPLE_CHOICE:
        return ", ".join(value.split("\n"))
    return value
