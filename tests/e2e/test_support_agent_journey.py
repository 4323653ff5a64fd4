"""Two browsers: a customer chats, an agent takes it, both exchange lines, the agent closes it into a request,
the customer finds it in "My requests"."""

from __future__ import annotations

import re
import secrets
from pathlib import Path

from playwright.sync_api import Browser, expect
from sqlmodel import Session

from tests.e2e.support_helpers import sign_in_as_agent, sign_in_as_customer
from ticketapp.db import make_engine
from ticketapp.services.support.chat import post_customer_message, start_chat
from ticketapp.services.support.tickets import submit_contact_form


def test_customer_and_agent_chat_live_and_the_chat_becomes_a_request(browser: Browser, live_app) -> None:
    agent_ctx, customer_ctx = browser.new_context(base_url=live_app.url), browser.new_context(base_url=live_app.url)
    try:
        agent, customer = agent_ctx.new_page(), customer_ctx.new_page()
        sign_in_as_agent(agent, live_app.database_url)
        agent.goto("/agent")
        expect(agent.get_by_label("My status")).to_have_value("online")

        customer_email = sign_in_as_customer(customer, live_app.database_url)
        customer.goto("/")
        customer.get_by_role("button", name="Chat with us").click()
        panel = customer.get_by_role("region", name="Chat with support")
        expect(panel.get_by_text("An agent is online.")).to_be_visible()
        panel.get_by_role("button", name="Start chat").click()
        panel.get_by_label("Your message").fill("Hello, I need help")
        panel.get_by_role("button", name="Send").click()

        # This customer's chat (other tests may leave waiting chats behind).
        row = (
            agent.get_by_role("row")
            .filter(has=agent.get_by_label("1 unread message"))
            .filter(has_text=customer_email.split("@")[0])
        )
        expect(row).to_be_visible(timeout=2_000)
        row.get_by_role("button", name=re.compile("^Open chat with")).click()
        agent.get_by_role("button", name="Take chat").click()
        log = agent.get_by_role("log", name="Chat messages")
        expect(log.get_by_text("Hello, I need help")).to_be_visible()
        agent.get_by_label("Reply to the customer").fill("Hi, how can I help?")
        expect(panel.get_by_text("The agent is typing…")).to_be_visible(timeout=3_000)
        agent.get_by_role("button", name="Send", exact=True).click()
        expect(panel.get_by_role("log").get_by_text("Hi, how can I help?")).to_be_visible(timeout=2_000)
        expect(log.get_by_text("Read")).to_be_visible(timeout=3_000)  # read receipt
        panel.get_by_label("Your message").fill("My QR code does not scan")
        panel.get_by_role("button", name="Send").click()
        expect(log.get_by_text("My QR code does not scan")).to_be_visible(timeout=2_000)

        agent.get_by_role("button", name="Close chat into a request").click()
        expect(agent.get_by_text(re.compile(r"This chat is closed. Request: SR-"))).to_be_visible()
        expect(panel.get_by_text("This chat has ended.")).to_be_visible(timeout=3_000)

        customer.goto("/support")
        requests = customer.get_by_role("region", name="My requests")
        requests.get_by_role("button", name=re.compile(r"^Open request SR-")).first.click()
        expect(requests.get_by_text("My QR code does not scan")).to_be_visible()
        expect(requests.get_by_text("Hi, how can I help?")).to_be_visible()
    finally:
        agent_ctx.close()  # a closed panel stops keeping its agent online
        customer_ctx.close()


def test_a_long_queue_is_read_a_page_at_a_time(browser: Browser, live_app) -> None:
    marker = secrets.token_hex(3)
    engine = make_engine(live_app.database_url)
    with Session(engine) as session:
        for n in range(27):
            submit_contact_form(
                session,
                None,
                name="Paula Page",
                email="paula@example.com",
                topic="tickets",
                subject=f"Paged {marker} #{n}",
                body="Where are my tickets?",
            )
    engine.dispose()
    page = browser.new_context(base_url=live_app.url).new_page()
    sign_in_as_agent(page, live_app.database_url)
    page.goto("/agent")
    queue = page.get_by_role("region", name="Request queue")
    pagination = queue.get_by_role("navigation", name="Pagination")
    expect(pagination).to_contain_text("Page 1")
    rows = queue.get_by_role("table").locator("tbody tr")
    expect(rows).to_have_count(25)
    first_reference = rows.first.get_by_role("button")  # the request's reference, e.g. SR-S8AFMV
    first_of_page_one = first_reference.inner_text()
    pagination.get_by_role("button", name="Next").click()
    expect(pagination).to_contain_text("Page 2")
    expect(first_reference).not_to_have_text(first_of_page_one)
    pagination.get_by_role("button", name="Previous").click()
    expect(pagination).to_contain_text("Page 1")
    expect(first_reference).to_have_text(first_of_page_one)


def test_a_long_chat_opens_on_its_newest_line(browser: Browser, live_app) -> None:
    page = browser.new_context(base_url=live_app.url).new_page()
    sign_in_as_agent(page, live_app.database_url)
    page.goto("/agent")
    expect(page.get_by_label("My status")).to_have_value("online")  # lines stay live chat, not requests
    guest = f"Lola Longchat {secrets.token_hex(3)}"
    engine = make_engine(live_app.database_url)
    with Session(engine) as session:
        chat = start_chat(session, None, guest_name=guest, guest_email="lola@example.com")
        for n in range(1, 21):
            post_customer_message(session, chat, f"Line {n} of a long question")
    engine.dispose()

    page.reload()  # written by this test process, whose live facts do not reach the app's
    row = page.get_by_role("row").filter(has_text=guest)
    row.get_by_role("button", name=re.compile("^Open chat with")).click()
    log = page.get_by_role("log", name="Chat messages")
    expect(log).to_contain_text("Line 20 of a long question")
    log.scroll_into_view_if_needed()  # below a long chats table in a full run; the box itself must not need scrolling
    expect(log.get_by_text("Line 20 of a long question")).to_be_in_viewport()
    expect(log.get_by_text("Line 1 of a long question", exact=True)).not_to_be_in_viewport()


def test_the_agent_opens_a_picture_sent_in_a_live_chat(browser: Browser, live_app, tmp_path: Path) -> None:
    agent_ctx, customer_ctx = browser.new_context(base_url=live_app.url), browser.new_context(base_url=live_app.url)
    try:
        agent, customer = agent_ctx.new_page(), customer_ctx.new_page()
        sign_in_as_agent(agent, live_app.database_url)
        agent.goto("/agent")
        expect(agent.get_by_label("My status")).to_have_value("online")

        guest = f"Pia Photo {secrets.token_hex(3)}"
        customer.goto("/")
        customer.get_by_role("button", name="Chat with us").click()
        panel = customer.get_by_role("region", name="Chat with support")
        panel.get_by_label("Your name").fill(guest)
        panel.get_by_label("Your e-mail").fill("pia.photo@example.com")
        panel.get_by_role("button", name="Start chat").click()
        photo = tmp_path / "ticket-photo.png"
        photo.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\2" * 64)
        panel.locator("input[type=file]").set_input_files(str(photo))
        panel.get_by_role("button", name="Upload file").click()
        expect(panel.get_by_role("log", name="Conversation").get_by_text("📎 ticket-photo.png")).to_be_visible()

        row = agent.get_by_role("row").filter(has_text=guest)
        row.get_by_role("button", name=re.compile("^Open chat with")).click()
        log = agent.get_by_role("log", name="Chat messages")
        with agent.expect_download() as download:
            log.get_by_role("button", name="Download attachment ticket-photo.png").click()
        assert download.value.suggested_filename == "ticket-photo.png"
        assert Path(download.value.path()).read_bytes() == photo.read_bytes()
        expect(agent.get_by_role("button", name="Close chat into a request")).to_be_visible()  # still live
    finally:
        agent_ctx.close()
        customer_ctx.close()
