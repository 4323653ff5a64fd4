"""Account services on SQLite and PostgreSQL, with mail through a loopback SMTP server."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pyotp
import pytest
from sqlmodel import Session, select

from ticketapp.models import (
    LoginAttempt,
    OneTimeToken,
    Order,
    Role,
    SecurityEvent,
    SecurityEventKind,
    TokenPurpose,
    User,
    UserSession,
    utcnow,
)
from ticketapp.services.accounts import accounts, two_factor
from ticketapp.services.accounts import profile as account_profile
from ticketapp.services.accounts import sessions as auth_sessions
from ticketapp.services.accounts.accounts import AccountError
from ticketapp.services.accounts.passwords import verify_password
from ticketapp.services.accounts.profile import ProfileUpdate
from ticketapp.services.accounts.security_log import ClientInfo
from ticketapp.services.shared.secrets import hash_token

CLIENT = ClientInfo(ip="203.0.113.7", user_agent="pytest")
PASSWORD = "correct horse battery"


def _token_from(mail) -> str:
    link = next(link for link in mail.links() if "token=" in link)
    return parse_qs(urlsplit(link).query)["token"][0]


def _kinds(session: Session, user_id: int | None = None) -> list[str]:
    query = select(SecurityEvent.kind)
    if user_id is not None:
        query = query.where(SecurityEvent.user_id == user_id)
    return list(session.exec(query))


def _sign_up(session: Session, email: str = "jane@example.com", lang: str = "en") -> User:
    user = accounts.sign_up(session, email, "Jane Doe", PASSWORD, lang, CLIENT)
    assert user is not None
    return user


def test_sign_up_sends_a_verification_mail_whose_link_works_once(session, smtp, mail_sink) -> None:
    user = _sign_up(session, "Jane.SignUp@Example.com")
    assert user.email == "jane.signup@example.com" and user.role == Role.CUSTOMER
    assert user.email_verified_at is None
    assert verify_password(PASSWORD, user.password_hash) and user.password_hash.startswith("$argon2")
    mail = mail_sink.wait_for("jane.signup@example.com", "Confirm your e-mail address")
    assert "<a href=" in mail.html and "/verify-email?token=" in mail.text
    token = _token_from(mail)
    # Stored hashed only.
    assert session.exec(select(OneTimeToken).where(OneTimeToken.token_hash == token)).first() is None
    assert accounts.confirm_email_token(session, token, CLIENT).email_verified_at is not None
    with pytest.raises(AccountError, match="already used"):
        accounts.confirm_email_token(session, token, CLIENT)
    assert SecurityEventKind.EMAIL_VERIFIED in _kinds(session, user.id)


def test_sign_up_with_a_known_address_mails_its_owner_and_answers_as_for_a_new_one(session, smtp, mail_sink) -> None:
    owner = _sign_up(session, "known@example.com")
    mail_sink.wait_for("known@example.com", "Confirm your e-mail address")
    hash_before = owner.password_hash
    assert accounts.sign_up(session, "Known@Example.com", "Mallory", "another long password", "en", CLIENT) is None
    notice = mail_sink.wait_for("known@example.com", "Someone tried to sign up with your address")
    assert "nothing was changed" in notice.text and "/signin" in notice.text
    session.refresh(owner)
    assert (owner.display_name, owner.password_hash) == ("Jane Doe", hash_before)
    assert len(session.exec(select(User)).all()) == 1
    assert _kinds(session, owner.id).count(SecurityEventKind.SIGN_UP) == 2


def test_verification_mail_follows_the_users_language(session, smtp, mail_sink) -> None:
    _sign_up(session, "jeanne@example.fr", lang="fr")
    mail = mail_sink.wait_for("jeanne@example.fr")
    assert mail.subject == "Confirmez votre adresse e-mail"
    assert "Bonjour Jane Doe," in mail.text


def test_duplicate_and_bad_sign_ups_are_refused_without_change(session) -> None:
    _sign_up(session)
    # A known address: no error that would tell it has an account, and nothing created.
    assert accounts.sign_up(session, "JANE@example.com", "Other", PASSWORD, "en", CLIENT) is None
    with pytest.raises(AccountError, match="valid e-mail"):
        accounts.sign_up(session, "not-an-email", "X", PASSWORD, "en", CLIENT)
    with pytest.raises(AccountError, match="too common"):
        accounts.sign_up(session, "bob@example.com", "Bob", "password123", "en", CLIENT)
    assert len(session.exec(select(User)).all()) == 1


def test_forged_and_expired_links_are_refused(session) -> None:
    user = _sign_up(session)
    with pytest.raises(AccountError, match="not valid"):
        accounts.confirm_email_token(session, "forged-token", CLIENT)
    raw = accounts.issue_token(session, user, TokenPurpose.VERIFY_EMAIL)
    token = session.exec(select(OneTimeToken).where(OneTimeToken.token_hash == hash_token(raw))).one()
    token.expires_at = utcnow() - timedelta(seconds=1)
    session.add(token)
    session.commit()
    with pytest.raises(AccountError, match="expired"):
        accounts.confirm_email_token(session, raw, CLIENT)
    assert session.get(User, user.id).email_verified_at is None


def test_sign_in_sessions_are_hashed_expire_and_revoke(session) -> None:
    user = _sign_up(session)
    browser = auth_sessions.sign_in(session, "jane@example.com", PASSWORD, False, CLIENT)
    remembered = auth_sessions.sign_in(session, "jane@example.com", PASSWORD, True, CLIENT)
    assert browser.ok and remembered.ok and browser.second_factor == ""
    rows = {row.remember: row for row in session.exec(select(UserSession)).all()}
    assert rows[True].token_hash == hash_token(remembered.token) != remembered.token
    assert rows[True].expires_at - utcnow() > timedelta(days=29)
    assert rows[False].expires_at - utcnow() < timedelta(days=2)
    assert auth_sessions.resolve_session(session, browser.token).id == user.id
    auth_sessions.revoke_session(session, browser.token, CLIENT)
    assert auth_sessions.resolve_session(session, browser.token) is None
    assert auth_sessions.resolve_session(session, remembered.token) is not None
    rows[True].expires_at = utcnow() - timedelta(seconds=1)
    session.add(rows[True])
    session.commit()
    assert auth_sessions.resolve_session(session, remembered.token) is None


def test_wrong_password_and_unknown_email_get_the_same_message(session) -> None:
    _sign_up(session)
    wrong = auth_sessions.sign_in(session, "jane@example.com", "nope nope nope", False, CLIENT)
    unknown = auth_sessions.sign_in(session, "nobody@example.com", "nope nope nope", False, CLIENT)
    assert not wrong.ok and not unknown.ok
    assert wrong.error == unknown.error == "The e-mail or password is wrong."
    assert _kinds(session).count(SecurityEventKind.SIGN_IN_FAILED) == 2


def test_five_failures_lock_the_account_for_fifteen_minutes_and_mail_the_owner(session, smtp, mail_sink) -> None:
    _sign_up(session, "locked@example.com")
    for _ in range(5):
        assert auth_sessions.sign_in(session, "locked@example.com", "wrong password!", False, CLIENT).error
    refused = auth_sessions.sign_in(session, "locked@example.com", PASSWORD, False, CLIENT)
    assert not refused.ok and "15 minutes" in refused.error
    mail_sink.wait_for("locked@example.com", "Sign-in to your account was paused")
    assert SecurityEventKind.LOCKOUT in _kinds(session)
    # Sixteen minutes later the lock is over.
    for attempt in session.exec(select(LoginAttempt)).all():
        attempt.attempted_at -= timedelta(minutes=16)
        session.add(attempt)
    session.commit()
    assert auth_sessions.sign_in(session, "locked@example.com", PASSWORD, False, CLIENT).ok


def test_one_ip_hitting_many_accounts_is_throttled(session) -> None:
    for i in range(20):
        auth_sessions.sign_in(session, f"probe{i}@example.com", "wrong password!", False, CLIENT)
    _sign_up(session, "real@example.com")
    refused = auth_sessions.sign_in(session, "real@example.com", PASSWORD, False, CLIENT)
    assert not refused.ok and "network" in refused.error
    other_ip = ClientInfo(ip="198.51.100.1", user_agent="pytest")
    assert auth_sessions.sign_in(session, "real@example.com", PASSWORD, False, other_ip).ok


def test_blocked_users_cannot_sign_in_and_lose_their_sessions(session) -> None:
    user = _sign_up(session)
    signed_in = auth_sessions.sign_in(session, "jane@example.com", PASSWORD, True, CLIENT)
    accounts.set_blocked(session, user.id, True, CLIENT)
    assert auth_sessions.resolve_session(session, signed_in.token) is None
    refused = auth_sessions.sign_in(session, "jane@example.com", PASSWORD, False, CLIENT)
    assert not refused.ok and "contact support" in refused.error
    assert SecurityEventKind.ACCOUNT_BLOCKED in _kinds(session, user.id)


def test_password_reset_is_single_use_ends_sessions_and_sends_a_notice(session, smtp, mail_sink) -> None:
    _sign_up(session, "reset@example.com")
    old = auth_sessions.sign_in(session, "reset@example.com", PASSWORD, True, CLIENT)
    accounts.request_password_reset(session, "reset@example.com", CLIENT)
    accounts.request_password_reset(session, "unknown@example.com", CLIENT)  # silently nothing
    token = _token_from(mail_sink.wait_for("reset@example.com", "Reset your password"))
    with pytest.raises(AccountError, match="10 characters"):
        accounts.reset_password(session, token, "short", CLIENT)
    accounts.reset_password(session, token, "a brand new secret", CLIENT)
    assert auth_sessions.resolve_session(session, old.token) is None
    assert auth_sessions.sign_in(session, "reset@example.com", "a brand new secret", False, CLIENT).ok
    mail_sink.wait_for("reset@example.com", "Your password was changed")
    with pytest.raises(AccountError, match="already used"):
        accounts.reset_password(session, token, "another new secret", CLIENT)
    assert not mail_sink.mails_to("unknown@example.com")


def test_reset_link_expires_after_an_hour(session) -> None:
    user = _sign_up(session)
    raw = accounts.issue_token(session, user, TokenPurpose.RESET_PASSWORD)
    token = session.exec(select(OneTimeToken).where(OneTimeToken.token_hash == hash_token(raw))).one()
    assert timedelta(minutes=59) < token.expires_at - utcnow() <= timedelta(hours=1)
    token.expires_at = utcnow() - timedelta(seconds=1)
    session.add(token)
    session.commit()
    with pytest.raises(AccountError, match="expired"):
        accounts.reset_password(session, raw, "a brand new secret", CLIENT)
    assert verify_password(PASSWORD, session.get(User, user.id).password_hash)


def test_email_change_confirms_at_the_new_address_and_notifies_the_old(session, smtp, mail_sink) -> None:
    user = _sign_up(session, "old.address@example.com")
    with pytest.raises(AccountError, match="current password"):
        account_profile.request_email_change(session, user.id, "new.address@example.com", "wrong", CLIENT)
    account_profile.request_email_change(session, user.id, "New.Address@example.com", PASSWORD, CLIENT)
    assert session.get(User, user.id).email == "old.address@example.com"
    notice = mail_sink.wait_for("old.address@example.com", "is being changed")
    assert "new.address@example.com" in notice.text
    token = _token_from(mail_sink.wait_for("new.address@example.com", "Confirm your new e-mail address"))
    accounts.confirm_email_token(session, token, CLIENT)
    session.expire_all()
    assert session.get(User, user.id).email == "new.address@example.com"
    assert SecurityEventKind.EMAIL_CHANGED in _kinds(session, user.id)


def test_profile_update_and_password_change(session) -> None:
    user = _sign_up(session)
    update = ProfileUpdate(display_name="Jane D.", locale="fr", preferred_currency="gbp", phone="+33 6 12 34 56 78")
    saved = account_profile.update_profile(session, user.id, update, CLIENT)
    assert (saved.display_name, saved.locale, saved.preferred_currency, saved.phone) == (
        "Jane D.",
        "fr",
        "GBP",
        "+33 6 12 34 56 78",
    )
    with pytest.raises(AccountError, match="phone"):
        account_profile.update_profile(session, user.id, ProfileUpdate("Jane", "en", "", "call me"), CLIENT)
    with pytest.raises(AccountError, match="currency"):
        account_profile.update_profile(session, user.id, ProfileUpdate("Jane", "en", "XXX", ""), CLIENT)
    assert session.get(User, user.id).display_name == "Jane D."
    keep = auth_sessions.sign_in(session, "jane@example.com", PASSWORD, False, CLIENT)
    other = auth_sessions.sign_in(session, "jane@example.com", PASSWORD, False, CLIENT)
    kept = auth_sessions.resolve_session(session, keep.token)
    with pytest.raises(AccountError, match="current password"):
        account_profile.change_password(session, user.id, "wrong", "another good secret", CLIENT)
    account_profile.change_password(session, user.id, PASSWORD, "another good secret", CLIENT, kept.session_id)
    assert auth_sessions.resolve_session(session, keep.token) is not None
    assert auth_sessions.resolve_session(session, other.token) is None


def test_delete_account_anonymises_but_keeps_orders(session) -> None:
    user = _sign_up(session)
    session.add(Order(code="DEL1", user_id=user.id, buyer_name="Jane Doe", buyer_email=user.email, currency="EUR"))
    session.commit()
    with pytest.raises(AccountError, match="current password"):
        account_profile.delete_account(session, user.id, "wrong", CLIENT)
    account_profile.delete_account(session, user.id, PASSWORD, CLIENT)
    session.expire_all()
    gone = session.get(User, user.id)
    assert gone.deleted_at is not None and "jane" not in gone.email and gone.password_hash is None
    order = session.exec(select(Order).where(Order.code == "DEL1")).one()
    assert order.user_id == user.id and order.buyer_email.endswith("@invalid")
    assert not auth_sessions.sign_in(session, "jane@example.com", PASSWORD, False, CLIENT).ok
    # The address is free again.
    _sign_up(session)


def test_staff_enrol_totp_then_need_a_code_or_a_recovery_code(session) -> None:
    admin = accounts.create_admin(session, "boss@example.com", "admin secret pass")
    first = auth_sessions.sign_in(session, "boss@example.com", "admin secret pass", False, CLIENT)
    assert first.ok and first.second_factor == "enrol"
    assert not auth_sessions.resolve_session(session, first.token).fully_signed_in
    secret = two_factor.start_enrolment(session, admin.id)
    with pytest.raises(AccountError, match="not correct"):
        two_factor.confirm_enrolment(
            session, admin.id, "123456" if pyotp.TOTP(secret).now() != "123456" else "1", CLIENT
        )
    codes = two_factor.confirm_enrolment(session, admin.id, pyotp.TOTP(secret).now(), CLIENT)
    assert len(codes) == 10
    stored = json.loads(session.get(User, admin.id).recovery_codes_hash)
    assert codes[0] not in stored and hash_token(codes[0]) in stored
    second = auth_sessions.sign_in(session, "boss@example.com", "admin secret pass", False, CLIENT)
    assert second.second_factor == "code"
    assert not auth_sessions.complete_second_factor(session, second.token, "000000x", CLIENT)
    assert auth_sessions.complete_second_factor(session, second.token, codes[0], CLIENT)
    assert auth_sessions.resolve_session(session, second.token).fully_signed_in
    third = auth_sessions.sign_in(session, "boss@example.com", "admin secret pass", False, CLIENT)
    assert not auth_sessions.complete_second_factor(session, third.token, codes[0], CLIENT)  # spent
    # The enrolment code's time-step is spent (RFC 6238 §5.2): the next step's code, within the drift window.
    next_code = pyotp.TOTP(secret).at(datetime.now(UTC) + timedelta(seconds=30))
    assert auth_sessions.complete_second_factor(session, third.token, next_code, CLIENT)
    assert SecurityEventKind.TWO_FACTOR_ENROLLED in _kinds(session, admin.id)


def test_create_admin_command(db_url, monkeypatch, capsys) -> None:
    from ticketapp import cli, db

    monkeypatch.setenv("TICKETAPP_ADMIN_PASSWORD", "first admin password")
    engine = db.make_engine(db_url)
    monkeypatch.setattr(db, "get_engine", lambda: engine)
    assert cli.main(["create-admin", "First.Admin@example.com"]) == 0
    monkeypatch.setenv("TICKETAPP_ADMIN_PASSWORD", "short")
    assert cli.main(["create-admin", "second@example.com"]) == 1
    assert "10 characters" in capsys.readouterr().err
    with Session(engine) as session:
        admin = session.exec(select(User).where(User.email == "first.admin@example.com")).one()
        assert admin.role == Role.ADMIN and verify_password("first admin password", admin.password_hash)
        assert session.exec(select(User).where(User.email == "second@example.com")).first() is None
    engine.dispose()


def test_audit_rows_carry_time_user_ip_and_user_agent(session) -> None:
    from ticketapp.services.accounts.security_log import events_for_user, recent_events

    user = _sign_up(session)
    auth_sessions.sign_in(session, "jane@example.com", "wrong password!", False, CLIENT)
    auth_sessions.sign_in(session, "jane@example.com", PASSWORD, False, CLIENT)
    events = events_for_user(session, user.id)
    assert [e.kind for e in events][:3] == [
        SecurityEventKind.SIGN_IN_OK,
        SecurityEventKind.SIGN_IN_FAILED,
        SecurityEventKind.SIGN_UP,
    ]
    assert all(e.ip == CLIENT.ip and e.user_agent == CLIENT.user_agent and e.occurred_at for e in events)
    assert [e.kind for e in recent_events(session, SecurityEventKind.SIGN_IN_FAILED)] == ["sign_in_failed"]
