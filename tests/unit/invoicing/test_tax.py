"""Tax maths in minor units (included vs added, one rounding per line) and VAT id formats."""

from __future__ import annotations

import pytest

from ticketapp.services.invoicing import tax
from ticketapp.services.invoicing.tax import TaxError, TaxRule


def test_included_tax_is_taken_out_of_the_gross() -> None:
    # €12.00 incl. 20 %: €10.00 net + €2.00 VAT.
    assert tax.line_tax(1200, 2000) == tax.LineTax(1000, 200, 1200)
    assert tax.charged_unit(1200, TaxRule(2000, included=True)) == 1200


def test_added_tax_goes_on_top_rounded_per_ticket() -> None:
    # €10.00 + 20 % = €12.00; €0.99 + 5.5 % = 0.05445 → €1.04 (half up).
    assert tax.charged_unit(1000, TaxRule(2000, included=False)) == 1200
    assert tax.charged_unit(99, TaxRule(550, included=False)) == 104


def test_reverse_charge_drops_the_tax() -> None:
    assert tax.charged_unit(1200, TaxRule(2000, included=True), reverse_charge=True) == 1000
    assert tax.charged_unit(1000, TaxRule(2000, included=False), reverse_charge=True) == 1000


def test_tax_is_rounded_once_per_line_not_per_ticket() -> None:
    # Three tickets of €0.10 incl. 20 %: per ticket 0.0167 → 0.02 each (0.06); per line 0.05.
    assert tax.included_tax(10, 2000) * 3 == 6
    line = tax.line_tax(30, 2000)
    assert (line.net_minor, line.tax_minor, line.gross_minor) == (25, 5, 30)


def test_negative_lines_round_like_positive_ones() -> None:
    assert tax.line_tax(-30, 2000) == tax.LineTax(-25, -5, -30)


def test_zero_rate_has_no_tax_and_no_label() -> None:
    assert tax.line_tax(1234, 0) == tax.LineTax(1234, 0, 1234)
    assert tax.tax_label(TaxRule(0, included=True), "en") == ""


def test_labels() -> None:
    assert tax.tax_label(TaxRule(2000, included=True), "en") == "incl. 20 % VAT"
    assert tax.tax_label(TaxRule(550, included=False), "en") == "+ 5.5 % VAT"


@pytest.mark.parametrize(
    ("text", "bp"), [("20", 2000), ("5,5", 550), ("5.5 %", 550), ("", 0), ("0", 0), ("100", 10000)]
)
def test_parse_rate(text: str, bp: int) -> None:
    assert tax.parse_rate(text) == bp


@pytest.mark.parametrize("text", ["abc", "-1", "101", "5.555", "nan", "inf"])
def test_parse_rate_refuses(text: str) -> None:
    with pytest.raises(TaxError):
        tax.parse_rate(text)


@pytest.mark.parametrize(
    ("text", "normal"),
    [
        ("FR 12 345 678 901", "FR12345678901"),
        ("de123456789", "DE123456789"),
        ("NL123456789B01", "NL123456789B01"),
        ("ATU12345678", "ATU12345678"),
        ("EL123456789", "EL123456789"),
        ("GB123456789", "GB123456789"),  # outside the EU: printed, never reverse-charged
        ("CHE-123.456.789", "CHE123456789"),
    ],
)
def test_vat_ids_of_the_right_shape_pass(text: str, normal: str) -> None:
    assert tax.check_vat_id(text) == normal


@pytest.mark.parametrize("text", ["FR123", "DE12345678", "NL123456789A01", "AT12345678", "123456789", "XX", "ABCDEFG"])
def test_malformed_vat_ids_are_refused_with_a_message(text: str) -> None:
    with pytest.raises(TaxError) as refused:
        tax.check_vat_id(text)
    assert "VAT id" in str(refused.value)


def test_reverse_charge_only_for_eu_buyers_of_another_member_state() -> None:
    assert tax.reverse_charge_applies("DE123456789", "FR12345678901")
    assert not tax.reverse_charge_applies("FR98765432109", "FR12345678901")  # same country: French VAT
    assert not tax.reverse_charge_applies("GB123456789", "FR12345678901")  # not in the EU
    assert not tax.reverse_charge_applies("", "FR12345678901")
