"""Approximate prices: conversion through the euro, rounding, the rates' date when stale, the note; rate files."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from ticketapp.services.currency.display import DisplayCurrency
from ticketapp.services.currency.rates import SNAPSHOT, RatesError, RateTable, parse_rates_file
from ticketapp.services.shared.money import Money

TODAY = date(2026, 12, 2)
TABLE = RateTable(
    {"USD": Decimal("1.16"), "GBP": Decimal("0.87"), "JPY": Decimal("176")},
    {"USD": date(2026, 12, 1), "GBP": date(2026, 12, 1), "JPY": date(2026, 10, 1)},
)


def shown_in(target: str, lang: str = "en", today: date = TODAY) -> DisplayCurrency:
    return DisplayCurrency(target, TABLE, today, 14, lang)


def test_euro_price_in_dollars_is_rounded_to_whole_units_and_marked_approximate() -> None:
    assert shown_in("USD").approx(Money(5000, "EUR")) == "≈ $58"
    assert shown_in("USD", "fr").approx(Money(5000, "EUR")) == "≈ 58\u00a0$US"


def test_small_amounts_keep_their_cents() -> None:
    assert shown_in("USD").approx(Money(250, "EUR")) == "≈ $2.90"


def test_conversion_between_two_other_currencies_goes_through_the_euro() -> None:
    # £50 → €57.47 → $66.67
    assert shown_in("USD").approx(Money(5000, "GBP")) == "≈ $67"


def test_nothing_is_shown_for_the_events_own_currency_no_choice_or_an_unknown_rate() -> None:
    assert shown_in("EUR").approx(Money(5000, "EUR")) == ""
    assert shown_in("").approx(Money(5000, "EUR")) == ""
    assert shown_in("CHF").approx(Money(5000, "EUR")) == ""
    assert shown_in("USD").approx(Money(5000, "CHF")) == ""


def test_a_rate_older_than_the_limit_is_shown_with_its_date() -> None:
    assert shown_in("JPY").approx(Money(5000, "EUR")) == "≈ ¥8,800 (rates of Oct 1, 2026)"
    assert shown_in("JPY", "fr").approx(Money(5000, "EUR")).endswith("(taux du 1 oct. 2026)")
    # Fresh rates say nothing about their date.
    assert "rates of" not in shown_in("USD").approx(Money(5000, "EUR"))


def test_the_note_names_the_display_currency_the_rates_date_and_the_currency_charged() -> None:
    assert shown_in("USD").note(["EUR"]) == "Amounts in USD are approximate (rates of Dec 1, 2026); you pay in EUR."
    assert shown_in("USD", "fr").note(["EUR"]) == (
        "Les montants en USD sont approximatifs (taux du 1 déc. 2026) ; vous payez en EUR."
    )
    assert shown_in("EUR").note(["EUR"]) == ""
    assert shown_in("").note(["EUR"]) == ""


def test_the_bundled_snapshot_parses_and_is_dated() -> None:
    lines = parse_rates_file(SNAPSHOT.read_text(encoding="utf-8"))
    assert {line.currency for line in lines} >= {"USD", "GBP", "JPY", "CHF"}
    assert all(line.per_eur > 0 and line.as_of.year >= 2026 for line in lines)


@pytest.mark.parametrize(
    ("text", "english", "french"),
    [
        ("currency,per_eur,as_of\nUSX,1.1,2026-12-01\n", "Line 2: “USX” is not a currency code", "Ligne 2 : « USX »"),
        ("currency,per_eur,as_of\nUSD,-3,2026-12-01\n", "Line 2: “-3” is not a rate", "Ligne 2 : « -3 » n’est pas"),
        ("currency,per_eur,as_of\nUSD,1.1,yesterday\n", "Line 2: “yesterday” is not a date", "« yesterday »"),
        ("currency,per_eur,as_of\nEUR,1,2026-12-01\n", "Line 2: Rates are per euro", "Ligne 2 : Les taux"),
        ("code,rate\nUSD,1.1\n", "needs the columns currency, per_eur and as_of", "doit avoir les colonnes"),
        ("currency,per_eur,as_of\n", "has no rates", "ne contient aucun taux"),
        ("x" * 70_000, "too large", "trop volumineux"),
    ],
)
def test_a_bad_rate_file_is_refused_with_a_translated_reason(text: str, english: str, french: str) -> None:
    with pytest.raises(RatesError) as refused:
        parse_rates_file(text)
    assert english in refused.value.translated("en")
    assert french in refused.value.translated("fr")
