"""Signed download links and the owner check (the accounts work passes the signed-in user id)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

from tests.factories import make_event_with_vip, make_order, make_user
from ticketapp.services.tickets.issuing import issue_tickets
from ticketapp.services.tickets.links import downloadable_ticket, link_is_valid, signed_ticket_path

SECRET = "test-secret-key"
NOW = datetime(2030, 1, 1, tzinfo=UTC)


def parts(path: str) -> tuple[str, str, str]:
    url = urlsplit(path)
    query = parse_qs(url.query)
    return url.path.removeprefix("/api/tickets/").removesuffix(".pdf"), query["exp"][0], query["sig"][0]


def test_link_valid_until_expiry_only() -> None:
    code, exp, sig = parts(signed_ticket_path("ABCD-EFGH", SECRET, timedelta(hours=2), now=NOW))
    assert code == "ABCD-EFGH"
    assert link_is_valid(code, exp, sig, SECRET, now=NOW + timedelta(hours=1))
    assert not link_is_valid(code, exp, sig, SECRET, now=NOW + timedelta(hours=2))
    assert not link_is_valid("ABCD-EFGX", exp, sig, SECRET, now=NOW)
    assert not link_is_valid(code, str(int(exp) + 1), sig, SECRET, now=NOW)
    assert not link_is_valid(code, exp, sig, "other-secret", now=NOW)
    for bad_exp, bad_sig in [(None, sig), (exp, None), ("-5", sig), ("1e9", sig), (exp, "")]:
        assert not link_is_valid(code, bad_exp, bad_sig, SECRET, now=NOW)


def test_owner_gets_the_ticket_another_user_gets_nothing(session) -> None:
    _, standard, _ = make_event_with_vip(session)
    owner = make_user(session, "owner@example.com", "Owner")
    stranger = make_user(session, "stranger@example.com", "Stranger")
    order, _ = make_order(session, [(standard, 1)], user_id=owner.id)
    (ticket,) = issue_tickets(session, order.id)
    assert downloadable_ticket(session, ticket.code, owner.id).id == ticket.id
    assert downloadable_ticket(session, ticket.code, stranger.id) is None
    assert downloadable_ticket(session, "ZZZZ-ZZZZ", owner.id) is None
    assert downloadable_ticket(session, ticket.code, None).id == ticket.id  # authorized by a signed link


def test_absolute_download_url_uses_settings() -> None:
    from ticketapp.services.tickets.links import ticket_download_url
    from ticketapp.settings import get_settings

    settings = get_settings()
    url = ticket_download_url("ABCD-EFGH", settings, now=NOW)
    assert url.startswith(f"{settings.base_url}/api/tickets/ABCD-EFGH.pdf?exp=")
    code, exp, sig = parts(url.removeprefix(settings.base_url))
    assert int(exp) == int((NOW + timedelta(hours=settings.ticket_link_ttl_hours)).timestamp())
    assert link_is_valid(code, exp, sig, settings.secret_key, now=NOW)
