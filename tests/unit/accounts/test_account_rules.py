"""Pure account rules: password policy, token hashing, throttling windows, guards, mail bodies."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pyotp
import pytest

from ticketapp.services.accounts.access import Viewer, access_decision
from ticketapp.services.accounts.accounts import is_valid_email, normalize_email, password_problems
from ticketapp.services.accounts.oauth import pack_flow, safe_return_path, unpack_flow
from ticketapp.services.accounts.throttling import lockout_ends_at
from ticketapp.services.accounts.two_factor import qr_data_uri, verify_totp
from ticketapp.services.shared.mail import compose
from ticketapp.services.shared.secrets import hash_token, new_token, same_hash

T0 = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("short", "Use at least 10 characters."),
        ("jane.doe@example.com", "Don't use your e-mail address as password."),
        ("Password123", "This password is too common; choose another one."),
        ("qwertyuiop", "This password is too common; choose another one."),
    ],
)
def test_password_rules_refuse_weak_passwords(password: str, problem: str) -> None:
    assert problem in password_problems(password, "Jane.Doe@example.com")


def test_password_rules_accept_a_good_password() -> None:
    assert password_problems("correct horse battery", "jane@example.com") == []


@pytest.mark.parametrize("email", ["jane@example.com", "j.doe+tickets@mail.example.org"])
def test_valid_emails(email: str) -> None:
    assert is_valid_email(email)


@pytest.mark.parametrize(
    "email", ["", "jane", "jane@", "@example.com", "jane@example", "ja ne@example.com", "a@b@c.de"]
)
def test_malformed_emails(email: str) -> None:
    assert not is_valid_email(email)


def test_normalize_email() -> None:
    assert normalize_email("  Jane@Example.COM ") == "jane@example.com"


def test_tokens_are_random_long_and_stored_as_sha256() -> None:
    token = new_token()
    assert len(token) >= 43  # 256 bits in URL-safe base64
    assert token != new_token()
    assert hash_token(token) != token and len(hash_token(token)) == 64
    assert same_hash(token, hash_token(token))
    assert not same_hash(token + "x", hash_token(token))


def test_lockout_needs_five_failures_within_fifteen_minutes() -> None:
    four = [T0 + timedelta(minutes=i) for i in range(4)]
    assert lockout_ends_at(four, 5) is None
    five = [*four, T0 + timedelta(minutes=14)]
    assert lockout_ends_at(five, 5) == T0 + timedelta(minutes=29)


def test_failures_spread_over_more_than_the_window_do_not_lock() -> None:
    spread = [T0 + timedelta(minutes=4 * i) for i in range(5)]  # first to last: 16 minutes
    assert lockout_ends_at(spread, 5) is None


def test_latest_lock_wins() -> None:
    failures = [T0 + timedelta(minutes=i) for i in range(5)] + [T0 + timedelta(minutes=40 + i) for i in range(5)]
    assert lockout_ends_at(failures, 5) == T0 + timedelta(minutes=59)


def test_totp_codes_and_qr() -> None:
    secret = pyotp.random_base32()
    assert verify_totp(secret, pyotp.TOTP(secret).now())
    assert not verify_totp(secret, "000000") or pyotp.TOTP(secret).now() == "000000"
    assert not verify_totp(secret, "abcdef")
    assert qr_data_uri("otpauth://totp/x").startswith("data:image/png;base64,")


def test_oauth_flow_cookie_is_signed() -> None:
    cookie = pack_flow({"p": "oidc", "s": "state"})
    assert unpack_flow(cookie)["s"] == "state"
    _body, _, signature = cookie.partition(".")
    forged = pack_flow({"p": "oidc", "s": "other"}).partition(".")[0] + "." + signature
    assert unpack_flow(forged) is None
    assert unpack_flow("garbage") is None


@pytest.mark.parametrize(
    ("path", "expected"),
    [("/account", "/account"), ("https://evil.example/", "/"), ("//evil.example", "/"), ("/\\evil", "/")],
)
def test_return_paths_stay_on_site(path: str, expected: str) -> None:
    assert safe_return_path(path) == expected


def test_mail_bodies_have_text_and_escaped_html() -> None:
    body = compose(["Hello <Jane>,"], link_label="Open", link_url="https://x.test/a?token=1&b=2")
    assert "Hello <Jane>," in body.text and "https://x.test/a?token=1&b=2" in body.text
    assert "Hello &lt;Jane&gt;," in body.html and 'href="https://x.test/a?token=1&amp;b=2"' in body.html


def _user(role: str = "customer", two_factor: bool = False, second_ok: bool = False) -> Viewer:
    return Viewer(
        id=1,
        name="A",
        email="a@example.com",
        role=role,
        two_factor_enabled=two_factor,
        second_factor_given=second_ok,
    )


def test_guard_sends_anonymous_visitors_to_sign_in() -> None:
    assert access_decision(None) == "signin"
    assert access_decision(None, ("admin",)) == "signin"


def test_guard_refuses_customers_on_admin_pages() -> None:
    assert access_decision(_user(), ("admin",)) == "forbidden"
    assert access_decision(_user()) == "ok"


def test_guard_makes_staff_enrol_then_give_their_code() -> None:
    assert access_decision(_user("admin"), ("admin",)) == "enrol"
    assert access_decision(_user("admin", two_factor=True), ("admin",)) == "code"
    assert access_decision(_user("admin", two_factor=True, second_ok=True), ("admin",)) == "ok"
    assert access_decision(_user("admin"), allow_pending_second_factor=True) == "ok"


def test_guard_admin_passes_agent_checks_but_agent_not_admin_checks() -> None:
    agent = _user("agent", two_factor=True, second_ok=True)
    admin = _user("admin", two_factor=True, second_ok=True)
    assert access_decision(admin, ("agent",)) == "ok"
    assert access_decision(agent, ("agent",)) == "ok"
    assert access_decision(agent, ("admin",)) == "forbidden"
