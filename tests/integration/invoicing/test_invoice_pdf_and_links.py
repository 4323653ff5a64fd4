"""Invoice PDFs in the buyer's language, their downloads (owner, admin, guest link) and refusals, the tax report."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

from pypdf import PdfReader
from sqlmodel import Session, select
from starlette.responses import PlainTextResponse
from starlette.testclient import TestClient

from tests.factories import make_event, make_user, token
from ticketapp.api.routes import with_api_routes
from ticketapp.models import Invoice, Order, Role, utcnow
from ticketapp.services.accounts.security_log import ClientInfo
from ticketapp.services.accounts.sessions import SESSION_COOKIE, create_session
from ticketapp.services.booking import checkout, holds
from ticketapp.services.invoicing import admin as invoice_admin
from ticketapp.services.invoicing import report
from ticketapp.services.invoicing import settings as invoice_settings
from ticketapp.services.invoicing.buyer import Company
from ticketapp.services.invoicing.links import invoice_path
from ticketapp.services.invoicing.pdf import invoice_pdf
from ticketapp.services.invoicing.tax import TaxError
from ticketapp.services.orders import refunds
from ticketapp.settings import get_settings


def _client(session_token: str = "") -> TestClient:
    async def reflex_stand_in(scope: Any, receive: Any, send: Any) -> None:
        await PlainTextResponse("reflex")(scope, receive, send)

    client = TestClient(with_api_routes(reflex_stand_in))
    if session_token:
        client.cookies.set(SESSION_COOKIE, session_token)
    return client


def _signed_in(session: Session, email: str, role: str = Role.CUSTOMER) -> tuple[int, str]:
    user = make_user(session, email, email.split("@")[0].title(), role=role)
    session_token, row = create_session(session, user, False, ClientInfo(ip="127.0.0.1", user_agent="pytest"))
    if role != Role.CUSTOMER:  # staff count as signed in once their second factor is given
        user.totp_secret, user.totp_enabled_at, row.second_factor_ok = "JBSWY3DPEHPK3PXP", utcnow(), True
        session.add_all([user, row])
    session.commit()
    return user.id or 0, session_token


def _paid_order(session: Session, *, user_id: int | None = None, locale: str = "en", rate_bp: int = 2000) -> Order:
    _, ticket_type = make_event(session, title="Jazz à Lyon", price_minor=1200)
    ticket_type.tax_rate_bp = rate_bp
    session.add(ticket_type)
    session.commit()
    cart = token()
    holds.set_hold_quantity(session, cart, ticket_type.id, 2)
    [order] = checkout.convert_cart_to_pending_order(
        session,
        cart,
        buyer_name="Ada Lovelace",
        buyer_email="ada@example.com",
        user_id=user_id,
        locale=locale,
        company=Company("Analytical Engines SARL", "5 quai des Brumes, Lyon", "FR12345678901"),
    )
    checkout.confirm_order_paid(session, order.id or 0)
    return order


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def _invoice(session: Session, order: Order) -> Invoice:
    session.expire_all()
    found = session.exec(select(Invoice).where(Invoice.order_id == order.id)).first()
    assert found is not None
    return found


def test_pdf_prints_seller_buyer_lines_and_totals_in_the_buyers_language(session: Session, app_db: str) -> None:
    admin_id, _ = _signed_in(session, "admin@example.com", Role.ADMIN)
    invoice_settings.save(
        session,
        invoice_settings.SettingsForm("Festivals SAS", "1 rue de Paris, 75001 Paris", "FR98765432109", "Merci !", "F-"),
        actor_id=admin_id,
    )
    order = _paid_order(session, locale="fr")
    invoice = _invoice(session, order)
    text = _text(invoice_pdf(session, invoice, get_settings().ticket_cache_dir).read_bytes())
    for expected in ("Facture", "F-000001", "Festivals SAS", "FR98765432109", "Analytical Engines SARL",
                     "Jazz à Lyon", "20 %", "20,00", "4,00", "24,00", "Merci !", order.code):  # fmt: skip
        assert expected in text, expected


def test_owner_admin_and_guest_link_download_others_are_refused(session: Session, app_db: str) -> None:
    owner_id, owner_token = _signed_in(session, "owner@example.com")
    _, stranger_token = _signed_in(session, "stranger@example.com")
    _, admin_token = _signed_in(session, "boss@example.com", Role.ADMIN)
    order = _paid_order(session, user_id=owner_id)
    code = _invoice(session, order).code
    path = f"/api/invoices/{code}.pdf"
    assert _client(owner_token).get(path).content.startswith(b"%PDF")
    assert _client(admin_token).get(path).status_code == 200
    assert _client(stranger_token).get(path).status_code == 404  # someone else's looks like a missing one
    assert _client().get(path).status_code == 403
    guest = invoice_path(code, order.code)
    assert _client().get(guest).content.startswith(b"%PDF")
    tampered = guest.replace("s=", "s=x")
    refused = _client().get(tampered)
    assert refused.status_code == 403 and "invalid" in refused.json()["error"]
    other = _paid_order(session)
    # A valid link of one order does not open another order's invoice.
    assert _client().get(invoice_path(_invoice(session, other).code, order.code)).status_code == 404
    assert _client().get(f"/api/invoices/{'X' * 40}.pdf").status_code == 404


def test_regenerate_after_a_corrected_address(session: Session, app_db: str) -> None:
    admin_id, _ = _signed_in(session, "admin@example.com", Role.ADMIN)
    order = _paid_order(session)
    fixed = Company("Analytical Engines SARL", "7 rue Neuve, 69001 Lyon", "FR12345678901")
    new = invoice_admin.regenerate(session, order.code, fixed, actor_id=admin_id)
    assert "7 rue Neuve" in new.buyer and new.number == 3
    try:
        invoice_admin.regenerate(session, order.code, Company("X", "Y", "FR1"), actor_id=admin_id)
    except TaxError as refused:
        assert "VAT id" in str(refused)
    else:
        raise AssertionError("a malformed VAT id was accepted")
    try:
        invoice_admin.regenerate(session, "NOSUCHCODE", fixed, actor_id=admin_id)
    except TaxError as refused:
        assert "Only paid orders" in str(refused)
    else:
        raise AssertionError("an unknown order was accepted")


def test_report_sums_invoices_and_credit_notes_per_rate_and_currency(session: Session) -> None:
    first = _paid_order(session, rate_bp=2000)
    _paid_order(session, rate_bp=550)
    _paid_order(session, rate_bp=2000)
    refunds.refund_order(session, first.code)
    today = utcnow().date()
    rows = report.tax_report(session, today - timedelta(days=1), today)
    by_rate = {row.rate_bp: row for row in rows}
    # 2 × €12 incl. 20 % per order: €20 net + €4 VAT; two orders, one refunded in full.
    assert (by_rate[2000].net_minor, by_rate[2000].tax_minor, by_rate[2000].gross_minor) == (2000, 400, 2400)
    assert by_rate[2000].documents == 3
    # 2 × €12 incl. 5.5 %: 2400 × 550 / 10550 = 125.1 → 125.
    assert (by_rate[550].net_minor, by_rate[550].tax_minor, by_rate[550].gross_minor) == (2275, 125, 2400)
    csv_text = report.report_csv(rows, today, today)
    assert csv_text.splitlines()[0].startswith("period_start,period_end,currency,vat_rate_percent")
    assert ",EUR,5.5,no,1,2275,125,2400" in csv_text
    assert report.tax_report(session, today + timedelta(days=1), today + timedelta(days=2)) == []


def test_report_period_is_checked(session: Session) -> None:
    for start, end in (("2026-13-01", "2026-12-31"), ("2026-03-01", "2026-02-01"), ("", "")):
        try:
            report.parse_period(start, end)
        except TaxError:
            continue
        raise AssertionError(f"{start}..{end} was accepted")
