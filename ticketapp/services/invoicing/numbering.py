"""The only writer of invoices and credit notes, and of their gap-free numbers.

Numbers come from `invoice_sequence`, one row per prefix, incremented by an UPDATE … RETURNING that holds the row's
lock until the commit: concurrent payments queue on it (PostgreSQL row lock; on SQLite the payment's write
transaction already excludes other writers), and a transaction that rolls back gives its number back with it —
so numbers never skip, never repeat, and one is only ever used by a committed invoice.

`issue_for_paid` and `credit_to_match` are called by orders/lifecycle inside the transactions that make an order
paid or refund/cancel it ("one writer per fact": the invoice exists exactly when the payment is recorded).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from ticketapp.models import (
    VOID_STATUSES,
    Event,
    Invoice,
    InvoiceBuyer,
    InvoiceKind,
    InvoiceLine,
    InvoiceSequence,
    InvoiceSettings,
    Order,
    OrderItem,
    TicketType,
    utcnow,
)
from ticketapp.services.invoicing import settings as invoice_settings
from ticketapp.services.invoicing.tax import line_tax
from ticketapp.settings import get_settings

NUMBER_DIGITS = 6


@dataclass(frozen=True, slots=True)
class Line:
    description: str
    quantity: int
    rate_bp: int
    net_minor: int
    tax_minor: int
    gross_minor: int


def allocate(session: Session, prefix: str) -> int:
    """The next number under `prefix`, taken under the sequence row's lock (held until the caller's commit)."""
    bump = (
        update(InvoiceSequence)
        .where(col(InvoiceSequence.prefix) == prefix)
        .values(last_number=col(InvoiceSequence.last_number) + 1)
        .returning(col(InvoiceSequence.last_number))
    )
    number = session.exec(bump).scalar()
    if number is not None:
        return int(number)
    # A new prefix: create its row (a racing creator's row wins) and take the number under its lock.
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    session.exec(dialect.insert(InvoiceSequence).values(prefix=prefix, last_number=0).on_conflict_do_nothing())
    number = session.exec(bump).scalar()
    assert number is not None  # noqa: S101  (the row exists now)
    return int(number)


def _seller_text(row: InvoiceSettings) -> str:
    # Before an admin saved the details: the organiser's configured name (ORGANISER_NAME), never a blank sender.
    name = row.legal_name or get_settings().organiser_name
    return "\n".join(part for part in (name, row.address, row.vat_id) if part)


def buyer_text(order: Order, buyer: InvoiceBuyer | None) -> str:
    """What the invoice prints as its recipient: the company when one was given, else the buyer."""
    if buyer is None or not buyer.company_name:
        return "\n".join((order.buyer_name, order.buyer_email))
    parts = (buyer.company_name, buyer.address, buyer.vat_id, order.buyer_name, order.buyer_email)
    return "\n".join(part for part in parts if part)


def _order_lines(session: Session, order: Order, buyer: InvoiceBuyer | None) -> list[Line]:
    rows = session.exec(
        select(OrderItem, TicketType, Event)
        .join(TicketType, col(TicketType.id) == OrderItem.ticket_type_id)
        .join(Event, col(Event.id) == TicketType.event_id)
        .where(OrderItem.order_id == order.id)
        .order_by(col(OrderItem.id))
    ).all()
    lines = []
    for item, ticket_type, event in rows:
        reverse = bool(buyer and buyer.reverse_charge and ticket_type.reverse_charge)
        rate = 0 if reverse else ticket_type.tax_rate_bp
        split = line_tax(item.unit_price_minor * item.quantity, rate)
        description = f"{event.title} — {ticket_type.name}"[:300]
        lines.append(Line(description, item.quantity, rate, split.net_minor, split.tax_minor, split.gross_minor))
    return lines


def _write(
    session: Session,
    order: Order,
    kind: InvoiceKind,
    lines: list[Line],
    *,
    buyer: str,
    reverse_charge: bool,
    corrects_id: int | None,
    now: datetime,
) -> Invoice:
    row = invoice_settings.current(session)
    number = allocate(session, row.prefix)
    invoice = Invoice(
        order_id=order.id or 0,
        kind=kind,
        prefix=row.prefix,
        number=number,
        code=f"{row.prefix}{number:0{NUMBER_DIGITS}d}",
        corrects_id=corrects_id,
        currency=order.currency,
        net_minor=sum(line.net_minor for line in lines),
        tax_minor=sum(line.tax_minor for line in lines),
        gross_minor=sum(line.gross_minor for line in lines),
        seller=_seller_text(row),
        buyer=buyer,
        footer=row.footer,
        reverse_charge=reverse_charge,
        locale=order.locale,
        issued_at=now,
    )
    session.add(invoice)
    session.flush()
    for line in lines:
        session.add(
            InvoiceLine(
                invoice_id=invoice.id or 0,
                description=line.description,
                quantity=line.quantity,
                rate_bp=line.rate_bp,
                net_minor=line.net_minor,
                tax_minor=line.tax_minor,
                gross_minor=line.gross_minor,
            )
        )
    return invoice


def buyer_of(session: Session, order_id: int) -> InvoiceBuyer | None:
    return session.exec(select(InvoiceBuyer).where(InvoiceBuyer.order_id == order_id)).first()


def current_invoice(session: Session, order_id: int) -> Invoice | None:
    """The order's latest invoice (a regenerated one replaces the earlier)."""
    return session.exec(
        select(Invoice)
        .where(Invoice.order_id == order_id, Invoice.kind == InvoiceKind.INVOICE)
        .order_by(col(Invoice.number).desc(), col(Invoice.id).desc())
    ).first()


def issue_for_paid(session: Session, order: Order, now: datetime | None = None) -> Invoice | None:
    """In the transaction that makes the order paid: its invoice and number (the caller commits).

    None for an order with nothing to invoice (free) or one that has its invoice already."""
    if order.total_minor <= 0 or current_invoice(session, order.id or 0) is not None:
        return None
    buyer = buyer_of(session, order.id or 0)
    lines = _order_lines(session, order, buyer)
    reverse = any(line.rate_bp == 0 for line in lines) and bool(buyer and buyer.reverse_charge)
    return _write(
        session,
        order,
        InvoiceKind.INVOICE,
        lines,
        buyer=buyer_text(order, buyer),
        reverse_charge=reverse,
        corrects_id=None,
        now=now or utcnow(),
    )


def open_lines(session: Session, invoice: Invoice) -> list[Line]:
    """The invoice's lines less what its credit notes took back, per description and rate."""
    credits = select(Invoice.id).where(Invoice.corrects_id == invoice.id, Invoice.kind == InvoiceKind.CREDIT_NOTE)
    ids = [invoice.id or 0, *session.exec(credits)]
    totals: dict[tuple[str, int], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for line in session.exec(
        select(InvoiceLine).where(col(InvoiceLine.invoice_id).in_(ids)).order_by(col(InvoiceLine.id))
    ):
        total = totals[(line.description, line.rate_bp)]
        for i, value in enumerate((line.quantity, line.net_minor, line.tax_minor, line.gross_minor)):
            total[i] += value
    return [Line(d, q, r, n, t, g) for (d, r), (q, n, t, g) in totals.items() if g or q]


def _negated(lines: list[Line]) -> list[Line]:
    return [Line(x.description, -x.quantity, x.rate_bp, -x.net_minor, -x.tax_minor, -x.gross_minor) for x in lines]


def _partial(lines: list[Line], amount: int) -> list[Line]:
    """Credit lines worth `amount`: whole tickets first (a refund by tickets is whole unit prices), then the rest
    as an amount without quantity on the first line that can carry it."""
    credit, left = [], amount
    for line in lines:
        if line.quantity <= 0 or left <= 0:
            continue
        unit = line.gross_minor // line.quantity
        count = min(line.quantity, left // unit) if unit else 0
        if count:
            split = line_tax(-unit * count, line.rate_bp)
            credit.append(Line(line.description, -count, line.rate_bp, split.net_minor, split.tax_minor, -unit * count))
            left -= unit * count
    if left > 0:
        line = next(x for x in lines if x.gross_minor > 0)
        split = line_tax(-left, line.rate_bp)
        credit.append(Line(line.description, 0, line.rate_bp, split.net_minor, split.tax_minor, -left))
    return credit


def credit_note(session: Session, invoice: Invoice, order: Order, amount: int | None, now: datetime) -> Invoice:
    """A credit note taking back `amount` (None: all that is still open) of `invoice` (the caller commits)."""
    remaining = open_lines(session, invoice)
    open_gross = sum(line.gross_minor for line in remaining)
    amount = open_gross if amount is None else min(amount, open_gross)
    lines = _negated(remaining) if amount == open_gross else _partial(remaining, amount)
    return _write(
        session,
        order,
        InvoiceKind.CREDIT_NOTE,
        lines,
        buyer=invoice.buyer,
        reverse_charge=invoice.reverse_charge,
        corrects_id=invoice.id,
        now=now,
    )


def credit_to_match(session: Session, order: Order, now: datetime | None = None) -> Invoice | None:
    """In the transaction that refunds or cancels a paid order: a credit note for what is no longer sold.

    What stays invoiced is the total less the refunds (nothing once the order is void); the gap is credited."""
    invoice = current_invoice(session, order.id or 0)
    if invoice is None:
        return None
    invoiced = sum(session.exec(select(Invoice.gross_minor).where(Invoice.order_id == order.id)).all())
    kept = 0 if order.status in VOID_STATUSES else max(order.total_minor - order.refunded_minor, 0)
    if invoiced <= kept:
        return None
    return credit_note(session, invoice, order, invoiced - kept, now or utcnow())


def reissue(session: Session, order: Order, now: datetime | None = None) -> tuple[Invoice, Invoice] | None:
    """After a corrected address: a credit note for all the current invoice still bills, and a new invoice for the
    same lines to the corrected buyer (the caller holds the order's lock and commits). None without an open invoice."""
    old = current_invoice(session, order.id or 0)
    if old is None:
        return None
    remaining = open_lines(session, old)
    if sum(line.gross_minor for line in remaining) <= 0:
        return None
    now = now or utcnow()
    credit = credit_note(session, old, order, None, now)
    new = _write(
        session,
        order,
        InvoiceKind.INVOICE,
        remaining,
        buyer=buyer_text(order, buyer_of(session, order.id or 0)),
        reverse_charge=old.reverse_charge,
        corrects_id=old.id,
        now=now,
    )
    return credit, new


def lines_of(session: Session, invoice_id: int) -> list[InvoiceLine]:
    return list(
        session.exec(select(InvoiceLine).where(InvoiceLine.invoice_id == invoice_id).order_by(col(InvoiceLine.id)))
    )


def order_invoices(session: Session, order_id: int) -> list[Invoice]:
    """Every invoice and credit note of an order, oldest first."""
    return list(session.exec(select(Invoice).where(Invoice.order_id == order_id).order_by(col(Invoice.id))))
