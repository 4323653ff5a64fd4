"""Journey: an admin creates a batch of codes, pastes a list of addresses (a bad one is refused and nothing is
sent), each address receives its own code by mail (real SMTP), and a recipient's link applies it."""

from __future__ import annotations

import re
import secrets
from pathlib import Path

from playwright.sync_api import Browser, expect
from sqlmodel import Session

from tests.e2e.accounts_helpers import PASSWORD, create_user, sign_in_staff, unique_email
from tests.e2e.conftest import LiveApp
from tests.factories import make_event
from tests.support_smtp import MailSink
from ticketapp.db import make_engine

SHOTS = Path("/tmp/code-mailing-shots")


def test_an_admin_mails_one_code_to_each_address_and_the_link_applies_it(
    browser: Browser, live_app: LiveApp, mail_sink: MailSink
) -> None:
    SHOTS.mkdir(exist_ok=True)
    engine = make_engine(live_app.database_url)
    with Session(engine, expire_on_commit=False) as session:
        event, _ = make_event(session, title=f"Partner Gala {secrets.token_hex(3)}")
    engine.dispose()
    admin_email = unique_email("mail-admin")
    create_user(live_app.database_url, admin_email, role="admin")
    admin = browser.new_context(base_url=live_app.url).new_page()
    sign_in_staff(admin, live_app.database_url, admin_email, PASSWORD)
    admin.goto("/admin/codes")
    prefix = f"P{secrets.token_hex(3).upper()}"
    form = admin.get_by_role("form", name="Promo code")
    form.get_by_label("Code", exact=True).fill(prefix)
    form.get_by_label("Event", exact=True).select_option(value=str(event.id))
    form.get_by_label("Value (percentage, or amount in the event's currency)").fill("20")
    form.get_by_label(re.compile(r"^How many codes")).fill("2")
    form.get_by_role("button", name="Save code").click()
    expect(admin.get_by_text(f"2 codes starting with {prefix}- created.")).to_be_visible()

    first, second = unique_email("partner-a"), unique_email("partner-b")
    mailing = admin.get_by_role("form", name="E-mail codes to a list")
    mailing.get_by_label("Codes starting with").fill(prefix.lower())
    mailing.get_by_label("E-mail addresses (one per line, or separated by commas)").fill(f"{first}\nnot-an-address")
    mailing.get_by_role("button", name="Send the codes").click()
    expect(admin.get_by_text("“not-an-address” is not an e-mail address.")).to_be_visible()
    addresses = mailing.get_by_label("E-mail addresses (one per line, or separated by commas)")
    expect(addresses).to_have_value(f"{first}\nnot-an-address")  # kept to correct
    addresses.fill(f"{first}\n{second}")
    mailing.get_by_label("Language of the e-mails").select_option(label="Français")
    mailing.get_by_role("button", name="Send the codes").click()
    expect(admin.get_by_text(f"2 codes starting with {prefix}- sent by e-mail.")).to_be_visible()
    expect(admin.get_by_text(f"Sent to {first}")).to_be_visible()
    admin.set_viewport_size({"width": 390, "height": 844})
    admin.screenshot(path=str(SHOTS / "admin-codes-phone.png"), full_page=True)
    admin.set_viewport_size({"width": 1280, "height": 900})
    admin.screenshot(path=str(SHOTS / "admin-codes-desktop.png"), full_page=True)

    mail_a = mail_sink.wait_for(first, "Votre code promo")
    mail_b = mail_sink.wait_for(second, "Votre code promo")
    code_a = re.search(rf"{prefix}-[A-Z0-9]+", mail_a.text)
    code_b = re.search(rf"{prefix}-[A-Z0-9]+", mail_b.text)
    assert code_a and code_b and code_a.group() != code_b.group()
    assert not mail_sink.mails_to("not-an-address")

    buyer = browser.new_context(base_url=live_app.url).new_page()
    buyer.goto(mail_a.links()[0])
    expect(buyer.get_by_text(f"Promo code {code_a.group()} will be applied in your cart.")).to_be_visible()
