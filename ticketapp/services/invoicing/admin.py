"""Invoicing in the admin area: correct an order's company details and regenerate its invoice, list its documents."""

from __future__ import annotations

from sqlmodel import Session, select

from ticketapp.db import begin_write_locked
from ticketapp.i18n import msgid
from ticketapp.models import PAID_STATUSES, Invoice, Order
from ticketapp.services.accounts.audit import audit
from ticketapp.services.invoicing import buyer as invoice_buyer
from ticketapp.services.invoicing import numbering
from ticketapp.services.invoicing.tax import TaxError
from ticketapp.services.orders import lifecycle


def regenerate(session: Session, order_code: str, company: invoice_buyer.Company, *, actor_id: int) -> Invoice:
    """Correct the order's company and address, then credit its invoice and issue a new one (commits, audited).

    TaxError (nothing changed) when the details are wrong or the order has no open invoice."""
    cleaned = invoice_buyer.check_company(company)
    begin_write_locked(session)
    order = session.exec(select(Order).where(Order.code == order_code).with_for_update()).first()
    if order is None or order.status not in PAID_STATUSES:
        session.rollback()
        raise TaxError(msgid("Only paid orders with an invoice can get a corrected invoice."))
    try:
        invoice_buyer.correct(session, order, cleaned)
        session.flush()
        result = numbering.reissue(session, order)
    except TaxError:
        session.rollback()
        raise
    if result is None:
        session.rollback()
        raise TaxError(msgid("Only paid orders with an invoice can get a corrected invoice."))
    credit, new = result
    lifecycle.note(
        session, order.id or 0, f"invoice regenerated: {credit.code} credits, {new.code} replaces", actor_id=actor_id
    )
    audit(session, actor_id, "invoicing.regenerate", "order", order.id, credit=credit.code, invoice=new.code)
    session.commit()
    return new
