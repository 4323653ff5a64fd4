"""Journeys: a guest chats while no agent is online (the message becomes a ticket
answered by e-mail), and the contact form opens a ticket."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Page, expect
from sqlmodel import Session, select

from ticketapp.db import make_engine
from ticketapp.models import AgentPresence, FaqEntry, SupportMessage, SupportTicket

REFERENCE = re.compile(r"SR-[2-9A-HJKMNP-Z]{6}")


def _tickets(database_url: str, email: str) -> list[SupportTicket]:
    engine = make_engine(database_url)
    with Session(engine) as session:
        tickets = list(session.exec(select(SupportTicket).where(SupportTicket.guest_email == email)))
    engine.dispose()
    return tickets


def _messages(database_url: str, ticket_id: int) -> list[str]:
    engine = make_engine(database_url)
    with Session(engine) as session:
        bodies = [m.body for m in session.exec(select(SupportMessage).where(SupportMessage.ticket_id == ticket_id))]
    engine.dispose()
    return bodies


def _all_agents_offline(database_url: str) -> None:
    """Other journeys may have left an agent online; this one needs nobody there."""
    engine = make_engine(database_url)
    with Session(engine) as session:
        for presence in session.exec(select(AgentPresence)):
            presence.status = "offline"
            session.add(presence)
        session.commit()
    engine.dispose()


def test_guest_chat_without_agent_becomes_a_ticket_and_survives_a_reload(page: Page, live_app) -> None:
    _all_agents_offline(live_app.database_url)
    page.goto("/events/jazz-a-lyon")
    launcher = page.get_by_role("button", name="Chat with us")
    expect(launcher).to_have_attribute("aria-expanded", "false")
    launcher.focus()
    page.keyboard.press("Enter")  # keyboard only
    expect(launcher).to_have_attribute("aria-expanded", "true")
    panel = page.get_by_role("region", name="Chat with support")
    expect(panel.get_by_text("No agent is online right now: leave a message")).to_be_visible()

    panel.get_by_label("Your name").fill("Gina Guest")
    panel.get_by_label("Your e-mail").fill("gina.chat@example.com")
    panel.get_by_label("Topic").select_option("tickets")
    panel.get_by_role("button", name="Start chat").click()

    panel.get_by_label("Your message").fill("<b>Is the show on tonight?</b>")
    panel.get_by_role("button", name="Send").click()
    log = panel.get_by_role("log", name="Conversation")
    # Shown as text, never as markup.
    expect(log.get_by_text("<b>Is the show on tonight?</b>")).to_be_visible()
    expect(log.locator("b")).to_have_count(0)
    notice = panel.get_by_text(re.compile(r"Your message is saved as request SR-"))
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("we will answer by e-mail")

    [ticket] = _tickets(live_app.database_url, "gina.chat@example.com")
    assert (ticket.channel, ticket.topic, ticket.status) == ("chat", "tickets", "new")
    assert REFERENCE.search(notice.inner_text()).group(0) == ticket.reference
    assert _messages(live_app.database_url, ticket.id) == ["<b>Is the show on tonight?</b>"]

    # A reload (a new socket) keeps the panel open and reads the conversation again from the database.
    page.reload()
    expect(page.get_by_role("button", name="Chat with us")).to_have_attribute("aria-expanded", "true")
    panel = page.get_by_role("region", name="Chat with support")
    expect(panel.get_by_role("log").get_by_text("<b>Is the show on tonight?</b>")).to_be_visible()
    panel.get_by_label("Your message").fill("Second line")
    panel.get_by_role("button", name="Send").click()
    expect(panel.get_by_role("log").get_by_text("Second line")).to_be_visible()
    assert _messages(live_app.database_url, ticket.id)[-1] == "Second line"
    panel.get_by_role("button", name="Close chat").click()
    expect(page.get_by_role("region", name="Chat with support")).to_have_count(0)
    expect(page.get_by_role("button", name="Chat with us")).to_be_focused()


def test_contact_form_creates_a_ticket_and_support_page_shows_phone_and_faq(page: Page, live_app) -> None:
    engine = make_engine(live_app.database_url)
    with Session(engine) as session:
        session.add(FaqEntry(locale="en", question="Can I get a refund?", answer="Within 14 days of purchase."))
        session.commit()
    engine.dispose()

    page.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Support").click()
    expect(page.get_by_role("heading", name="Help and support", level=1)).to_be_visible()
    expect(page.get_by_role("link", name="+33 1 23 45 67 89")).to_be_visible()
    expect(page.get_by_text("Every day, around the clock")).to_be_visible()
    page.get_by_text("Can I get a refund?").click()
    expect(page.get_by_text("Within 14 days of purchase.")).to_be_visible()

    form = page.get_by_role("region", name="Write to us")
    form.get_by_label("Name").fill("Carl Contact")
    form.get_by_label("E-mail").fill("carl.contact@example.com")
    form.get_by_label("Topic").select_option("order")
    form.get_by_label("Subject").fill("Invoice please")
    form.get_by_label("Message").fill("Could you send me an invoice for my order?")
    form.get_by_role("button", name="Send request").click()
    done = form.get_by_role("status")
    expect(done).to_contain_text(re.compile(r"We received your request SR-[2-9A-Z]{6}"))

    [ticket] = _tickets(live_app.database_url, "carl.contact@example.com")
    assert (ticket.channel, ticket.subject, ticket.topic) == ("form", "Invoice please", "order")
    assert ticket.reference in done.inner_text()
    # The form is emptied for the next request.
    expect(form.get_by_label("Subject")).to_have_value("")

    page.get_by_label("Language").select_option("fr")
    expect(page.get_by_role("heading", name="Aide et assistance", level=1)).to_be_visible()
    expect(page.get_by_text("Tous les jours, à toute heure")).to_be_visible()


def test_agent_panel_refuses_visitors_who_are_not_agents(page: Page) -> None:
    page.goto("/agent")
    expect(page.get_by_role("heading", name="Agent panel", level=1)).to_be_visible()
    expect(page.get_by_text("This page is for support agents. Please sign in with an agent account.")).to_be_visible()
    expect(page.get_by_role("heading", name="Live chats")).to_have_count(0)
    expect(page.get_by_role("heading", name="Request queue")).to_have_count(0)


def test_guest_sends_an_image_from_the_chat_and_a_disguised_file_is_refused(
    page: Page, live_app, tmp_path: Path
) -> None:
    _all_agents_offline(live_app.database_url)
    page.goto("/")
    page.get_by_role("button", name="Chat with us").click()
    panel = page.get_by_role("region", name="Chat with support")
    panel.get_by_label("Your name").fill("Pia Picture")
    panel.get_by_label("Your e-mail").fill("pia.chat@example.com")
    panel.get_by_role("button", name="Start chat").click()
    expect(panel.get_by_role("button", name="Upload file")).to_be_visible()

    fake = tmp_path / "seat-plan.png"
    fake.write_bytes(b"MZ this is an executable, not a picture")
    panel.locator("input[type=file]").set_input_files(str(fake))
    panel.get_by_role("button", name="Upload file").click()
    expect(panel.get_by_text("Only images (PNG, JPEG, GIF, WebP) and PDF files can be attached.")).to_be_visible()

    real = tmp_path / "ticket-photo.png"
    real.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    panel.locator("input[type=file]").set_input_files(str(real))
    panel.get_by_role("button", name="Upload file").click()
    log = panel.get_by_role("log", name="Conversation")
    expect(log.get_by_text("📎 ticket-photo.png")).to_be_visible()
    [ticket] = _tickets(live_app.database_url, "pia.chat@example.com")
    assert _messages(live_app.database_url, ticket.id) == ["📎 ticket-photo.png"]  # the disguised file left no line
