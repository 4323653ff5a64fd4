from decimal import Decimal

import pytest

from ticketapp.services.shared.money import Money, format_money, minor_exponent


def _nbsp_to_space(text: str) -> str:
    return text.replace("\u202f", " ").replace("\xa0", " ")


def test_eur_is_formatted_per_locale() -> None:
    price = Money(123456, "EUR")
    assert format_money(price, "en") == "€1,234.56"
    assert _nbsp_to_space(format_money(price, "fr")) == "1 234,56 €"


def test_jpy_has_no_minor_units() -> None:
    assert minor_exponent("JPY") == 0
    assert format_money(Money(1500, "JPY"), "en") == "¥1,500"
    assert _nbsp_to_space(format_money(Money(1500, "JPY"), "fr")) == "1 500 JPY"
    assert Money.from_major("1500", "JPY").amount_minor == 1500


def test_from_major_scales_by_currency_precision() -> None:
    assert Money.from_major(Decimal("12.50"), "eur") == Money(1250, "EUR")
    assert Money(1250, "GBP").major == Decimal("12.50")
    with pytest.raises(ValueError, match="decimals"):
        Money.from_major("12.5", "JPY")
    with pytest.raises(ValueError, match="decimals"):
        Money.from_major("0.001", "USD")


def test_arithmetic_refuses_mixed_currencies() -> None:
    assert Money(500, "USD") + Money(250, "USD") == Money(750, "USD")
    assert Money(500, "USD") * 3 == Money(1500, "USD")
    with pytest.raises(ValueError, match="different currencies"):
        Money(500, "USD") + Money(500, "EUR")


@pytest.mark.parametrize("bad", [12.5, "12"])
def test_amount_must_be_integer_minor_units(bad: object) -> None:
    with pytest.raises(TypeError):
        Money(bad, "EUR")  # type: ignore[arg-type]


@pytest.mark.parametrize("code", ["EU", "EURO", "€€€", "12A"])
def test_currency_must_be_iso_code(code: str) -> None:
    with pytest.raises(ValueError, match="ISO 4217"):
        Money(100, code)
