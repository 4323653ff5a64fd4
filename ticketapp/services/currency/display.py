"""Approximate prices in the visitor's display currency: "€50.00 ≈ $54", never what is charged."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from babel import Locale
from babel.numbers import format_currency

from ticketapp.i18n import translate
from ticketapp.services.currency.rates import RateTable
from ticketapp.services.shared.dates import format_day
from ticketapp.services.shared.money import BABEL_LOCALES, Money

# Above this many units an approximation drops the cents: "≈ $54", not "≈ $54.27".
WHOLE_UNITS_FROM = Decimal(10)


def _format_rounded(amount: Decimal, currency: str, lang: str) -> str:
    locale = Locale.parse(BABEL_LOCALES.get(lang, lang))
    if amount < WHOLE_UNITS_FROM:
        return format_currency(amount, currency, locale=locale)
    pattern = locale.currency_formats["standard"].pattern.split(";")[0].replace(".00", "")
    whole = amount.quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return format_currency(whole, currency, format=pattern, locale=locale, currency_digits=False)


class DisplayCurrency:
    """One visitor's display currency with the rates of the moment; `approx(money)` is "" when not needed."""

    def __init__(self, target: str, table: RateTable, today: date, max_age_days: int, lang: str) -> None:
        self.target, self.table, self.today, self.max_age_days, self.lang = target, table, today, max_age_days, lang

    def approx(self, money: Money | None) -> str:
        """'≈ $54' for €50 and a visitor who reads dollars; '' for the event's own currency or an unknown rate."""
        if money is None or not self.target or self.target == money.currency:
            return ""
        value = self.table.convert(money.major, money.currency, self.target)
        if value is None:
            return ""
        text = "≈ " + _format_rounded(value, self.target, self.lang)
        as_of = self.table.rates_date(money.currency, self.target)
        if as_of is not None and (self.today - as_of).days > self.max_age_days:
            text = translate(self.lang, "{amount} (rates of {date})", amount=text, date=format_day(as_of, self.lang))
        return text

    def note(self, sources: list[str]) -> str:
        """Under the cart and checkout totals: which currency is approximate, from when, and what is charged."""
        convertible = [s for s in dict.fromkeys(sources) if self.table.convert(Decimal(1), s, self.target)]
        shown = [s for s in convertible if s != self.target]
        if not self.target or not shown:
            return ""
        as_of = self.table.rates_date(*shown, self.target)
        return translate(
            self.lang,
            "Amounts in {display} are approximate (rates of {date}); you pay in {charged}.",
            display=self.target,
            date=format_day(as_of, self.lang) if as_of else "",
            charged=", ".join(shown),
        )
