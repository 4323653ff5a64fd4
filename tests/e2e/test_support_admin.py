"""An admin edits canned replies and the FAQ from the agent panel; the FAQ shows on /support."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.e2e.accounts_helpers import PASSWORD, create_user, sign_in_staff, unique_email


def test_admin_saves_and_deletes_canned_replies_and_faq_entries(page: Page, live_app) -> None:
    email = unique_email("faq-admin")
    create_user(live_app.database_url, email, role="admin")
    sign_in_staff(page, live_app.database_url, email, PASSWORD)
    page.goto("/agent")
    editor = page.get_by_role("region", name="Canned replies and FAQ")
    expect(editor).to_be_visible()

    editor.get_by_label("Title").fill("Refund delay")
    editor.get_by_label("Text").fill("Refunds reach your bank within 5 to 10 days.")
    editor.get_by_role("button", name="Save canned reply").click()
    expect(editor.get_by_role("status")).to_have_text("Canned reply saved.")
    expect(editor.get_by_role("button", name="Delete Refund delay")).to_be_visible()

    editor.get_by_label("Question").fill("Can I bring a camera?")
    editor.get_by_label("Answer").fill("Small cameras are welcome; no tripods.")
    editor.get_by_role("button", name="Save FAQ entry").click()
    expect(editor.get_by_role("status")).to_have_text("FAQ entry saved.")

    # Bad input: an empty question is refused and nothing is added.
    editor.get_by_role("button", name="Save FAQ entry").click()
    expect(editor.get_by_role("status")).not_to_have_text("FAQ entry saved.")

    editor.get_by_role("button", name="Delete Refund delay").click()
    expect(editor.get_by_role("status")).to_have_text("Deleted.")
    expect(editor.get_by_role("button", name="Delete Refund delay")).to_have_count(0)

    page.goto("/support")
    expect(page.get_by_text("Can I bring a camera?")).to_be_visible()
