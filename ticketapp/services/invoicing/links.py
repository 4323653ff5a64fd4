"""Who may download an invoice: the signed-in owner of its order, an admin, or whoever holds the order's guest link.

The guest link is the order page's own signature (`s`, providers/base.status_url): the invoice link carries the
order code and that signature, so a forged or edited link, or an invoice of another order, is refused.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlencode

from sqlmodel import Session, col, select

from ticketapp.i18n import msgid, translate
from ticketapp.models import Invoice, InvoiceKind, Order, Role
from ticketapp.services.shared.signing import sign, verify

if TYPE_CHECKING:
    from ticketapp.services.orders.summary import InvoiceRef

ORDER_LINK_PURPOSE = "order-status"  # as providers/base.status_url signs the guest order page


def invoice_path(invoice_code: str, order_code: str) -> str:
    """The invoice's download path for the guest order page and the mails (signed like the order page)."""
    query = urlencode({"order": order_code, "s": sign(order_code, ORDER_LINK_PURPOSE)})
    return f"/api/invoices/{invoice_code}.pdf?{query}"


def account_path(invoice_code: str) -> str:
    """The download path for a signed-in owner (the session cookie decides)."""
    return f"/api/invoices/{invoice_code}.pdf"


def documents(session: Session, order_code: str) -> list[Invoice]:
    """The invoices and credit notes of the order with this code, oldest first (the caller checked access)."""
    return list(
        session.exec(
            select(Invoice)
            .join(Order, col(Order.id) == Invoice.order_id)
            .where(Order.code == order_code)
            .order_by(col(Invoice.id))
        )
    )


def download_views(refs: list[InvoiceRef], order_code: str, lang: str, *, guest: bool) -> list[dict[str, str]]:
    """An order page's links to its invoices and credit notes: signed like the order page for guests."""
    views = []
    for ref in refs:
        kind = msgid("Credit note {code}") if ref.kind == InvoiceKind.CREDIT_NOTE else msgid("Invoice {code}")
        label = translate(lang, kind, code=ref.code)
        path = invoice_path(ref.code, order_code) if guest else account_path(ref.code)
        views.append(
            {
                "label": label,
                "amount": ref.gross.format(lang),
                "href": f"{path}{'&' if guest else '?'}lang={lang}",
                "download": translate(lang, "Download {document} (PDF)", document=label),
            }
        )
    return views


def guest_link_valid(order_code: str | None, signature: str | None) -> bool:
    return bool(order_code and signature and verify(order_code, ORDER_LINK_PURPOSE, signature))


def downloadable(
    session: Session, invoice_code: str, *, user_id: int | None, role: str | None, order_code: str | None
) -> Invoice | None:
    """The invoice, if this viewer may have it: None for a missing one and for someone else's alike."""
    found = session.exec(
        select(Invoice, Order).join(Order, Order.id == Invoice.order_id).where(Invoice.code == invoice_code)  # type: ignore[arg-type]
    ).first()
    if found is None:
        return None
    invoice, order = found
    if role == Role.ADMIN:
        return invoice
    if order_code is not None:
        return invoice if order.code == order_code else None  # the link's signature was checked by the caller
    return invoice if user_id is not None and order.user_id == user_id else None
