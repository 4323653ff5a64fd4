"""What a valid answer is, per kind: normalised when right, refused with the question's name when not."""

from __future__ import annotations

import pytest

from ticketapp.models import Question, QuestionKind
from ticketapp.services.questions.validation import (
    LONG_TEXT_MAX,
    TEXT_MAX,
    QuestionError,
    check_value,
    countries,
    display_value,
)


def _question(kind: QuestionKind, *, required: bool = False, options: list[str] | None = None) -> Question:
    return Question(id=1, event_id=1, label="Diet", kind=kind.value, required=required, options=options)


@pytest.mark.parametrize(
    ("kind", "raw", "stored"),
    [
        (QuestionKind.TEXT, "  vegan ", "vegan"),
        (QuestionKind.LONG_TEXT, "line 1\nline 2", "line 1\nline 2"),
        (QuestionKind.NUMBER, "42", "42"),
        (QuestionKind.NUMBER, "-3,5", "-3.5"),
        (QuestionKind.DATE, "2027-06-01", "2027-06-01"),
        (QuestionKind.YES_NO, "no", "no"),
        (QuestionKind.COUNTRY, "fr", "FR"),
        (QuestionKind.PHONE, "+33 1 23 45 67 89", "+33 1 23 45 67 89"),
    ],
)
def test_a_right_answer_is_kept_normalised(kind: QuestionKind, raw: str, stored: str) -> None:
    assert check_value(_question(kind), raw) == stored


@pytest.mark.parametrize(
    ("kind", "raw", "reason"),
    [
        (QuestionKind.NUMBER, "twelve", "Diet: please enter a number."),
        (QuestionKind.NUMBER, "1e9", "Diet: please enter a number."),
        (QuestionKind.DATE, "01/06/2027", "Diet: please enter a date as YYYY-MM-DD."),
        (QuestionKind.DATE, "2027-02-30", "Diet: please enter a date as YYYY-MM-DD."),
        (QuestionKind.YES_NO, "maybe", "Diet: please answer yes or no."),
        (QuestionKind.COUNTRY, "Atlantis", "Diet: please choose a country."),
        (QuestionKind.COUNTRY, "EU", "Diet: please choose a country."),
        (QuestionKind.PHONE, "call me", "Diet: please enter a phone number (digits, spaces, + and dashes)."),
        (QuestionKind.PHONE, "+1 2", "Diet: please enter a phone number (digits, spaces, + and dashes)."),
        (QuestionKind.TEXT, "x" * (TEXT_MAX + 1), f"Diet: at most {TEXT_MAX} characters, please."),
        (QuestionKind.LONG_TEXT, "x" * (LONG_TEXT_MAX + 1), f"Diet: at most {LONG_TEXT_MAX} characters, please."),
        (QuestionKind.NUMBER, "1" * 1_000_000, "Diet: at most 20 characters, please."),
    ],
)
def test_a_wrong_answer_is_refused_naming_the_question(kind: QuestionKind, raw: str, reason: str) -> None:
    with pytest.raises(QuestionError) as refused:
        check_value(_question(kind), raw, field="q1")
    assert (str(refused.value), refused.value.field) == (reason, "q1")


def test_choices_are_only_the_organisers_options() -> None:
    single = _question(QuestionKind.CHOICE, options=["S", "M", "L"])
    assert check_value(single, "M") == "M"
    with pytest.raises(QuestionError, match="please choose one of the options"):
        check_value(single, "XXL")
    several = _question(QuestionKind.MULTIPLE_CHOICE, options=["Vegan", "Gluten-free", "Halal"])
    assert check_value(several, "Halal\nVegan\nVegan") == "Vegan\nHalal"  # the options' order, once each
    with pytest.raises(QuestionError, match="please choose among the options"):
        check_value(several, "Vegan\nAnything")


def test_required_means_answered_and_optional_may_stay_empty() -> None:
    assert check_value(_question(QuestionKind.NUMBER), "   ") == ""
    for kind in QuestionKind:
        with pytest.raises(QuestionError, match="Diet: please answer this question"):
            check_value(_question(kind, required=True, options=["A", "B"]), " ")
    with pytest.raises(QuestionError, match="please answer this question"):
        check_value(_question(QuestionKind.MULTIPLE_CHOICE, required=True, options=["A", "B"]), "\n \n")


def test_answers_read_in_the_readers_language() -> None:
    assert display_value(_question(QuestionKind.COUNTRY), "DE", "fr") == "Allemagne"
    assert display_value(_question(QuestionKind.YES_NO), "yes", "fr") == "Oui"
    assert display_value(_question(QuestionKind.MULTIPLE_CHOICE), "A\nB", "en") == "A, B"
    assert ("FR", "France") in countries("en") and len(countries("en")) > 240
    assert QuestionError("x").translated("fr") == "x"
