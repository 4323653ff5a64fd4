"""OAuth/OIDC against a provider running on loopback, and the mail outbox."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from sqlmodel import select

from tests.support_oidc import Person
from ticketapp.models import OAuthIdentity, User, utcnow
from ticketapp.services.accounts import oauth
from ticketapp.services.accounts.accounts import AccountError
from ticketapp.services.accounts.security_log import ClientInfo
from ticketapp.services.shared import mail

CLIENT = ClientInfo(ip="127.0.0.1", user_agent="pytest")


def _complete_flow(provider_name: str = "oidc"):
    provider = oauth.get_provider(provider_name)
    url, flow_cookie = oauth.start_flow(provider, "/account")
    redirect = requests.get(url, allow_redirects=False, timeout=5)
    assert redirect.status_code == 302
    params = parse_qs(urlsplit(redirect.headers["Location"]).query)
    flow = oauth.unpack_flow(flow_cookie)
    return provider, flow, params["code"][0], params["state"][0]


def test_first_oidc_sign_in_creates_a_verified_customer_then_reuses_it(session, oidc, oidc_provider) -> None:
    oidc_provider.person = Person("sub-new", "New.Person@example.org", name="New Person")
    provider, flow, code, state = _complete_flow()
    assert flow["r"] == "/account"
    profile = oauth.finish_flow(provider, flow, code, state)
    assert (profile.subject, profile.email, profile.email_verified) == ("sub-new", "new.person@example.org", True)
    user = oauth.link_or_create_user(session, "oidc", profile, CLIENT)
    assert user.email_verified_at is not None and user.password_hash is None and user.display_name == "New Person"
    again = oauth.link_or_create_user(session, "oidc", profile, CLIENT)
    assert again.id == user.id
    assert len(session.exec(select(User)).all()) == 1


def test_oidc_links_an_existing_account_by_verified_email(session, oidc, oidc_provider) -> None:
    existing = User(email="linked@example.org", display_name="Linked")
    session.add(existing)
    session.commit()
    oidc_provider.person = Person("sub-link", "linked@example.org")
    profile = oauth.finish_flow(*_complete_flow())
    user = oauth.link_or_create_user(session, "oidc", profile, CLIENT)
    assert user.id == existing.id and user.email_verified_at is not None
    assert session.exec(select(OAuthIdentity)).one().subject == "sub-link"


def test_unverified_provider_email_is_refused(session, oidc, oidc_provider) -> None:
    victim = User(email="victim@example.org", display_name="Victim", email_verified_at=utcnow())
    session.add(victim)
    session.commit()
    oidc_provider.person = Person("sub-evil", "victim@example.org", email_verified=False)
    profile = oauth.finish_flow(*_complete_flow())
    with pytest.raises(AccountError, match="no verified e-mail"):
        oauth.link_or_create_user(session, "oidc", profile, CLIENT)
    assert session.exec(select(OAuthIdentity)).first() is None


def test_a_forged_state_or_replayed_code_is_refused(oidc, oidc_provider) -> None:
    oidc_provider.person = Person("sub-x", "x@example.org")
    provider, flow, code, _state = _complete_flow()
    with pytest.raises(AccountError):
        oauth.finish_flow(provider, flow, code, "forged-state")
    provider, flow, code, state = _complete_flow()
    oauth.finish_flow(provider, flow, code, state)
    with pytest.raises(Exception, match=r"invalid_grant|used"):
        oauth.finish_flow(provider, flow, code, state)


def test_mail_without_smtp_goes_to_the_outbox() -> None:
    mail.send_mail("outbox.reader@example.com", "Outbox check", "plain body", "<p>html body</p>")
    found = [m for m in mail.list_outbox() if m.to == "outbox.reader@example.com"]
    assert found and found[0].subject == "Outbox check" and found[0].text.strip() == "plain body"
    assert "<p>html body</p>" in found[0].html


def test_attachments_travel_through_smtp(smtp, mail_sink) -> None:
    pdf = mail.Attachment("ticket.pdf", b"%PDF-1.4 test", "application/pdf")
    mail.send_mail("attach@example.com", "With attachment", "see attached", "<p>see attached</p>", [pdf])
    received = mail_sink.wait_for("attach@example.com", "With attachment")
    parts = list(received.message.iter_attachments())
    assert [p.get_filename() for p in parts] == ["ticket.pdf"]
    assert parts[0].get_content() == b"%PDF-1.4 test"
