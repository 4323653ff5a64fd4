"""Dates, money and numbers in the new languages, as babel formats them for each."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from ticketapp.services.shared.dates import format_event_date_long, format_event_datetime
from ticketapp.services.shared.money import Money, format_money

EVENING = datetime(2030, 6, 14, 18, 30, tzinfo=UTC)  # 20:30 in Paris


def _plain(text: str) -> str:
    """Spaces as a reader sees them; bidi marks (U+200E/F, U+061C) dropped."""
    return "".join(" " if ch in "\u00a0\u202f" else ch for ch in text if ch not in "\u200e\u200f\u061c")


@pytest.mark.parametrize(
    ("lang", "money", "long_date"),
    [
        ("es", "1.234,50 €", "viernes, 14 de junio de 2030, 20:30"),
        ("de", "1.234,50 €", "Freitag, 14. Juni 2030, 20:30"),
        ("it", "1.234,50 €", "venerdì 14 giugno 2030 20:30"),
        # Arabic: Arabic month and day names, babel's default Latin digits, Arabic comma, 'م' for p.m.
        ("ar", "1,234.50 €", "الجمعة، 14 يونيو 2030، 8:30 م"),
    ],
)
def test_new_languages_format_money_and_dates_their_way(lang: str, money: str, long_date: str) -> None:
    assert _plain(format_money(Money(123450, "EUR"), lang)) == money
    assert _plain(format_event_date_long(EVENING, "Europe/Paris", lang)) == long_date


def test_arabic_money_starts_right_to_left() -> None:
    # babel leads Arabic amounts with a right-to-left mark, so "€" lands on the reader's left.
    assert format_money(Money(4250, "EUR"), "ar").startswith("\u200f")
    assert "2030" in format_event_datetime(EVENING, "Europe/Paris", "ar")
