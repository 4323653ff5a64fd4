"""Account journeys in the browser: sign-up, sign-in/out, recovery, OAuth, profile, history."""

from __future__ import annotations

import re
import time

from playwright.sync_api import Page, expect
from sqlmodel import Session

from tests.e2e.accounts_helpers import PASSWORD, create_user, find_user, sign_in, unique_email
from tests.support_oidc import Person
from ticketapp.db import make_engine
from ticketapp.models import User


def test_sign_up_verify_email_and_known_address_not_revealed(page: Page, mail_sink) -> None:
    email = unique_email("signup")
    page.goto("/signup")
    expect(page.get_by_text("At least 10 characters, not your e-mail address")).to_be_visible()
    page.get_by_label("Name", exact=True).fill("Sam Signup")
    page.get_by_label("E-mail", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill("password123")
    page.get_by_label("Repeat the password").click()
    expect(page.get_by_role("status", name="Password check")).to_contain_text("This password is too common")
    page.get_by_label("Repeat the password").fill("password123")
    page.get_by_role("button", name="Create my account").click()
    expect(page.get_by_role("alert")).to_contain_text("This password is too common")

    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Repeat the password").fill(PASSWORD)
    page.get_by_role("button", name="Create my account").click()
    almost_done = "Almost done: we sent a message to the address you entered."
    expect(page.get_by_role("status").filter(has_text=almost_done)).to_be_visible()
    # Not signed in yet: the answer must not differ from the one for a known address.
    expect(page.get_by_role("navigation", name="Account").get_by_role("link", name="Sign in")).to_be_visible()

    link = mail_sink.wait_for(email, "Confirm your e-mail address").links()[0]
    page.goto(link)
    expect(page.get_by_text("Thank you, your e-mail address is confirmed.")).to_be_visible()
    page.goto(link)
    expect(page.get_by_role("alert")).to_contain_text("This link was already used.")
    sign_in(page, email)
    expect(page.get_by_text("Please confirm your e-mail address: we sent you a link.")).to_have_count(0)

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()
    # Signing up again with the address: the same answer as for a new one, and a notice to its owner.
    page.goto("/signup")
    page.get_by_label("Name", exact=True).fill("Sam Again")
    page.get_by_label("E-mail", exact=True).fill(email.upper())
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Repeat the password").fill(PASSWORD)
    page.get_by_role("button", name="Create my account").click()
    expect(page.get_by_role("status").filter(has_text=almost_done)).to_be_visible()
    expect(page.get_by_text("already exists")).to_have_count(0)
    mail_sink.wait_for(email, "Someone tried to sign up with your address")


def test_sign_in_remember_me_and_sign_out(page: Page, live_app) -> None:
    email = unique_email("signin")
    create_user(live_app.database_url, email)
    page.goto("/signin")
    page.get_by_label("E-mail", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("The e-mail or password is wrong.")
    page.get_by_label("E-mail", exact=True).fill(unique_email("nobody"))
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("The e-mail or password is wrong.")

    sign_in(page, email, remember=True)
    cookies = {c["name"]: c for c in page.context.cookies()}
    assert cookies["ta_remember"]["value"] and cookies["ta_remember"]["expires"] > time.time() + 29 * 86400
    token = cookies["ta_remember"]["value"]

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()
    # The old token no longer opens a session, even if replayed.
    page.context.add_cookies([{"name": "ta_remember", "value": token, "url": live_app.url}])
    page.goto("/account")
    expect(page).to_have_url(re.compile(r"/signin\?next=%2Faccount(%2F)?$"))

    sign_in(page, email, remember=False)
    session_cookie = next(c for c in page.context.cookies() if c["name"] == "ta_session" and c["value"])
    assert session_cookie["expires"] == -1  # ends with the browser session


def test_password_recovery(page: Page, live_app, mail_sink) -> None:
    email = unique_email("reset")
    create_user(live_app.database_url, email)
    page.goto("/signin")
    forgot = page.get_by_role("link", name="Forgot password?")
    expect(forgot).to_have_attribute("href", "/forgot-password")
    # Loaded as a fresh page: right after a client-side route change Reflex may re-render
    # the form and drop what a (very fast) robot typed into it.
    page.goto("/forgot-password")
    page.get_by_label("E-mail", exact=True).fill(unique_email("unknown"))
    page.get_by_role("button", name="Send the link").click()
    same_message = "If an account exists for this address, we have sent it a link."
    expect(page.get_by_role("status").filter(has_text=same_message)).to_be_visible()
    page.goto("/forgot-password")
    page.get_by_label("E-mail", exact=True).fill(email)
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_role("status").filter(has_text=same_message)).to_be_visible()

    link = mail_sink.wait_for(email, "Reset your password").links()[0]
    page.goto(link)
    page.get_by_label("New password").fill("brand new password")
    page.get_by_label("Repeat the password").fill("brand new password")
    page.get_by_role("button", name="Save the new password").click()
    expect(page.get_by_text("Your password was changed. You can now sign in with it.")).to_be_visible()
    mail_sink.wait_for(email, "Your password was changed")

    page.goto(link)
    expect(page.get_by_role("alert")).to_contain_text("This link was already used.")
    page.goto("/reset-password?token=forged")
    expect(page.get_by_role("alert")).to_contain_text("This link is not valid.")
    sign_in(page, email, "brand new password")


def test_sign_in_with_the_oidc_provider_creates_the_account(page: Page, live_app, oidc_provider) -> None:
    email = unique_email("oidc")
    oidc_provider.person = Person(f"sub-{email}", email, name="Olivia OIDC")
    page.goto("/signin?next=/account")
    page.get_by_role("link", name="Test ID").click()
    expect(page.get_by_role("heading", name="My account", level=1)).to_be_visible()
    expect(page.get_by_text(email)).to_be_visible()
    expect(page.get_by_label("Name", exact=True)).to_have_value("Olivia OIDC")
    user = find_user(live_app.database_url, email)
    assert user is not None and user.email_verified_at is not None


def test_profile_email_password_and_delete(page: Page, live_app, mail_sink) -> None:
    email = unique_email("profile")
    new_email = unique_email("moved")
    create_user(live_app.database_url, email)
    sign_in(page, email)
    page.goto("/account")
    page.get_by_label("Name", exact=True).fill("Pat Profile")
    page.get_by_label("Phone").fill("+33 6 12 34 56 78")
    page.get_by_label("Preferred currency").select_option("GBP")
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_role("status").filter(has_text="Your profile was saved.")).to_be_visible()

    email_section = page.get_by_role("region", name="E-mail address")
    password_section = page.get_by_role("region", name="Password", exact=True)
    email_section.get_by_label("Current password").fill(PASSWORD)
    email_section.get_by_label("New e-mail address").fill("taken@")
    email_section.get_by_role("button", name="Change e-mail address").click()
    # The browser's own check stops a malformed address before it is sent.
    assert email_section.get_by_label("New e-mail address").evaluate("el => !el.validity.valid")

    password_section.get_by_label("Current password").fill("wrong password!!")
    page.get_by_label("New password", exact=True).fill("another password 2")
    page.get_by_label("Repeat the new password").fill("another password 2")
    page.get_by_role("button", name="Change password").click()
    # Beside the form the buyer used, with the focus on it (not at the top of the page, out of view).
    expect(password_section.get_by_role("alert")).to_contain_text("Your current password is not correct.")
    expect(password_section.get_by_label("Current password")).to_be_focused()  # the field at fault
    password_section.get_by_label("Current password").fill(PASSWORD)
    page.get_by_label("New password", exact=True).fill("another password 2")
    page.get_by_label("Repeat the new password").fill("another password 2")
    page.get_by_role("button", name="Change password").click()
    expect(password_section.get_by_role("status").filter(has_text="Your password was changed.")).to_be_visible()
    expect(email_section.get_by_role("status").filter(has_text="Your password was changed.")).to_have_count(0)

    email_section.get_by_label("New e-mail address").fill(new_email)
    email_section.get_by_label("Current password").fill("another password 2")
    page.get_by_role("button", name="Change e-mail address").click()
    expect(email_section.get_by_role("status").filter(has_text="We sent a confirmation link")).to_be_in_viewport()
    mail_sink.wait_for(email, "Your e-mail address is being changed")
    page.goto(mail_sink.wait_for(new_email, "Confirm your new e-mail address").links()[0])
    expect(page.get_by_text("Thank you, your e-mail address is confirmed.")).to_be_visible()
    page.goto("/account")
    expect(page.get_by_text(new_email)).to_be_visible()

    page.get_by_role("button", name="Delete my account…").click()
    dialog = page.get_by_role("alertdialog")
    dialog.get_by_label("Password", exact=True).fill("another password 2")
    dialog.get_by_role("button", name="Delete my account for good").click()
    expect(page.get_by_text("Your account was deleted.")).to_be_visible()
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()
    assert find_user(live_app.database_url, new_email) is None


def test_blocked_account_is_told_to_contact_support(page: Page, live_app) -> None:
    email = unique_email("blocked")
    user_id = create_user(live_app.database_url, email)
    engine = make_engine(live_app.database_url)
    with Session(engine) as session:
        user = session.get(User, user_id)
        user.is_blocked = True
        session.add(user)
        session.commit()
    engine.dispose()
    page.goto("/signin")
    page.get_by_label("E-mail", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("This account is blocked. Please contact support.")
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()


def test_five_wrong_passwords_lock_the_account_and_mail_the_owner(page: Page, live_app, mail_sink) -> None:
    email = unique_email("lockout")
    create_user(live_app.database_url, email)
    page.goto("/signin")
    page.get_by_label("E-mail", exact=True).fill(email)
    for attempt in range(5):
        page.get_by_label("Password", exact=True).fill(f"wrong password {attempt}")
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("alert")).to_contain_text("The e-mail or password is wrong.")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("Too many failed sign-in attempts. Please wait 15 minutes")
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()
    mail_sink.wait_for(email, "Sign-in to your account was paused")
