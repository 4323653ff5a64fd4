"""Outgoing webhooks against a real HTTP receiver on loopback (services/webhooks).

The retry schedule is driven by an explicit clock (`send_due(now=…)`), so three days pass in a test.
"""

from __future__ import annotations

import itertools
import re
from datetime import timedelta
from email import policy
from email.parser import BytesParser
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session, col, select

from tests.factories import make_pending_order, make_user
from tests.fakes.webhook_receiver import Receiver
from ticketapp.models import User, WebhookDelivery, WebhookEndpoint, utcnow
from ticketapp.services.accounts.accounts import sign_up
from ticketapp.services.accounts.security_log import ClientInfo
from ticketapp.services.orders import payments
from ticketapp.services.webhooks import admin, delivery, events, signing
from ticketapp.services.webhooks.urls import WebhookUrlError, check_url
from ticketapp.settings import get_settings

pytestmark = pytest.mark.usefixtures("loopback_allowed")
DOC = Path(__file__).resolve().parents[3] / "docs" / "webhooks.md"


def _doc_verifier() -> Any:
    """The receiver's verification snippet from docs/webhooks.md, run as a receiver would paste it."""
    snippet = re.findall(r"```python\n(.*?)```", DOC.read_text(), re.S)[0]
    scope: dict[str, Any] = {}
    exec(snippet, scope)
    return scope["verify_webhook"]


def _endpoint(session: Session, receiver: Receiver, organiser: User, *types: str) -> tuple[WebhookEndpoint, str]:
    return admin.create_endpoint(
        session, receiver.url, list(types) or ["order.placed"], "CRM", actor_id=organiser.id or 0
    )


def _deliveries(session: Session) -> list[WebhookDelivery]:
    session.expire_all()
    return list(session.exec(select(WebhookDelivery).order_by(col(WebhookDelivery.id))).all())


def test_a_placed_order_is_posted_signed_and_logged(session: Session, receiver: Receiver, organiser: User) -> None:
    endpoint, secret = _endpoint(session, receiver, organiser)
    assert secret.startswith("whsec_")
    order, _ = make_pending_order(session, quantity=2)

    [request] = receiver.wait_for(1)
    event = request.event
    assert event["type"] == "order.placed"
    assert event["data"]["code"] == order.code and event["data"]["status"] == "pending"
    assert request.headers["Webhook-Id"] == event["id"]
    assert request.headers["Content-Type"] == "application/json"
    verify = _doc_verifier()
    assert verify(secret, request.headers, request.body.encode())
    assert not verify("whsec_wrong", request.headers, request.body.encode())
    tampered = request.body.replace(order.code, "XXXXXX").encode()
    assert not verify(secret, request.headers, tampered)
    old = dict(request.headers, **{"Webhook-Timestamp": str(int(request.headers["Webhook-Timestamp"]) - 3600)})
    assert not verify(secret, old, request.body.encode())  # an hour-old capture is refused

    [row] = _deliveries(session)
    assert (row.status, row.attempts, row.response_status, row.event_id) == ("delivered", 1, 200, event["id"])
    assert '"ok"' in row.response_excerpt and row.payload == request.body
    assert row.endpoint_id == endpoint.id


def test_a_payment_and_a_sign_up_are_delivered_to_the_endpoints_that_want_them(
    session: Session, receiver: Receiver, organiser: User
) -> None:
    _endpoint(session, receiver, organiser, "order.paid", "customer.created")
    order, _ = make_pending_order(session)  # order.placed: not subscribed
    payments.record_payment(
        session, order.id or 0, provider="demo", reference="demo-1", amount_minor=order.total_minor, currency="EUR"
    )
    [paid] = receiver.wait_for(1)
    assert paid.event["type"] == "order.paid" and paid.event["data"]["status"] == "paid"
    sign_up(session, "new@example.com", "New Customer", "a long good passphrase 42", "en", ClientInfo(ip="192.0.2.1"))
    received = receiver.wait_for(2)
    assert received[1].event["type"] == "customer.created"
    assert received[1].event["data"]["email"] == "new@example.com"
    assert len({r.headers["Webhook-Id"] for r in received}) == 2


def test_a_rolled_back_fact_sends_nothing(session: Session, receiver: Receiver, organiser: User) -> None:
    _endpoint(session, receiver, organiser, "customer.created")
    user = make_user(session, "x@example.com")
    events.record(session, "customer.created", events.customer_data(user))
    session.rollback()
    assert _deliveries(session) == []
    assert delivery.send_due(session) == 0 and receiver.received == []


def test_failures_are_retried_on_the_schedule_for_three_days_then_the_endpoint_is_disabled(
    session: Session, receiver: Receiver, organiser: User
) -> None:
    receiver.answers = [500]
    endpoint, _ = _endpoint(session, receiver, organiser)
    make_pending_order(session)
    receiver.wait_for(1)  # the first try, at once
    [row] = _deliveries(session)
    assert (row.status, row.attempts) == ("pending", 1)
    start = row.created_at
    for number, offset in enumerate(delivery.RETRY_OFFSETS[1:], start=2):
        assert delivery.send_due(session, now=start + offset - timedelta(seconds=1)) == 0  # not before its time
        assert delivery.send_due(session, now=start + offset) == 1
        assert len(receiver.wait_for(number)) == number
    assert delivery.RETRY_OFFSETS[-1] == timedelta(days=3)
    ids = {r.headers["Webhook-Id"] for r in receiver.received}
    stamps = [int(r.headers["Webhook-Timestamp"]) for r in receiver.received]
    assert len(ids) == 1 and stamps == sorted(stamps)  # the same event id, tries in order
    gaps = [b - a for a, b in itertools.pairwise(stamps[1:])]
    assert gaps == sorted(gaps)  # the delays grow (exponential-like backoff)
    [row] = _deliveries(session)
    assert (row.status, row.attempts, row.response_status) == ("failed", 10, 500)
    session.refresh(endpoint)
    assert not endpoint.enabled and "10 attempts" in endpoint.disabled_reason
    mails = [
        BytesParser(policy=policy.default).parsebytes(p.read_bytes()) for p in get_settings().outbox_dir.glob("*.eml")
    ]
    notice = [
        m
        for m in mails
        if m["Subject"] == "Webhook endpoint disabled" and receiver.url in m.get_body(("plain",)).get_content()
    ]
    assert [m["To"] for m in notice] == ["organiser@example.com"]


def test_a_410_disables_the_endpoint_at_once_and_later_events_are_not_recorded(
    session: Session, receiver: Receiver, organiser: User
) -> None:
    receiver.answers = [410]
    endpoint, _ = _endpoint(session, receiver, organiser)
    make_pending_order(session)
    receiver.wait_for(1)
    [row] = _deliveries(session)
    assert (row.status, row.response_status) == ("failed", 410)
    session.refresh(endpoint)
    assert not endpoint.enabled and "410" in endpoint.disabled_reason
    make_pending_order(session, buyer_email="other@example.com")
    assert len(_deliveries(session)) == 1
    assert delivery.send_due(session, now=utcnow() + timedelta(days=4)) == 0
    assert len(receiver.received) == 1


def test_an_unreachable_receiver_is_a_failed_try_not_an_error(session: Session, organiser: User) -> None:
    dead = Receiver().start()
    url = dead.url
    dead.stop()  # nothing listens there any more
    admin.create_endpoint(session, url, ["order.placed"], "", actor_id=organiser.id or 0)
    make_pending_order(session)
    [row] = _deliveries(session)
    assert (row.status, row.attempts, row.response_status) == ("pending", 1, None)
    assert row.response_excerpt.startswith("no answer")


def test_replay_sends_the_same_event_id_again_as_a_new_log_row(
    session: Session, receiver: Receiver, organiser: User
) -> None:
    endpoint, _ = _endpoint(session, receiver, organiser)
    make_pending_order(session)
    [first] = receiver.wait_for(1)
    [row] = _deliveries(session)
    admin.replay(session, row.id or 0, actor_id=organiser.id or 0)
    received = receiver.wait_for(2)
    assert received[1].headers["Webhook-Id"] == first.headers["Webhook-Id"]
    assert received[1].body == first.body
    rows, total = admin.deliveries(session, endpoint.id or 0)
    assert total == 2 and [r.status for r in rows] == ["delivered", "delivered"]
    with pytest.raises(admin.WebhookAdminError):
        admin.replay(session, 9999, actor_id=organiser.id or 0)


def test_the_delivery_log_is_paged_newest_first(session: Session, receiver: Receiver, organiser: User) -> None:
    endpoint, _ = _endpoint(session, receiver, organiser, "customer.created")
    user = make_user(session, "c@example.com")
    for _ in range(admin.PAGE_SIZE + 3):
        events.record(session, "customer.created", events.customer_data(user))
    session.commit()
    first, total = admin.deliveries(session, endpoint.id or 0, 0)
    second, _ = admin.deliveries(session, endpoint.id or 0, 1)
    assert total == admin.PAGE_SIZE + 3 and len(first) == admin.PAGE_SIZE and len(second) == 3
    assert first[0].id > first[-1].id > second[0].id
    [row] = admin.list_endpoints(session)
    assert row.delivered == admin.PAGE_SIZE + 3


def test_rotating_the_secret_signs_the_next_deliveries_with_the_new_one(
    session: Session, receiver: Receiver, organiser: User
) -> None:
    endpoint, old = _endpoint(session, receiver, organiser)
    new = admin.rotate_secret(session, endpoint.id or 0, actor_id=organiser.id or 0)
    assert new != old
    make_pending_order(session)
    [request] = receiver.wait_for(1)
    stamp = int(request.headers["Webhook-Timestamp"])
    sig = request.headers["Webhook-Signature"]
    assert signing.verify(new, request.headers["Webhook-Id"], stamp, request.body, sig)
    assert not signing.verify(old, request.headers["Webhook-Id"], stamp, request.body, sig)


def test_bad_endpoints_are_refused_with_a_reason(session: Session, organiser: User) -> None:
    actor = organiser.id or 0
    with pytest.raises(admin.WebhookAdminError, match="at least one"):
        admin.create_endpoint(session, "http://127.0.0.1:9/x", [], "", actor_id=actor)
    with pytest.raises(admin.WebhookAdminError, match="Unknown event"):
        admin.create_endpoint(session, "http://127.0.0.1:9/x", ["order.stolen"], "", actor_id=actor)
    assert session.exec(select(WebhookEndpoint)).all() == []


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("", "Enter the URL"),
        ("ftp://example.com/x", "must start with https://"),
        ("https://", "must start with https://"),
        ("https://user:pw@example.com/", "user name or password"),
        ("http://169.254.169.254/latest/meta-data/", "link-local"),
        ("http://[fe80::1]/", "link-local"),
        ("http://[::ffff:169.254.169.254]/", "link-local"),
        ("http://metadata.google.internal/computeMetadata/v1/", "metadata"),
        ("http://0.0.0.0:8000/", "link-local or reserved"),
        ("https://example.com:99999/", "port"),
        ("https://" + "a" * 2000 + ".com/", "too long"),
        ("https://no-such-host.invalid/", "cannot be found"),
    ],
)
def test_url_guard(url: str, reason: str) -> None:
    with pytest.raises(WebhookUrlError) as refused:
        check_url(url)
    assert reason in refused.value.translated("en")


def test_loopback_and_private_addresses_need_the_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    assert check_url(" http://127.0.0.1:8080/hooks ") == "http://127.0.0.1:8080/hooks"
    monkeypatch.setenv("WEBHOOKS_ALLOW_PRIVATE", "0")
    get_settings.cache_clear()
    for url in ("http://127.0.0.1:8080/hooks", "http://localhost/", "http://10.1.2.3/", "http://[::1]/"):
        with pytest.raises(WebhookUrlError, match="private or loopback"):
            check_url(url)
