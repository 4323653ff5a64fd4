"""Invoices and tax (services/invoicing): organiser details, the buyer's company, numbered invoices and credit notes."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, String, UniqueConstraint, false
from sqlmodel import Field, SQLModel

from ticketapp.models.types import UTCDateTime, utcnow


class InvoiceKind(StrEnum):
    INVOICE = "invoice"
    CREDIT_NOTE = "credit_note"  # negative amounts, its own number in the same sequence


class InvoiceSettings(SQLModel, table=True):
    """The organiser's invoicing details: one row (id 1), edited on the admin page "Invoicing"."""

    __tablename__ = "invoice_settings"

    id: int | None = Field(default=None, primary_key=True)
    legal_name: str = Field(default="", max_length=200)
    address: str = Field(default="", max_length=500)
    vat_id: str = Field(default="", max_length=20)
    footer: str = Field(default="", max_length=500)
    prefix: str = Field(default="INV-", max_length=12)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class InvoiceSequence(SQLModel, table=True):
    """The last number given under a prefix. Its row is locked while a number is taken, so numbers never skip
    or repeat: the number and the invoice are written in the transaction that records the payment."""

    __tablename__ = "invoice_sequence"

    prefix: str = Field(primary_key=True, max_length=12)
    last_number: int = Field(default=0, ge=0)


class InvoiceBuyer(SQLModel, table=True):
    """The company an order is invoiced to ("I need an invoice for a company"), given at checkout."""

    __tablename__ = "invoice_buyer"

    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="ticket_order.id", unique=True, index=True)
    company_name: str = Field(default="", max_length=200)
    address: str = Field(default="", max_length=500)
    vat_id: str = Field(default="", max_length=20)  # normalised: upper case, no spaces or dots
    # The order was priced without VAT: an EU business in another member state than the organiser.
    reverse_charge: bool = Field(default=False, sa_column_kwargs={"server_default": false()})


class Invoice(SQLModel, table=True):
    """A numbered invoice or credit note. Never deleted or renumbered; its lines are frozen at issue."""

    __tablename__ = "invoice"
    __table_args__ = (UniqueConstraint("prefix", "number", name="uq_invoice_prefix_number"),)

    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="ticket_order.id", index=True)
    kind: str = Field(default=InvoiceKind.INVOICE, max_length=16)
    prefix: str = Field(max_length=12)
    number: int = Field(ge=1)
    code: str = Field(sa_column=Column(String(32), unique=True, index=True, nullable=False))  # "INV-000042"
    # A credit note names the invoice it corrects; an invoice names the one it replaced (regenerated).
    corrects_id: int | None = Field(default=None, foreign_key="invoice.id")
    currency: str = Field(max_length=3)
    net_minor: int  # negative on credit notes
    tax_minor: int
    gross_minor: int
    # What was printed, frozen: later edits of the settings or the buyer's address never change it.
    seller: str = Field(default="", max_length=1300)  # legal name, address, VAT id, one per line
    buyer: str = Field(default="", max_length=1100)
    footer: str = Field(default="", max_length=500)
    reverse_charge: bool = Field(default=False)
    locale: str = Field(default="en", max_length=8)
    issued_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)


class InvoiceLine(SQLModel, table=True):
    """One line of an invoice: a ticket type × quantity, with its tax rounded once for the line."""

    __tablename__ = "invoice_line"

    id: int | None = Field(default=None, primary_key=True)
    invoice_id: int = Field(foreign_key="invoice.id", index=True)
    description: str = Field(max_length=300)
    quantity: int  # negative on credit notes
    rate_bp: int = Field(ge=0)  # tax rate in basis points: 2000 = 20 %, 550 = 5.5 %
    net_minor: int
    tax_minor: int
    gross_minor: int
