"""Alerts to the admins: thresholds crossed → one e-mail per admin (real SMTP sink) and one JSON POST
to the configured webhook (a real local HTTP server), once per window."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest
from sqlmodel import Session, select

from tests.factories import make_staff, make_user
from tests.support_smtp import MailSink
from ticketapp.models import PaymentAttempt, Role, SecurityAlert, SecurityEvent, SecurityEventKind, User, utcnow
from ticketapp.services.accounts.security_log import ClientInfo
from ticketapp.services.risk import alerts
from ticketapp.settings import get_settings

E = SecurityEventKind


def _mails(sink: MailSink, address: str, subject: str) -> list[Any]:
    """This test's mails: the sink lives for the whole session, and the `admin` fixture's address repeats."""
    return [m for m in sink.mails_to(address) if subject in m.subject]


@pytest.fixture
def hook_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[dict[str, Any]]]:
    received: list[dict[str, Any]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("SECURITY_ALERT_WEBHOOK_URL", f"http://127.0.0.1:{server.server_port}/alerts")
    get_settings.cache_clear()
    yield received
    server.shutdown()
    monkeypatch.delenv("SECURITY_ALERT_WEBHOOK_URL")
    get_settings.cache_clear()


def _events(session: Session, kind: str, n: int, *, ago: timedelta = timedelta(0), **fields: Any) -> None:
    at = utcnow() - ago
    for _ in range(n):
        session.add(SecurityEvent(kind=kind, occurred_at=at, ip="203.0.113.5", **fields))
    session.commit()


def test_fifty_failed_sign_ins_alert_every_admin_once_per_window(
    session: Session, app_db: str, smtp: None, mail_sink: MailSink, admin: User, hook_server: list[dict[str, Any]]
) -> None:
    second = make_staff(session, "second-admin@example.com", "Second", Role.ADMIN)
    before = {a: len(_mails(mail_sink, a, "many failed sign-ins")) for a in (admin.email, second.email)}
    make_user(session, "customer@example.com")
    threshold = get_settings().risk.alert_failed_sign_ins
    _events(session, E.SIGN_IN_FAILED, threshold, ago=timedelta(hours=1))  # long ago: not counted
    _events(session, E.SIGN_IN_FAILED, threshold - 1)
    assert alerts.send_alerts(session) == []
    _events(session, E.SIGN_IN_FAILED, 1)

    [alert] = alerts.send_alerts(session)
    assert alert.kind == "failed_sign_ins" and alert.sent_at is not None
    for address in (admin.email, second.email):
        mails = _mails(mail_sink, address, "many failed sign-ins")
        assert len(mails) == before[address] + 1
        assert f"{threshold} failed sign-ins" in mails[-1].text
        assert "/admin/security" in mails[-1].text
    assert mail_sink.mails_to("customer@example.com") == []
    assert [h["kind"] for h in hook_server] == ["failed_sign_ins"]

    _events(session, E.SIGN_IN_FAILED, 10)  # the burst goes on in the same window: no second alert
    assert alerts.send_alerts(session) == []
    assert len(_mails(mail_sink, admin.email, "many failed sign-ins")) == before[admin.email] + 1
    assert len(session.exec(select(SecurityAlert)).all()) == 1


def test_a_forged_webhook_alerts_with_its_origin(
    session: Session, app_db: str, smtp: None, mail_sink: MailSink, admin: User, hook_server: list[dict[str, Any]]
) -> None:
    before = len(_mails(mail_sink, admin.email, "forged payment webhook"))
    alerts.record_forged_webhook(session, ClientInfo(ip="192.0.2.66"), "stripe", "signature check failed")
    [alert] = alerts.send_alerts(session)
    assert alert.kind == "webhook_forged" and "192.0.2.66" in alert.detail
    assert len(_mails(mail_sink, admin.email, "forged payment webhook")) == before + 1
    assert hook_server[0]["kind"] == "webhook_forged" and "192.0.2.66" in hook_server[0]["detail"]


def test_a_card_testing_burst_alerts(
    session: Session, app_db: str, smtp: None, mail_sink: MailSink, admin: User
) -> None:
    cfg = get_settings().risk
    before = len(_mails(mail_sink, admin.email, "card-testing"))
    for n in range(cfg.card_test_declines):
        session.add(PaymentAttempt(email=f"x{n}@example.com", amount_minor=100, currency="EUR", declined=True))
    session.commit()
    [alert] = alerts.send_alerts(session)
    assert alert.kind == "card_testing"
    assert len(_mails(mail_sink, admin.email, "card-testing")) == before + 1


def test_a_staff_sign_in_from_a_new_device_alerts_but_a_known_one_does_not(
    session: Session, app_db: str, smtp: None, mail_sink: MailSink, admin: User
) -> None:
    agent = make_staff(session, "agent@example.com", "Agent", Role.AGENT)
    before = len(_mails(mail_sink, admin.email, "new device"))
    customer = make_user(session, "buyer@example.com")

    def sign_in(user: User, agent_string: str, ago: timedelta = timedelta(0)) -> None:
        _events(session, E.SIGN_IN_OK, 1, ago=ago, user_id=user.id, email=user.email, user_agent=agent_string)

    sign_in(agent, "Firefox on Linux", timedelta(days=3))  # the first sign-in ever: nothing to compare with
    sign_in(customer, "Firefox on Linux", timedelta(days=3))
    sign_in(customer, "Curl")  # a customer's new device is no staff alert
    sign_in(agent, "Firefox on Linux")
    assert alerts.send_alerts(session) == []
    sign_in(agent, "Chrome on Windows")
    [alert] = alerts.send_alerts(session)
    assert alert.kind == "staff_new_device" and "agent@example.com" in alert.detail and "Chrome" in alert.detail
    assert len(_mails(mail_sink, admin.email, "new device")) == before + 1
    [noticed] = session.exec(select(SecurityEvent).where(SecurityEvent.kind == E.STAFF_NEW_DEVICE)).all()
    assert (noticed.user_id, noticed.user_agent) == (agent.id, "Chrome on Windows")
    assert alerts.send_alerts(session) == []  # that sign-in alerted once
