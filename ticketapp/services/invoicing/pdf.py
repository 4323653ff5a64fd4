"""Invoice and credit note PDFs (xhtml2pdf) in the buyer's language, with the ticket PDFs' fonts and direction.

An invoice never changes once issued (its texts are frozen on the row), so its PDF is rendered once per language
and kept on disk under DATA_DIR/tickets/invoices.
"""

from __future__ import annotations

import hashlib
import json
import os
from html import escape
from pathlib import Path

from sqlmodel import Session

from ticketapp.i18n import gettext, msgid, normalize_locale, translate
from ticketapp.i18n.languages import direction
from ticketapp.models import Invoice, InvoiceKind, InvoiceLine, Order
from ticketapp.services.invoicing.numbering import lines_of
from ticketapp.services.invoicing.tax import format_rate
from ticketapp.services.shared.dates import format_day
from ticketapp.services.shared.money import Money, format_money
from ticketapp.services.tickets.pdf import FONT_FACES, html_to_pdf, pdf_text

TEMPLATE_VERSION = "1"
REVERSE_CHARGE_NOTE = msgid(
    "Reverse charge: VAT to be accounted for by the recipient (Article 196, Council Directive 2006/112/EC)."
)
CORRECTS = msgid("Corrects invoice {code}")
REPLACES = msgid("Replaces invoice {code}")
STYLE = (
    FONT_FACES
    + """
@page { size: a4 portrait; margin: 1.6cm; }
html, body { font-family: TicketSans; font-size: 10pt; color: #111111; }
h1 { font-size: 20pt; margin: 0 0 6pt 0; }
table.parties td { vertical-align: top; width: 50%; padding: 0 8pt 10pt 0; }
table.lines { margin-top: 10pt; }
table.lines th { text-align: left; border-bottom: 1pt solid #333333; padding: 3pt; }
table.lines td { padding: 3pt; border-bottom: 0.5pt solid #bbbbbb; }
td.num, th.num { text-align: right; }
.totals td { padding: 2pt 3pt; }
.strong { font-weight: bold; }
.note { font-size: 9pt; color: #333333; margin-top: 10pt; }
"""
)


def _money(amount: int, currency: str, lang: str) -> str:
    return pdf_text(format_money(Money(amount, currency), lang))


def _lines_html(lines: list[InvoiceLine], currency: str, lang: str) -> str:
    rows = []
    for line in lines:
        cells = (
            f"<td>{escape(line.description)}</td>",
            f'<td class="num">{line.quantity}</td>',
            f'<td class="num">{format_rate(line.rate_bp, lang)} %</td>',
            f'<td class="num">{_money(line.net_minor, currency, lang)}</td>',
            f'<td class="num">{_money(line.tax_minor, currency, lang)}</td>',
            f'<td class="num">{_money(line.gross_minor, currency, lang)}</td>',
        )
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return "".join(rows)


def _multiline(text: str) -> str:
    return "<br/>".join(escape(part) for part in text.splitlines())


def invoice_html(invoice: Invoice, order: Order, corrects: Invoice | None, lines: list[InvoiceLine], lang: str) -> str:
    def t(message: str) -> str:
        return escape(gettext(lang, message))

    credit = invoice.kind == InvoiceKind.CREDIT_NOTE
    title = t("Credit note") if credit else t("Invoice")
    heads = (t("Description"), t("Qty"), t("VAT rate"), t("Net"), t("VAT"), t("Total"))
    head = "".join(f'<th class="{"num" if i else ""}">{h}</th>' for i, h in enumerate(heads))
    meta = [
        translate(lang, "Number: {code}", code=invoice.code),
        translate(lang, "Date: {date}", date=pdf_text(format_day(invoice.issued_at.date(), lang))),
        translate(lang, "Order: {code}", code=order.code),
    ]
    if corrects is not None:
        meta.append(translate(lang, CORRECTS if credit else REPLACES, code=corrects.code))
    totals = [
        (t("Net"), invoice.net_minor),
        (t("VAT"), invoice.tax_minor),
        (t("Total"), invoice.gross_minor),
    ]
    totals_html = "".join(
        f'<tr><td class="num">{label}</td><td class="num strong">{_money(value, invoice.currency, lang)}</td></tr>'
        for label, value in totals
    )
    reverse = f'<p class="note">{t(REVERSE_CHARGE_NOTE)}</p>' if invoice.reverse_charge else ""
    seller_label, buyer_label = t("From"), t("Bill to")  # outside the f-string, so extraction sees them
    footer = f'<p class="note">{_multiline(invoice.footer)}</p>' if invoice.footer else ""
    return f"""
<h1>{title}</h1>
<p>{"<br/>".join(escape(m) for m in meta)}</p>
<table class="parties"><tr>
  <td><span class="strong">{seller_label}</span><br/>{_multiline(invoice.seller)}</td>
  <td><span class="strong">{buyer_label}</span><br/>{_multiline(invoice.buyer)}</td>
</tr></table>
<table class="lines"><tr>{head}</tr>{_lines_html(lines, invoice.currency, lang)}</table>
<table class="totals" align="right">{totals_html}</table>
{reverse}
{footer}
"""


def render(invoice: Invoice, order: Order, corrects: Invoice | None, lines: list[InvoiceLine], lang: str) -> bytes:
    lang = normalize_locale(lang)
    title = escape(invoice.code)
    body = invoice_html(invoice, order, corrects, lines, lang)
    html = (
        f'<html lang="{lang}" dir="{direction(lang)}"><head><meta charset="utf-8"><title>{title}</title>'
        f"<style>{STYLE}</style></head><body>{body}</body></html>"
    )
    return html_to_pdf(html)


def _fingerprint(invoice: Invoice) -> str:
    data = json.dumps([TEMPLATE_VERSION, invoice.model_dump(mode="json")], sort_keys=True)
    return hashlib.sha256(data.encode()).hexdigest()[:20]


def invoice_pdf(session: Session, invoice: Invoice, cache_dir: Path, lang: str | None = None) -> Path:
    """The invoice's PDF in `lang` (default: the order's language), rendered once."""
    lang = normalize_locale(lang or invoice.locale)
    # Named by its content too: another database (a restore, a test) may reuse the number for another invoice.
    path = cache_dir / "invoices" / f"{invoice.code}-{lang}-{_fingerprint(invoice)}.pdf"
    if path.exists():
        return path
    order = session.get(Order, invoice.order_id)
    assert order is not None  # noqa: S101  (foreign key)
    corrects = session.get(Invoice, invoice.corrects_id) if invoice.corrects_id else None
    data = render(invoice, order, corrects, lines_of(session, invoice.id or 0), lang)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(f".{os.getpid()}.part")
    partial.write_bytes(data)
    partial.replace(path)  # atomic: a reader never sees half a PDF
    return path
