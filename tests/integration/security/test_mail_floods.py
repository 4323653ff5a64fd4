"""Mail floods: repeated "forgot password" and sign-ups send only a few mails, quietly."""

from __future__ import annotations

import secrets
import time

from sqlmodel import Session, select

from ticketapp.models import SecurityEvent
from ticketapp.services.accounts import accounts
from ticketapp.services.accounts.mail_limits import MAIL_THROTTLED
from ticketapp.services.accounts.security_log import ClientInfo
from ticketapp.settings import get_settings

PASSWORD = "a long enough secret"


def _client(n: int) -> ClientInfo:
    return ClientInfo(ip=f"198.51.100.{n}", user_agent="pytest")


def _settle(mail_sink, address: str) -> int:
    time.sleep(0.5)  # let any mail still on its way arrive before counting
    return len(mail_sink.mails_to(address))


def test_fifteen_reset_requests_send_at_most_the_per_address_limit(session: Session, smtp, mail_sink) -> None:
    victim = f"victim-{secrets.token_hex(4)}@example.com"  # the SMTP sink lives for the whole session
    accounts.sign_up(session, victim, "Victim", PASSWORD, "en", _client(1))
    mail_sink.wait_for(victim, "Confirm")
    for n in range(15):  # from 15 different addresses: the per-address limit holds
        assert accounts.request_password_reset(session, victim, _client(n + 10)) is None
    mail_sink.wait_for(victim, "Reset your password", count=2)
    resets = [m for m in mail_sink.mails_to(victim) if "Reset" in m.subject]
    # The verification mail counts toward the address's hourly limit too.
    assert len(resets) == get_settings().account_mails_per_address - 1
    assert _settle(mail_sink, victim) == get_settings().account_mails_per_address
    throttled = session.exec(select(SecurityEvent).where(SecurityEvent.detail == MAIL_THROTTLED)).all()
    assert len(throttled) == 15 - len(resets)


def test_sign_ups_from_one_ip_mail_at_most_the_per_ip_limit(session: Session, smtp, mail_sink) -> None:
    limit = get_settings().account_mails_per_ip
    run = secrets.token_hex(4)  # the SMTP sink lives for the whole session
    addresses = [f"someone{n}-{run}@example.com" for n in range(15)]
    for address in addresses:
        accounts.sign_up(session, address, "Someone", PASSWORD, "en", _client(99))
    mail_sink.wait_for(addresses[limit - 1], "Confirm")
    time.sleep(0.5)
    assert sum(len(mail_sink.mails_to(a)) for a in addresses) == limit
    # Same answer for the visitor: every account exists, the rest simply got no mail.
    assert all(accounts.get_user_by_email(session, a) is not None for a in addresses)
    assert accounts.request_password_reset(session, addresses[0], _client(99)) is None
    time.sleep(0.5)
    assert not [m for m in mail_sink.mails_to(addresses[0]) if "Reset" in m.subject]


def test_sign_ups_with_a_known_address_mail_its_owner_at_most_the_limit(session: Session, smtp, mail_sink) -> None:
    """Someone signing up again and again with a registered address: the owner's notices are capped too."""
    owner = f"owner-{secrets.token_hex(4)}@example.com"
    accounts.sign_up(session, owner, "Owner", PASSWORD, "en", _client(1))
    for n in range(15):
        assert accounts.sign_up(session, owner, "Intruder", PASSWORD, "en", _client(n + 30)) is None
    mail_sink.wait_for(owner, "Someone tried to sign up", count=get_settings().account_mails_per_address - 1)
    assert _settle(mail_sink, owner) == get_settings().account_mails_per_address
