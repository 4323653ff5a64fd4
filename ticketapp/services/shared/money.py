"""Money as integer minor units plus an ISO 4217 code, formatted by babel."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from babel.numbers import format_currency, get_currency_precision

from ticketapp.i18n.languages import BABEL_LOCALES


def minor_exponent(currency: str) -> int:
    """Digits after the decimal point: 2 for EUR, 0 for JPY."""
    return get_currency_precision(currency.upper())


@dataclass(frozen=True, slots=True)
class Money:
    amount_minor: int
    currency: str

    def __post_init__(self) -> None:
        if not isinstance(self.amount_minor, int):
            raise TypeError("amount_minor must be an int (minor units)")
        if len(self.currency) != 3 or not self.currency.isalpha():
            raise ValueError(f"not an ISO 4217 code: {self.currency!r}")
        object.__setattr__(self, "currency", self.currency.upper())

    @classmethod
    def from_major(cls, amount: Decimal | int | str, currency: str) -> Money:
        """Build from a major-unit amount, e.g. Decimal('12.50') EUR -> 1250."""
        scaled = Decimal(str(amount)).scaleb(minor_exponent(currency))
        if scaled != scaled.to_integral_value():
            raise ValueError(f"{amount} has more decimals than {currency} allows")
        return cls(int(scaled), currency)

    @property
    def major(self) -> Decimal:
        return Decimal(self.amount_minor).scaleb(-minor_exponent(self.currency))

    def __add__(self, other: Money) -> Money:
        if other.currency != self.currency:
            raise ValueError("cannot add amounts in different currencies")
        return Money(self.amount_minor + other.amount_minor, self.currency)

    def __mul__(self, times: int) -> Money:
        return Money(self.amount_minor * times, self.currency)

    def format(self, locale: str) -> str:
        return format_money(self, locale)


def format_money(money: Money, locale: str) -> str:
    """'€12.50' in English, '12,50 €' in French, '¥1,500' for JPY."""
    babel_locale = BABEL_LOCALES.get(locale, locale)
    return format_currency(money.major, money.currency, locale=babel_locale)
