"""The company an order is invoiced to: checked at checkout, kept per order, corrected by admins."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from ticketapp.i18n import msgid
from ticketapp.models import InvoiceBuyer, Order, TicketType
from ticketapp.services.invoicing import settings as invoice_settings
from ticketapp.services.invoicing.numbering import buyer_of
from ticketapp.services.invoicing.tax import TaxError, TaxRule, charged_unit, check_vat_id, reverse_charge_applies


@dataclass(frozen=True, slots=True)
class Company:
    name: str
    address: str
    vat_id: str = ""


def check_company(company: Company) -> Company:
    """The cleaned company details, or TaxError saying what to fix (the checkout changes nothing then)."""
    name, address = company.name.strip(), company.address.strip()
    if not name or len(name) > 200:
        raise TaxError(msgid("Please enter the company name (at most 200 characters)."))
    if not address or len(address) > 500:
        raise TaxError(msgid("Please enter the company's billing address (at most 500 characters)."))
    vat_id = check_vat_id(company.vat_id) if company.vat_id.strip() else ""
    return Company(name, address, vat_id)


def rule_of(ticket_type: TicketType) -> TaxRule:
    return TaxRule(ticket_type.tax_rate_bp, ticket_type.tax_included)


def reverse_charge_for(session: Session, company: Company | None) -> bool:
    """Whether this buyer pays without VAT on ticket types that allow it (EU business, other member state)."""
    if company is None or not company.vat_id:
        return False
    return reverse_charge_applies(company.vat_id, invoice_settings.current(session).vat_id)


def unit_price(ticket_type: TicketType, list_price_minor: int, reverse_charge: bool) -> int:
    """What one ticket of this type costs this buyer (list price after any discount, tax rule applied)."""
    return charged_unit(
        list_price_minor, rule_of(ticket_type), reverse_charge=reverse_charge and ticket_type.reverse_charge
    )


def record(session: Session, order: Order, company: Company | None, reverse_charge: bool) -> None:
    """In the checkout's transaction: the order's company, if the buyer asked for a company invoice."""
    if company is not None:
        session.add(
            InvoiceBuyer(
                order_id=order.id or 0,
                company_name=company.name,
                address=company.address,
                vat_id=company.vat_id,
                reverse_charge=reverse_charge,
            )
        )


def correct(session: Session, order: Order, company: Company) -> InvoiceBuyer:
    """An admin's corrected company name or address (the caller holds the order and commits).

    The VAT id and so the reverse charge stay as paid: a different VAT treatment would change the price."""
    cleaned = check_company(Company(company.name, company.address, company.vat_id))
    row = buyer_of(session, order.id or 0) or InvoiceBuyer(order_id=order.id or 0)
    if cleaned.vat_id != row.vat_id and row.reverse_charge:
        raise TaxError(msgid("The VAT id of a reverse-charged order cannot change: refund it and order again."))
    row.company_name, row.address, row.vat_id = cleaned.name, cleaned.address, cleaned.vat_id
    session.add(row)
    return row
