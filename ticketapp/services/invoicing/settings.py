"""The organiser's invoicing details (legal name, address, VAT id, footer, number prefix): one row, edited by admins."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlmodel import Session

from ticketapp.i18n import msgid
from ticketapp.models import InvoiceSettings, utcnow
from ticketapp.services.accounts.audit import audit
from ticketapp.services.invoicing.tax import TaxError, check_vat_id

SETTINGS_ID = 1
PREFIX_PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9-]{0,11}$")


@dataclass(frozen=True, slots=True)
class SettingsForm:
    legal_name: str
    address: str
    vat_id: str
    footer: str
    prefix: str


def current(session: Session) -> InvoiceSettings:
    """The saved settings, or the defaults (prefix INV-) before an admin saved any."""
    return session.get(InvoiceSettings, SETTINGS_ID) or InvoiceSettings(id=SETTINGS_ID)


def check(form: SettingsForm) -> SettingsForm:
    """The cleaned form, or TaxError with what to fix (nothing is saved then)."""
    legal_name, address = form.legal_name.strip(), form.address.strip()
    if not legal_name or len(legal_name) > 200:
        raise TaxError(msgid("Please enter the organiser's legal name (at most 200 characters)."))
    if not address or len(address) > 500:
        raise TaxError(msgid("Please enter the organiser's address (at most 500 characters)."))
    prefix = form.prefix.strip().upper()
    if not PREFIX_PATTERN.fullmatch(prefix):
        raise TaxError(msgid("The number prefix is 1 to 12 letters, digits or dashes, e.g. INV-2026-."))
    footer = form.footer.strip()
    if len(footer) > 500:
        raise TaxError(msgid("The invoice footer is at most 500 characters."))
    vat_id = check_vat_id(form.vat_id) if form.vat_id.strip() else ""
    return SettingsForm(legal_name, address, vat_id, footer, prefix)


def save(session: Session, form: SettingsForm, *, actor_id: int) -> InvoiceSettings:
    """Check and store the settings, audited (commits). Invoices already issued keep what they printed."""
    cleaned = check(form)
    row = session.get(InvoiceSettings, SETTINGS_ID) or InvoiceSettings(id=SETTINGS_ID)
    row.legal_name, row.address, row.vat_id = cleaned.legal_name, cleaned.address, cleaned.vat_id
    row.footer, row.prefix, row.updated_at = cleaned.footer, cleaned.prefix, utcnow()
    session.add(row)
    audit(session, actor_id, "invoicing.settings", "invoice_settings", SETTINGS_ID, prefix=cleaned.prefix)
    session.commit()
    session.refresh(row)
    return row


__all__ = ["SettingsForm", "TaxError", "check", "current", "save"]
