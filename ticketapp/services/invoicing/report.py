"""The tax report: net, tax and gross per VAT rate and currency over a period of issue dates, and its CSV.

Invoices count positive and credit notes negative, each in the period it was issued, so a refund in March lowers
March's figures even if the sale was in February (as a tax return counts them).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func
from sqlmodel import Session, col, select

from ticketapp.i18n import msgid
from ticketapp.models import Invoice, InvoiceLine
from ticketapp.services.invoicing.tax import TaxError

MAX_DAYS = 3700  # about ten years: one query, a few rows per rate and currency


@dataclass(frozen=True, slots=True)
class ReportRow:
    currency: str
    rate_bp: int
    reverse_charge: bool
    documents: int
    net_minor: int
    tax_minor: int
    gross_minor: int


def parse_period(start: str, end: str) -> tuple[date, date]:
    """'2026-01-01', '2026-03-31' (both included); TaxError when they are not dates in order."""
    try:
        first, last = date.fromisoformat(start.strip()), date.fromisoformat(end.strip())
    except ValueError:
        raise TaxError(msgid("Please enter the period as two dates, e.g. 2026-01-01 and 2026-03-31.")) from None
    if last < first or (last - first).days > MAX_DAYS:
        raise TaxError(msgid("The period must end after it starts, and span at most ten years."))
    return first, last


def tax_report(session: Session, first: date, last: date) -> list[ReportRow]:
    """Sums per currency, rate and reverse charge of the lines issued from `first` to `last` (UTC days)."""
    since = datetime.combine(first, time(), UTC)
    until = datetime.combine(last + timedelta(days=1), time(), UTC)
    rows = session.exec(
        select(  # type: ignore[call-overload]
            Invoice.currency,
            InvoiceLine.rate_bp,
            Invoice.reverse_charge,
            func.count(func.distinct(Invoice.id)),
            func.sum(InvoiceLine.net_minor),
            func.sum(InvoiceLine.tax_minor),
            func.sum(InvoiceLine.gross_minor),
        )
        .join(Invoice, col(Invoice.id) == InvoiceLine.invoice_id)
        .where(col(Invoice.issued_at) >= since, col(Invoice.issued_at) < until)
        .group_by(Invoice.currency, InvoiceLine.rate_bp, Invoice.reverse_charge)
        .order_by(Invoice.currency, col(InvoiceLine.rate_bp).desc(), Invoice.reverse_charge)
    ).all()
    return [
        ReportRow(c, int(r), bool(rc), int(n), int(net), int(tax), int(gross)) for c, r, rc, n, net, tax, gross in rows
    ]


def report_csv(rows: list[ReportRow], first: date, last: date) -> str:
    """The report as CSV, amounts in minor units (integers, never rounded twice) plus the currency."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["period_start", "period_end", "currency", "vat_rate_percent", "reverse_charge", "documents",
                     "net_minor", "tax_minor", "gross_minor"])  # fmt: skip
    for row in rows:
        rate = f"{row.rate_bp / 100:g}"
        writer.writerow([first.isoformat(), last.isoformat(), row.currency, rate, "yes" if row.reverse_charge else "no",
                         row.documents, row.net_minor, row.tax_minor, row.gross_minor])  # fmt: skip
    return out.getvalue()
