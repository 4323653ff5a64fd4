"""Two browsers: a customer chats, an agent takes it, both exchange lines, the agent closes it into a request,
the customer finds it in "My requests"."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, expect

from tests.e2e.support_helpers import sign_in_as_agent, sign_in_as_customer


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
