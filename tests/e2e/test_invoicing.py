"""Journey: an admin sets the organiser's invoice details (a malformed VAT id is refused); a buyer pays a ticket
with VAT by the demo provider, as a German company (a malformed VAT id is refused first), downloads the invoice
PDF from the order page (a tampered link is refused); the admin sees it in the tax report and its CSV."""

from __future__ import annotations

import io
import re
from pathlib import Path

from playwright.sync_api import Browser, Page, expect
from pypdf import PdfReader
from sqlmodel import Session

from tests.e2e.accounts_helpers import PASSWORD, create_user, sign_in_staff, unique_email
from tests.e2e.conftest import LiveApp
from tests.factories import make_event
from ticketapp.db import make_engine

SHOTS = Path("/tmp/invoicing-shots")
DEMO_CARD = "Card — test mode, no real money"


def _taxed_event(database_url: str) -> str:
    """An event whose Standard ticket costs €60 incl. 20 % VAT, reverse-charged for EU businesses."""
    engine = make_engine(database_url)
    with Session(engine, expire_on_commit=False) as session:
        event, ticket_type = make_event(session, title="Invoice Gala", price_minor=6000, capacity=20)
        ticket_type.tax_rate_bp, ticket_type.tax_included, ticket_type.reverse_charge = 2000, True, True
        session.add(ticket_type)
        session.commit()
        slug = event.slug
    engine.dispose()
    return slug


def _shots(page: Page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=str(SHOTS / f"{name}-desktop.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(SHOTS / f"{name}-phone.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def _admin_sets_details(admin: Page) -> None:
    admin.goto("/admin")
    admin.get_by_role("navigation", name="Admin").get_by_role("link", name="Invoicing").click()
    expect(admin.get_by_role("heading", name="Invoicing", level=1)).to_be_visible()
    form = admin.get_by_role("form", name="Invoice details")
    form.get_by_label("Legal name").fill("Festivals de Lyon SAS")
    form.get_by_label("Address").fill("1 place Bellecour\n69002 Lyon")
    form.get_by_label("VAT id").fill("FR123")
    form.get_by_label("Number prefix").fill("GALA-")
    form.get_by_label("Invoice footer").fill("Merci pour votre confiance.")
    form.get_by_role("button", name="Save invoice details").click()
    expect(
        admin.get_by_text("FR123 is not a valid VAT id for FR: check the number after the country prefix.")
    ).to_be_visible()
    form.get_by_label("VAT id").fill("FR 12 345678901")
    form.get_by_role("button", name="Save invoice details").click()
    expect(admin.get_by_text("Invoice details saved. New invoices use them; issued ones keep theirs.")).to_be_visible()
    expect(form.get_by_label("VAT id")).to_have_value("FR12345678901")


def _buyer_pays_as_a_company(buyer: Page, slug: str) -> None:
    buyer.goto(f"/events/{slug}")
    expect(buyer.get_by_text("incl. 20 % VAT")).to_be_visible()
    buyer.get_by_label("Quantity of Standard").select_option("2")
    buyer.get_by_role("button", name="Add to cart: Standard").click()
    expect(buyer.get_by_text("2 tickets added to your cart.")).to_be_visible()
    buyer.goto("/checkout")
    buyer.get_by_label("Full name").fill("Max Mustermann")
    buyer.get_by_label("E-mail").fill(unique_email("invoice-buyer"))
    buyer.get_by_label("I need an invoice for a company").click()
    buyer.get_by_label("Company name").fill("Muster GmbH")
    buyer.get_by_label("Billing address").fill("Hauptstraße 1\n10115 Berlin")
    buyer.get_by_label("VAT id (optional)").fill("DE12345")
    buyer.get_by_label("I accept the terms of sale").click()
    buyer.get_by_label(DEMO_CARD).click()
    buyer.get_by_role("button", name="Place order and pay").click()
    expect(
        buyer.get_by_text("DE12345 is not a valid VAT id for DE: check the number after the country prefix.")
    ).to_be_visible()
    expect(buyer.get_by_label("VAT id (optional)")).to_have_attribute("aria-invalid", "true")
    _shots(buyer, "checkout-company")
    buyer.get_by_label("VAT id (optional)").fill("DE123456789")
    buyer.get_by_role("button", name="Place order and pay").click()
    # Reverse charge: the German business pays the €50 net of each ticket.
    buyer.get_by_role("button", name=re.compile(r"^Pay €100\.00")).click()
    expect(buyer.get_by_role("heading", name=re.compile(r"^Order [A-Z0-9-]+$"), level=1)).to_be_visible()
    expect(buyer.get_by_text("Paid", exact=True)).to_be_visible()
    expect(buyer.get_by_text("VAT reverse-charged").first).to_be_visible()


def _downloads_the_invoice(buyer: Page) -> None:
    invoices = buyer.get_by_role("region", name="Invoices")
    link = invoices.get_by_role("link", name=re.compile(r"^Download Invoice GALA-\d{6} \(PDF\)$"))
    expect(link).to_be_visible()
    _shots(buyer, "order-invoice")
    with buyer.expect_download() as download_info:
        link.click()
    download = download_info.value
    assert re.fullmatch(r"GALA-\d{6}\.pdf", download.suggested_filename)
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(Path(download.path()).read_bytes())).pages)
    expected_texts = ("Invoice", "Festivals de Lyon SAS", "FR12345678901", "Muster GmbH", "DE123456789",
                      "Invoice Gala", "Standard", "€100.00", "Reverse charge", "Merci pour")  # fmt: skip
    for expected in expected_texts:
        assert expected in text, expected
    href = link.get_attribute("href") or ""
    tampered = buyer.request.get(re.sub(r"order=[A-Z0-9]+", "order=AAAAAAAAAA", href))
    assert tampered.status == 403 and "invalid" in tampered.json()["error"]
    assert not buyer.request.get(href.replace("s=", "s=0")).body().startswith(b"%PDF")


def _admin_sees_the_report(admin: Page) -> None:
    admin.reload()
    report = admin.get_by_role("table", name="Tax report")
    row = report.get_by_role("row").filter(has_text="✓")
    expect(row).to_contain_text("€100.00")
    expect(row).to_contain_text("0 %")
    _shots(admin, "admin-invoicing")
    with admin.expect_download() as download_info:
        admin.get_by_role("link", name="Download the tax report (CSV)").click()
    csv_text = Path(download_info.value.path()).read_text()
    assert csv_text.startswith("period_start,period_end,currency,vat_rate_percent")
    assert ",EUR,0,yes,1,10000,0,10000" in csv_text
    period = admin.get_by_role("form", name="Tax report period")
    period.get_by_label("From", exact=True).fill("2026-05-01")
    period.get_by_label("To", exact=True).fill("2026-04-01")
    admin.get_by_role("button", name="Show report").click()
    expect(admin.get_by_text("The period must end after it starts, and span at most ten years.")).to_be_visible()


def _admin_corrects_the_address(admin: Page, order_code: str) -> None:
    admin.get_by_text("Correct an invoice's company or address").click()
    form = admin.get_by_role("form", name="Correct an invoice's company or address")
    form.get_by_label("Order code").fill(order_code)
    form.get_by_label("Company name").fill("Muster GmbH")
    form.get_by_label("Billing address").fill("Neue Straße 5\n10117 Berlin")
    form.get_by_label("VAT id (optional)").fill("DE123456789")
    form.get_by_role("button", name="Issue corrected invoice").click()
    expect(
        admin.get_by_text(re.compile(r"^Invoice GALA-000003 issued; the earlier one is credited\.$"))
    ).to_be_visible()
    form.get_by_label("Order code").fill("NOSUCHORDER")
    form.get_by_role("button", name="Issue corrected invoice").click()
    expect(admin.get_by_text("Only paid orders with an invoice can get a corrected invoice.")).to_be_visible()


def test_company_buyer_downloads_a_reverse_charged_invoice_and_admin_reports_it(
    browser: Browser, live_app: LiveApp
) -> None:
    slug = _taxed_event(live_app.database_url)
    admin = browser.new_context(base_url=live_app.url, accept_downloads=True).new_page()
    email = unique_email("invoice-admin")
    create_user(live_app.database_url, email, role="admin")
    sign_in_staff(admin, live_app.database_url, email, PASSWORD)
    _admin_sets_details(admin)
    buyer = browser.new_context(base_url=live_app.url, accept_downloads=True).new_page()
    _buyer_pays_as_a_company(buyer, slug)
    _downloads_the_invoice(buyer)
    _admin_sees_the_report(admin)
    heading = buyer.get_by_role("heading", name=re.compile(r"^Order [A-Z0-9-]+$"), level=1).inner_text()
    _admin_corrects_the_address(admin, heading.split()[-1])
    buyer.reload()
    invoices = buyer.get_by_role("region", name="Invoices")
    expect(invoices.get_by_role("link")).to_have_count(3)
    expect(invoices).to_contain_text("Credit note GALA-000002")
    expect(invoices).to_contain_text(re.compile(r"[-−]€100\.00"))
