"""Sign-in steps for the support journeys (fresh users, so tests never share presence or 2FA state)."""

from __future__ import annotations

from playwright.sync_api import Page

from tests.e2e.accounts_helpers import PASSWORD, create_user, sign_in, sign_in_staff, unique_email


def sign_in_as_agent(page: Page, database_url: str) -> str:
    email = unique_email("agent")
    create_user(database_url, email, role="agent")
    sign_in_staff(page, database_url, email, PASSWORD)
    return email


def sign_in_as_customer(page: Page, database_url: str) -> str:
    email = unique_email("customer")
    create_user(database_url, email)
    sign_in(page, email)
    return email
