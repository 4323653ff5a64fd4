"""Journeys of issue 18's messaging and door lists: the organiser edits a template (a typo refused at
preview) and previews it; schedules a reminder that reaches the buyer's mailbox at its time (the minute
job run with a moved clock: not before, then once) and is in the order's trail; the buyer unsubscribes;
a one-off message goes out with its progress; the door list is searched and downloaded as CSV and PDF."""

from __future__ import annotations

import csv
import io
import os
import secrets
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from pypdf import PdfReader
from sqlmodel import Session, col, select

from tests.e2e.accounts_helpers import PASSWORD, create_user, sign_in_staff, unique_email
from tests.e2e.conftest import LiveApp
from tests.factories import add_type, make_event, make_order
from tests.support_env import smtp_env
from tests.support_smtp import MailSink
from ticketapp.db import make_engine
from ticketapp.models import Event, Order, Ticket

SHOTS = Path("/tmp/messaging-shots")


def _shots(page: Page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=str(SHOTS / f"{name}-desktop.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(SHOTS / f"{name}-phone.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def _event_with_buyers(
    database_url: str, buyers: list[str], *, names: list[str] | None = None
) -> tuple[Event, list[str]]:
    """A published event in 5 days with one paid order (tickets issued) per buyer; the order codes."""
    from ticketapp.services.tickets.issuing import issue_tickets

    engine = make_engine(database_url)
    codes = []
    with Session(engine, expire_on_commit=False) as session:
        event, standard = make_event(session, title=f"Soirée {secrets.token_hex(3)}", starts_in=timedelta(days=5))
        vip = add_type(session, event, name="VIP")
        for index, email in enumerate(buyers):
            name = (names or [])[index] if names and index < len(names) else f"Buyer {index}"
            order, _ = make_order(session, [(vip if index == 2 else standard, 1)], buyer_email=email, buyer_name=name)
            issue_tickets(session, order.id or 0)
            codes.append(order.code)
    engine.dispose()
    return event, codes


@pytest.fixture
def admin(browser: Browser, live_app: LiveApp) -> Page:
    email = unique_email("messaging-admin")
    create_user(live_app.database_url, email, role="admin")
    page = browser.new_context(base_url=live_app.url).new_page()
    sign_in_staff(page, live_app.database_url, email, PASSWORD)
    return page


@pytest.fixture
def app_jobs(live_app: LiveApp, mail_sink: MailSink) -> Iterator[None]:
    """This process runs the app's minute job against the app's database and mails the loopback server."""
    from ticketapp import db as db_module
    from ticketapp.settings import get_settings

    values = {
        "DATABASE_URL": live_app.database_url,
        "BASE_URL": live_app.url,
        "DATA_DIR": str(live_app.data_dir),
        # The app's own signing key (its links must work in its pages).
        "SECRET_KEY": (live_app.data_dir / "secret_key").read_text().strip(),
        **smtp_env(mail_sink),
    }
    saved = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    get_settings.cache_clear()
    db_module.get_engine.cache_clear()
    import ticketapp.tasks  # noqa: F401  (subscribes the mail job in this process)

    yield
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
    get_settings.cache_clear()
    db_module.get_engine.cache_clear()


def _run_minute_job(live_app: LiveApp, at: datetime) -> list[int]:
    from ticketapp.services.messaging import messages

    engine = make_engine(live_app.database_url)
    with Session(engine, expire_on_commit=False) as session:
        started = messages.send_due(session, now=at)
    engine.dispose()
    return started


def test_the_organiser_edits_a_template_and_previews_it(admin: Page, live_app: LiveApp) -> None:
    event, _ = _event_with_buyers(live_app.database_url, [unique_email("tpl")], names=["Zoé Martin"])
    admin.goto(f"/admin/events/messages?id={event.id}")
    form = admin.get_by_role("form", name="E-mail template")
    form.get_by_label("E-mail", exact=True).select_option(label="Payment confirmation")
    expect(form.get_by_text("This e-mail uses the built-in text.")).to_be_visible()
    expect(form.get_by_label("Subject")).to_have_value("Your tickets for order {order_code}")
    form.get_by_label("Subject").fill("See you soon, {buyer_nam}!")
    form.get_by_role("button", name="Preview").click()
    expect(admin.get_by_role("status").filter(has_text="Unknown placeholder {buyer_nam}")).to_be_visible()
    expect(form.get_by_label("Subject")).to_have_value("See you soon, {buyer_nam}!")  # what was typed stays
    form.get_by_label("Subject").fill("See you soon, {buyer_name}!")
    form.get_by_label("Text (a blank line starts a new paragraph)").fill(
        "Dear {buyer_name},\n\nDoors open an hour before {event_start} at {venue}."
    )
    form.get_by_role("button", name="Preview").click()
    preview = admin.get_by_role("region", name="Preview")
    expect(preview).to_contain_text("See you soon, Zoé Martin!")  # the event's newest order as the sample
    expect(preview).to_contain_text("Doors open an hour before")
    expect(preview).to_contain_text("Salle Test")
    form.get_by_role("button", name="Save template").click()
    expect(admin.get_by_role("status").filter(has_text="Template saved")).to_be_visible()
    admin.reload()
    form = admin.get_by_role("form", name="E-mail template")
    form.get_by_label("E-mail", exact=True).select_option(label="Payment confirmation")
    expect(form.get_by_text("This e-mail uses your template.")).to_be_visible()
    expect(form.get_by_label("Subject")).to_have_value("See you soon, {buyer_name}!")
    form.get_by_label("Language").select_option(label="Français")  # another language: still the built-in text
    expect(form.get_by_label("Subject")).to_have_value("Vos billets pour la commande {order_code}")
    _shots(admin, "templates")


def test_a_scheduled_reminder_reaches_the_buyer_at_its_time_once(
    admin: Page, browser: Browser, live_app: LiveApp, mail_sink: MailSink, app_jobs: None
) -> None:
    buyer = unique_email("reminded")
    event, codes = _event_with_buyers(live_app.database_url, [buyer], names=["Ada Rappel"])
    admin.goto(f"/admin/events/messages?id={event.id}")
    form = admin.get_by_role("form", name="New message")
    form.get_by_label("Send").select_option(label="Before the event starts")
    form.get_by_label("How long").fill("two")
    form.get_by_role("button", name="Save message").click()
    expect(admin.get_by_role("status").filter(has_text="whole number")).to_be_visible()
    form.get_by_label("How long").fill("2")
    form.get_by_label("Unit").select_option(label="days")
    form.get_by_role("button", name="Save message").click()
    expect(admin.get_by_role("status").filter(has_text="Message scheduled.")).to_be_visible()
    row = admin.get_by_role("table", name="Messages").get_by_role("row").nth(1)
    expect(row).to_contain_text("2 days · Before the event starts")
    expect(row).to_contain_text("Scheduled")

    moment = event.starts_at - timedelta(days=2)
    assert _run_minute_job(live_app, moment - timedelta(minutes=1)) == []  # not before its time
    assert mail_sink.mails_to(buyer) == []
    assert len(_run_minute_job(live_app, moment + timedelta(seconds=20))) == 1
    mail = mail_sink.wait_for(buyer, f"Reminder: {event.title}")
    assert "Hello Ada Rappel," in mail.text and codes[0] in mail.text
    assert _run_minute_job(live_app, moment + timedelta(hours=3)) == []  # only once
    assert len(mail_sink.mails_to(buyer)) == 1

    admin.get_by_role("button", name="Refresh progress").click()
    expect(row).to_contain_text("Sent")
    expect(row).to_contain_text("1 of 1 sent")
    admin.goto(f"/admin/orders/{codes[0]}")
    expect(admin.get_by_role("list", name="Audit trail")).to_contain_text("message sent: reminder")

    unsubscribe = next(link for link in mail.links() if "/api/unsubscribe" in link)
    page = browser.new_context(base_url=live_app.url).new_page()
    page.goto(unsubscribe[:-1] + ("0" if unsubscribe[-1] != "0" else "1"))
    expect(page.get_by_role("status")).to_have_text("This link is not valid.")
    page.goto(unsubscribe)
    page.get_by_role("button", name="Unsubscribe").click()
    expect(page.get_by_role("status")).to_contain_text("You are unsubscribed")


def test_a_one_off_message_goes_out_with_its_progress(admin: Page, live_app: LiveApp, mail_sink: MailSink) -> None:
    buyers = [unique_email("oneoff") for _ in range(3)]
    event, _ = _event_with_buyers(live_app.database_url, buyers)
    admin.goto(f"/admin/events/messages?id={event.id}")
    form = admin.get_by_role("form", name="New message")
    form.get_by_label("Subject").fill("Parking closed on {event_title}")
    form.get_by_label("Text", exact=True).fill("Hello {buyer_name}, use the tram.")
    form.get_by_label("Ticket type").select_option(label="Standard")  # the third buyer has a VIP ticket
    form.get_by_role("button", name="Save message").click()
    expect(admin.get_by_role("status").filter(has_text="Message on its way")).to_be_visible()
    row = admin.get_by_role("table", name="Messages").get_by_role("row").nth(1)
    expect(row).to_contain_text("2 of 2 sent")
    expect(row).to_contain_text("Sent from the admin")
    for email in buyers[:2]:
        assert "use the tram" in mail_sink.wait_for(email, f"Parking closed on {event.title}").text
    assert all("Parking" not in m.subject for m in mail_sink.mails_to(buyers[2]))
    _shots(admin, "messages")


def test_the_door_list_is_searched_and_downloaded(admin: Page, live_app: LiveApp) -> None:
    buyers = [unique_email("door") for _ in range(3)]
    event, codes = _event_with_buyers(live_app.database_url, buyers, names=["Ada Door", "Bob Gate", "=Carl Vip"])
    admin.goto(f"/admin/events/door-list?id={event.id}")
    table = admin.get_by_role("table", name="Door list")
    expect(table.get_by_role("row")).to_have_count(4)
    expect(admin.get_by_text("3 attendees · 0 checked in")).to_be_visible()
    admin.get_by_label("Search by name, e-mail, ticket code or order").fill("bob")
    expect(table.get_by_role("row")).to_have_count(2)
    expect(table).to_contain_text(codes[1])
    expect(table).to_contain_text("Not yet")
    admin.get_by_label("Search by name, e-mail, ticket code or order").fill("")
    expect(table.get_by_role("row")).to_have_count(4)

    with admin.expect_download() as download_info:
        admin.get_by_role("link", name="Download CSV").click()
    rows = list(csv.reader(io.StringIO(Path(download_info.value.path()).read_text())))
    assert rows[0] == ["Name", "Ticket type", "Ticket code", "Order", "Check-in answers", "Checked in"]
    assert sorted(r[0] for r in rows[1:]) == ["'=Carl Vip", "Ada Door", "Bob Gate"]  # no formula runs
    assert {r[3] for r in rows[1:]} == set(codes)
    with admin.expect_download() as download_info:
        admin.get_by_role("link", name="Download PDF to print").click()
    text = "".join(page.extract_text() for page in PdfReader(download_info.value.path()).pages)
    assert "Ada Door" in text and "Bob Gate" in text and codes[0] in text and event.title in text
    _shots(admin, "door-list")

    stranger = admin.context.browser.new_context(base_url=live_app.url).new_page()  # type: ignore[union-attr]
    response = stranger.request.get(f"/api/admin/door-list.csv?event={event.id}")
    assert response.status == 403


def test_gates_refuse_the_wrong_ticket_type_and_re_entry_follows_the_events_rule(
    admin: Page, live_app: LiveApp
) -> None:
    buyers = [unique_email("gate") for _ in range(3)]
    event, _ = _event_with_buyers(live_app.database_url, buyers, names=["Ada Gate", "Bob Gate", "Vic Vip"])
    engine = make_engine(live_app.database_url)
    with Session(engine) as session:
        rows = session.exec(select(Ticket.code, Order.buyer_name).join(Order, col(Order.id) == Ticket.order_id)).all()
    engine.dispose()
    code = {name: ticket_code for ticket_code, name in rows if name in ("Ada Gate", "Vic Vip")}

    admin.goto(f"/admin/events/door-list?id={event.id}")
    gate_form = admin.get_by_role("form", name="New gate")
    gate_form.get_by_role("button", name="Add gate").click()  # no name: the browser asks for one
    expect(admin.get_by_role("table", name="Gates")).to_have_count(0)
    gate_form.get_by_label("Gate name").fill("VIP lounge")
    gate_form.get_by_label("VIP").check()
    gate_form.get_by_role("button", name="Add gate").click()
    expect(admin.get_by_role("status").filter(has_text="Gate VIP lounge added.")).to_be_visible()
    gate_form = admin.get_by_role("form", name="New gate")
    gate_form.get_by_label("Gate name").fill("Main door")
    gate_form.get_by_label("Standard").check()
    gate_form.get_by_role("button", name="Add gate").click()
    expect(admin.get_by_role("table", name="Gates").get_by_role("row")).to_have_count(3)
    _shots(admin, "gates")

    admin.goto("/checkin")
    admin.get_by_label("Event", exact=True).select_option(str(event.id))
    expect(admin.get_by_label("Exit scans (people leaving; they may come back in)")).to_have_count(0)  # re-entry off
    admin.get_by_label("Gate", exact=True).select_option(label="Main door")
    admin.get_by_label("Ticket code").fill(code["Vic Vip"])
    admin.get_by_role("button", name="Check in").click()
    result = admin.get_by_role("status").filter(has_text="Wrong gate")
    expect(result).to_contain_text("VIP tickets enter at: VIP lounge.")
    admin.get_by_label("Ticket code").fill(code["Ada Gate"])
    admin.get_by_role("button", name="Check in").click()
    expect(admin.get_by_role("status").filter(has_text="Valid: let in")).to_contain_text("Ada Gate")
    admin.get_by_label("Ticket code").fill(code["Ada Gate"])
    admin.get_by_role("button", name="Check in").click()
    expect(admin.get_by_text("Already used")).to_be_visible()  # today's rule: one entry

    admin.goto(f"/admin/events/door-list?id={event.id}")
    reentry = admin.get_by_label("Allow re-entry after an exit scan (otherwise a ticket enters once)")
    reentry.click()  # the server's answer ticks it
    expect(reentry).to_be_checked()
    expect(admin.get_by_role("status").filter(has_text="Re-entry allowed")).to_be_visible()
    admin.goto("/checkin")
    admin.get_by_label("Event", exact=True).select_option(str(event.id))
    exits = admin.get_by_label("Exit scans (people leaving; they may come back in)")
    exits.click()
    expect(exits).to_be_checked()
    admin.get_by_label("Ticket code").fill(code["Ada Gate"])
    admin.get_by_role("button", name="Record exit").click()
    expect(admin.get_by_role("status").filter(has_text="Exit recorded")).to_be_visible()
    exits.click()
    expect(exits).not_to_be_checked()
    admin.get_by_label("Ticket code").fill(code["Ada Gate"])
    admin.get_by_role("button", name="Check in").click()
    back = admin.get_by_role("status").filter(has_text="Valid: let in")
    expect(back).to_contain_text("Back in after an exit scan.")
    admin.get_by_label("Ticket code").fill(code["Ada Gate"])
    admin.get_by_role("button", name="Check in").click()
    expect(admin.get_by_text("Already used")).to_be_visible()  # inside: not a second time without an exit
    _shots(admin, "checkin-reentry")
