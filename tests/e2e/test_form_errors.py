"""Form errors a screen reader can follow: the field is marked invalid, described by the message, and focused."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.accounts_helpers import PASSWORD, create_user, unique_email


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
