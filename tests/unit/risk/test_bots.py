"""Bot friction: honeypot, time check, sign-ups per IP and block lists, each refusal logged."""

from __future__ import annotations

import time

import pytest
from sqlmodel import Session, select

from tests.factories import make_user
from ticketapp.models import BlockKind, SecurityEvent, SecurityEventKind
from ticketapp.services.accounts.security_log import ClientInfo, record_event
from ticketapp.services.risk import blocks, bots
from ticketapp.settings import get_settings

HERE = ClientInfo(ip="198.51.100.20", user_agent="test")


def _refusals(session: Session) -> list[SecurityEvent]:
    return list(session.exec(select(SecurityEvent).where(SecurityEvent.kind == SecurityEventKind.BOT_REFUSED)))


def test_a_person_who_took_their_time_passes(session: Session) -> None:
    now = time.time()
    bots.screen_sign_up(session, "", now - 10, now, HERE, "ada@example.com")
    bots.screen_form(session, "checkout", "", now - 10, now, HERE)
    assert _refusals(session) == []


@pytest.mark.parametrize(
    ("honeypot", "shown_ago", "why"),
    [
        ("http://spam.example", 30.0, "honeypot"),
        ("", 0.5, "after it was shown"),
        ("", None, "without the page"),
    ],
)
def test_automated_forms_are_refused_and_logged(
    session: Session, honeypot: str, shown_ago: float | None, why: str
) -> None:
    now = time.time()
    shown_at = 0.0 if shown_ago is None else now - shown_ago
    with pytest.raises(bots.BotRefusedError) as refused:
        bots.screen_sign_up(session, honeypot, shown_at, now, HERE, "bot@example.com")
    assert "quicker than a person" in str(refused.value)
    [event] = _refusals(session)
    assert why in event.detail and event.ip == HERE.ip and event.email == "bot@example.com"


def test_the_time_check_is_a_setting(session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOT_FORM_MIN_SECONDS", "0")
    get_settings.cache_clear()
    try:
        now = time.time()
        bots.screen_form(session, "checkout", "", now, now, HERE)
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()


def test_sign_ups_per_ip_are_limited(session: Session) -> None:
    limit = get_settings().risk.sign_ups_per_ip_per_hour
    for n in range(limit):
        record_event(session, SecurityEventKind.SIGN_UP, HERE, email=f"u{n}@example.com")
    session.commit()
    now = time.time()
    bots.screen_sign_up(session, "", now - 10, now, ClientInfo(ip="192.0.2.1"), "other@example.com")  # another IP
    with pytest.raises(bots.BotRefusedError, match="Too many accounts"):
        bots.screen_sign_up(session, "", now - 10, now, HERE, "next@example.com")
    [throttled] = session.exec(select(SecurityEvent).where(SecurityEvent.kind == SecurityEventKind.THROTTLED)).all()
    assert throttled.ip == HERE.ip and "sign-ups from this IP" in throttled.detail


def test_blocked_addresses_cannot_sign_up(session: Session) -> None:
    admin = make_user(session, "boss@example.com", role="admin")
    blocks.add_block(session, admin.id or 0, BlockKind.DOMAIN, "spam.test", "spam")
    now = time.time()
    with pytest.raises(bots.BotRefusedError, match="could not create this account"):
        bots.screen_sign_up(session, "", now - 10, now, HERE, "me@spam.test")
    assert "blocked" in _refusals(session)[0].detail
