"""Helpers for the account journeys: users in the live app's database, signing in."""

from __future__ import annotations

import secrets
import time
from datetime import UTC, datetime

from playwright.sync_api import Page, expect
from sqlmodel import Session, select

from ticketapp.db import make_engine
from ticketapp.models import User, utcnow
from ticketapp.services.accounts.passwords import hash_password

PASSWORD = "journey password 1"


def unique_email(prefix: str) -> str:
    return f"{prefix}-{secrets.token_hex(4)}@example.com"


def create_user(
    database_url: str, email: str, password: str = PASSWORD, verified: bool = True, role: str = "customer"
) -> int:
    engine = make_engine(database_url)
    with Session(engine) as session:
        user = User(
            email=email,
            display_name=email.split("@")[0],
            password_hash=hash_password(password),
            email_verified_at=utcnow() if verified else None,
            role=role,
        )
        session.add(user)
        session.commit()
        user_id = user.id
    engine.dispose()
    return user_id


def find_user(database_url: str, email: str) -> User | None:
    engine = make_engine(database_url)
    with Session(engine, expire_on_commit=False) as session:
        user = session.exec(select(User).where(User.email == email)).first()
    engine.dispose()
    return user


def expect_signed_in(page: Page, timeout: float = 30_000) -> None:
    """The header's 'Sign out' is there (on a phone it sits in the closed header menu, so not visible);
    30 s: argon2, the session redirect and the reconnect on a loaded machine (as test_shop_polish.sign_in)."""
    expect(page.get_by_role("button", name="Sign out", include_hidden=True)).to_be_attached(timeout=timeout)


def sign_in(page: Page, email: str, password: str = PASSWORD, remember: bool = False) -> None:
    page.goto("/signin")
    page.get_by_label("E-mail", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    if remember:
        page.get_by_label("Remember me").check()
    page.get_by_role("button", name="Sign in").click()
    expect_signed_in(page)


def fresh_totp_code(database_url: str, email: str) -> str:
    """A code the app still accepts: from a time-step after the last one it accepted (waits if needed)."""
    import pyotp

    user = find_user(database_url, email)
    totp = pyotp.TOTP(user.totp_secret)
    while True:
        current = totp.timecode(datetime.now(UTC))
        step = max(current, (user.totp_last_step if user.totp_last_step is not None else -1) + 1)
        if step <= current + 1:  # the app accepts one step of clock drift
            return totp.generate_otp(step)
        time.sleep(1)


def sign_in_staff(page: Page, database_url: str, email: str, password: str) -> None:
    """Sign in an admin/agent through the second factor, enrolling on first use (codes via pyotp)."""
    page.goto("/signin")
    page.get_by_label("E-mail", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    enrol = page.get_by_role("button", name="Turn on two-factor authentication")
    verify = page.get_by_role("button", name="Verify")
    # 30 s as expect_signed_in: the password check (argon2) and the redirect on a loaded machine.
    expect(enrol.or_(verify)).to_be_visible(timeout=30_000)
    page.get_by_label("Authentication code").fill(fresh_totp_code(database_url, email))
    if enrol.is_visible():
        enrol.click()
        expect(page.get_by_role("list", name="Recovery codes")).to_be_visible(timeout=30_000)
    else:
        verify.click()
    expect_signed_in(page)
