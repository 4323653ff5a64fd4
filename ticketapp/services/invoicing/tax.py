"""Tax maths in integer minor units, VAT id formats, and the "incl. 20 % VAT" labels.

A rate is kept in basis points (2000 = 20 %, 550 = 5.5 %). The tax of an invoice line is rounded once, from the
line's gross (quantity × what one ticket cost), half up; its net is the gross minus that tax, so the lines always
add up to what the buyer paid. A ticket type's price either includes the tax or has it added on top: added tax is
rounded per ticket, so every ticket of a type costs the same and can be refunded on its own.

VAT ids are checked for their format only (country prefix and the national pattern): without internet there is
no check against the EU's VIES register, and the help text at checkout says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from ticketapp.i18n import msgid, translate
from ticketapp.services.errors import DomainError

FULL_BP = 10000
INCLUDED_LABEL = msgid("incl. {rate} % VAT")
ADDED_LABEL = msgid("+ {rate} % VAT")

# EU member states by VAT prefix (Greece uses EL) and the format of the national part (after the prefix).
EU_VAT_FORMATS: dict[str, str] = {
    "AT": r"U\d{8}",
    "BE": r"[01]\d{9}",
    "BG": r"\d{9,10}",
    "CY": r"\d{8}[A-Z]",
    "CZ": r"\d{8,10}",
    "DE": r"\d{9}",
    "DK": r"\d{8}",
    "EE": r"\d{9}",
    "EL": r"\d{9}",
    "ES": r"[A-Z0-9]\d{7}[A-Z0-9]",
    "FI": r"\d{8}",
    "FR": r"[A-HJ-NP-Z0-9]{2}\d{9}",
    "HR": r"\d{11}",
    "HU": r"\d{8}",
    "IE": r"\d{7}[A-W][A-I]?|\d[A-Z+*]\d{5}[A-W]",
    "IT": r"\d{11}",
    "LT": r"\d{9}|\d{12}",
    "LU": r"\d{8}",
    "LV": r"\d{11}",
    "MT": r"\d{8}",
    "NL": r"\d{9}B\d{2}",
    "PL": r"\d{10}",
    "PT": r"\d{9}",
    "RO": r"\d{2,10}",
    "SE": r"\d{12}",
    "SI": r"\d{8}",
    "SK": r"\d{10}",
}
# Outside the EU: accepted for the invoice when they look like a prefix and a number, never reverse-charged.
OTHER_VAT = re.compile(r"^[A-Z]{2}[A-Z0-9]{2,14}$")


class TaxError(DomainError):
    """A refused tax setting or VAT id."""


@dataclass(frozen=True, slots=True)
class TaxRule:
    rate_bp: int  # 0: no tax
    included: bool  # the list price includes the tax (else it is added on top)


NO_TAX = TaxRule(0, included=True)


@dataclass(frozen=True, slots=True)
class LineTax:
    net_minor: int
    tax_minor: int
    gross_minor: int


def _round(value: Decimal) -> int:
    return int(value.to_integral_value(rounding=ROUND_HALF_UP))


def added_tax(net_minor: int, rate_bp: int) -> int:
    """The tax added on top of a net amount, rounded half up."""
    return _round(Decimal(net_minor) * rate_bp / FULL_BP)


def included_tax(gross_minor: int, rate_bp: int) -> int:
    """The tax inside a gross amount, rounded half up (negative amounts round away from zero alike)."""
    return _round(Decimal(gross_minor) * rate_bp / (FULL_BP + rate_bp))


def charged_unit(price_minor: int, rule: TaxRule, *, reverse_charge: bool = False) -> int:
    """What one ticket costs the buyer: the list price with added tax on top; without the tax under reverse charge."""
    if reverse_charge:
        return price_minor - included_tax(price_minor, rule.rate_bp) if rule.included else price_minor
    return price_minor if rule.included else price_minor + added_tax(price_minor, rule.rate_bp)


def line_tax(gross_minor: int, rate_bp: int) -> LineTax:
    """Split one invoice line's gross into net and tax, rounding the tax once for the line."""
    tax = included_tax(gross_minor, rate_bp)
    return LineTax(gross_minor - tax, tax, gross_minor)


def format_rate(rate_bp: int, lang: str) -> str:
    """'20', '5.5' ('5,5' in French)."""
    text = f"{Decimal(rate_bp) / 100:f}".rstrip("0").rstrip(".") if rate_bp % 100 else str(rate_bp // 100)
    return text.replace(".", ",") if lang == "fr" else text


def tax_label(rule: TaxRule, lang: str) -> str:
    """'incl. 20 % VAT' or '+ 20 % VAT'; empty when the ticket type has no tax."""
    if rule.rate_bp <= 0:
        return ""
    return translate(lang, INCLUDED_LABEL if rule.included else ADDED_LABEL, rate=format_rate(rule.rate_bp, lang))


def paid_label(rate_bp: int, reverse_charged: bool, lang: str) -> str:
    """For a price the buyer pays (tax already in it): 'incl. 20 % VAT', 'VAT reverse-charged', or empty."""
    if reverse_charged:
        return translate(lang, "VAT reverse-charged")
    return tax_label(TaxRule(rate_bp, included=True), lang)


def parse_rate(text: str) -> int:
    """An admin's '20' or '5,5' as basis points; TaxError when it is not a rate between 0 and 100 %."""
    cleaned = text.strip().replace(",", ".").removesuffix("%").strip() or "0"
    try:
        value = Decimal(cleaned)
    except ArithmeticError:
        raise TaxError(msgid("The tax rate must be a number between 0 and 100, e.g. 20 or 5.5.")) from None
    bp = value * 100
    if not value.is_finite() or bp != bp.to_integral_value() or not 0 <= bp <= FULL_BP:
        raise TaxError(msgid("The tax rate must be a number between 0 and 100, e.g. 20 or 5.5."))
    return int(bp)


def normalize_vat_id(text: str) -> str:
    """Upper case without spaces, dots and dashes: 'fr 12 345 678 901' → 'FR12345678901'."""
    return re.sub(r"[\s.\-]", "", text).upper()


def check_vat_id(text: str) -> str:
    """The normalised VAT id, or TaxError when its format is not one a country uses (format only, no online check)."""
    vat_id = normalize_vat_id(text)
    national = EU_VAT_FORMATS.get(vat_id[:2])
    if national is not None:
        if re.fullmatch(national, vat_id[2:]):
            return vat_id
        raise TaxError(
            msgid("{vat_id} is not a valid VAT id for {country}: check the number after the country prefix."),
            vat_id=vat_id,
            country=vat_id[:2],
        )
    if OTHER_VAT.fullmatch(vat_id) and not vat_id[2:].isalpha():
        return vat_id
    raise TaxError(
        msgid("Please enter the VAT id with its two-letter country prefix, e.g. FR12345678901 or DE123456789.")
    )


def is_eu(vat_id: str) -> bool:
    return vat_id[:2] in EU_VAT_FORMATS


def reverse_charge_applies(buyer_vat_id: str, seller_vat_id: str) -> bool:
    """An EU business buyer from another member state than the organiser's pays without VAT (format-checked id)."""
    if not buyer_vat_id or not is_eu(buyer_vat_id):
        return False
    seller_country = normalize_vat_id(seller_vat_id)[:2]
    return buyer_vat_id[:2] != seller_country
