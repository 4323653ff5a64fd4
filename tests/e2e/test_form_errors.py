"""Form errors a screen reader can follow: the field is marked invalid, described by the message, and focused."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.accounts_helpers import PASSWORD, create_user, find_user, sign_in, sign_in_staff, unique_email


def test_sign_in_error_marks_both_fields_and_focuses_the_address(page: Page, live_app) -> None:
    email = unique_email("errors")
    create_user(live_app.database_url, email)
    page.goto("/signin")
    address, password = page.get_by_label("E-mail", exact=True), page.get_by_label("Password", exact=True)
    expect(address).to_have_attribute("aria-invalid", "false")
    address.fill(email)
    password.fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("The e-mail or password is wrong.")
    expect(address).to_be_focused()
    for field in (address, password):
        expect(field).to_have_attribute("aria-invalid", "true")
        expect(field).to_have_accessible_description(re.compile("The e-mail or password is wrong."))


def test_sign_up_errors_point_at_their_field_and_a_reload_starts_clean(page: Page) -> None:
    page.goto("/signup")
    password = page.get_by_label("Password", exact=True)
    repeat = page.get_by_label("Repeat the password")
    page.get_by_label("Name", exact=True).fill("Ada Errors")
    page.get_by_label("E-mail", exact=True).fill(unique_email("signup-errors"))
    # The live rule check describes the password field and marks it invalid.
    password.fill("short")
    repeat.click()
    expect(password).to_have_attribute("aria-invalid", "true")
    expect(password).to_have_accessible_description(re.compile("Use at least 10 characters."))

    password.fill(PASSWORD)
    repeat.fill(PASSWORD + " but different")
    page.get_by_role("button", name="Create my account").click()
    expect(page.get_by_role("alert")).to_contain_text("The two passwords are not the same.")
    expect(repeat).to_be_focused()
    expect(repeat).to_have_attribute("aria-invalid", "true")
    expect(repeat).to_have_accessible_description("The two passwords are not the same.")
    expect(page.get_by_label("Name", exact=True)).to_have_attribute("aria-invalid", "false")

    page.reload()
    expect(page.get_by_role("heading", name="Create an account", level=1)).to_be_visible()
    expect(page.get_by_label("Name", exact=True)).to_have_value("")
    expect(page.get_by_text("The two passwords are not the same.")).to_have_count(0)
    expect(page.get_by_label("Repeat the password")).to_have_attribute("aria-invalid", "false")


def test_checkout_errors_focus_the_terms_then_the_name(page: Page) -> None:
    page.goto("/events/jazz-a-lyon")
    page.get_by_role("button", name="Add to cart: Standard").click()
    expect(page.get_by_text(re.compile(r"added to your cart\.$"))).to_be_visible()
    page.goto("/checkout")
    name, terms = page.get_by_label("Full name"), page.get_by_role("checkbox", name="I accept the terms of sale")
    name.fill("Camille Martin")
    page.get_by_label("E-mail").fill("camille@example.com")
    page.get_by_role("button", name="Place order and pay").click()
    expect(page.get_by_role("alert")).to_contain_text("Please accept the terms of sale to continue.")
    expect(terms).to_be_focused()
    expect(terms).to_have_attribute("aria-invalid", "true")
    expect(terms).to_have_accessible_description("Please accept the terms of sale to continue.")

    page.keyboard.press("Space")
    expect(terms).to_be_checked()
    name.fill("   ")  # passes the browser's "required", not the shop's rule
    page.get_by_role("button", name="Place order and pay").click()
    expect(page.get_by_role("alert")).to_contain_text("Please enter your name.")
    expect(name).to_be_focused()
    expect(name).to_have_attribute("aria-invalid", "true")
    expect(name).to_have_accessible_description("Please enter your name.")
    expect(terms).to_have_attribute("aria-invalid", "false")


def _expect_marked(page: Page, field, message: str) -> None:
    """The refused field: focused, invalid, and read out with the message shown next to it in its form."""
    expect(field).to_be_focused()
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_have_accessible_description(re.compile(re.escape(message)))


def test_account_form_errors_point_at_their_field_inside_their_form(page: Page, live_app) -> None:
    email = unique_email("account-errors")
    create_user(live_app.database_url, email)
    sign_in(page, email)
    page.goto("/account")
    profile = page.get_by_role("region", name="Profile", exact=True)
    phone = profile.get_by_label("Phone")
    expect(profile.get_by_label("Name", exact=True)).not_to_have_value("")  # the profile has loaded
    phone.fill("call me maybe")
    profile.get_by_role("button", name="Save profile").click()
    _expect_marked(page, phone, "Please enter a valid phone number (digits, spaces and + only).")
    expect(profile.get_by_role("alert")).to_contain_text("Please enter a valid phone number")

    address = page.get_by_role("region", name="E-mail address")
    new_email = address.get_by_label("New e-mail address")
    new_email.fill(email)
    address.get_by_label("Current password").fill(PASSWORD)
    address.get_by_role("button", name="Change e-mail address").click()
    _expect_marked(page, new_email, "This is already your e-mail address.")
    expect(phone).to_have_attribute("aria-invalid", "false")  # the profile's refusal is gone
    expect(profile.get_by_role("alert")).to_have_text("")

    password = page.get_by_role("region", name="Password", exact=True)
    password.get_by_label("Current password").fill("not my password")
    password.get_by_label("New password", exact=True).fill(PASSWORD + "-new")
    password.get_by_label("Repeat the new password").fill(PASSWORD + "-new")
    password.get_by_role("button", name="Change password").click()
    _expect_marked(page, password.get_by_label("Current password"), "Your current password is not correct.")
    password.get_by_label("Current password").fill(PASSWORD)
    password.get_by_label("New password", exact=True).fill("short")
    password.get_by_label("Repeat the new password").fill("short")
    password.get_by_role("button", name="Change password").click()
    _expect_marked(page, password.get_by_label("New password", exact=True), "Use at least 10 characters.")
    # Nothing was changed by the refused profile.
    user = find_user(live_app.database_url, email)
    assert user is not None and not user.phone


def test_event_form_errors_point_at_the_field_or_the_ticket_type_row(page: Page, live_app) -> None:
    email = unique_email("event-errors")
    create_user(live_app.database_url, email, role="admin")
    sign_in_staff(page, live_app.database_url, email, PASSWORD)
    page.goto("/admin/events/edit")
    expect(page.get_by_label("Venue")).not_to_have_value("")  # the form has loaded
    title = page.get_by_label("Title")
    title.fill("Errors night")
    page.get_by_label("Starts (local time)").fill("2031-06-01T19:00")
    page.get_by_label("Ends (local time)").fill("2031-06-01T18:00")
    page.get_by_role("group", name="Ticket type 1").get_by_label("Name").fill("Standard")
    page.get_by_role("button", name="Save event").click()
    _expect_marked(page, page.get_by_label("Ends (local time)"), "The event must end after it starts.")

    page.get_by_label("Ends (local time)").fill("2031-06-01T23:00")
    page.get_by_role("button", name="Add a ticket type").click()
    second = page.get_by_role("group", name="Ticket type 2")
    second.get_by_label("Name").fill("VIP")
    second.get_by_label("Price").fill("lots")
    page.get_by_role("button", name="Save event").click()
    _expect_marked(page, second.get_by_label("Price"), "Please enter prices like 25 or 25.50.")
    expect(page.get_by_label("Ends (local time)")).to_have_attribute("aria-invalid", "false")
    expect(page).to_have_url(re.compile(r"/admin/events/edit/?$"))  # nothing was created
