"""Due work (services.shared.due): recorded with its cause, done by its job, re-enqueued when lost."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import Session, select
from starlette.responses import PlainTextResponse
from starlette.testclient import TestClient

from tests.factories import make_pending_order
from ticketapp import settings as settings_module
from ticketapp.api.routes import with_api_routes
from ticketapp.models import DueJob, utcnow
from ticketapp.services import hooks
from ticketapp.services.orders import payments
from ticketapp.services.shared import due


def _pay(session: Session) -> int:
    order, _ = make_pending_order(session)
    outcome = payments.record_payment(
        session,
        order.id or 0,
        provider="demo",
        reference=f"demo-{order.code}",
        amount_minor=order.total_minor,
        currency=order.currency,
    )
    assert outcome is payments.PaymentOutcome.PAID
    return order.id or 0


def _jobs(session: Session) -> list[DueJob]:
    session.expire_all()
    return list(session.exec(select(DueJob).order_by(DueJob.id)).all())  # type: ignore[arg-type]


def test_paying_records_the_fulfilment_and_its_mail_as_due_and_the_jobs_mark_them_done(session: Session) -> None:
    order_id = _pay(session)  # JOBS_IMMEDIATE=1: the jobs ran inline
    kinds = {(job.kind, job.done_at is not None) for job in _jobs(session)}
    assert kinds == {("order.paid", True), ("mail.queued", True)}
    assert any(job.key == str(order_id) for job in _jobs(session))


def test_a_failing_queue_never_reaches_the_payer_and_the_reconciler_sends_later(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    paid = hooks._subscribers["order.paid"]

    def queue_down(**_: Any) -> None:
        raise OSError("queue unwritable")

    monkeypatch.setitem(hooks._subscribers, "order.paid", queue_down)
    order_id = _pay(session)  # no exception
    [job] = _jobs(session)
    assert (job.kind, job.key, job.done_at) == ("order.paid", str(order_id), None)

    later = utcnow() + timedelta(seconds=settings_module.get_settings().due_grace_s + 1)
    assert due.reconcile(session, hooks.emit, now=later) == 0  # still down: error kept, pushed back
    [job] = _jobs(session)
    assert job.attempts == 1 and "queue unwritable" in job.last_error and job.next_at > later

    monkeypatch.setitem(hooks._subscribers, "order.paid", paid)
    assert due.reconcile(session, hooks.emit, now=later) == 0  # not before its backoff
    assert due.reconcile(session, hooks.emit, now=job.next_at) == 1
    assert all(job.done_at is not None for job in _jobs(session))  # tickets and confirmation mail both done


def test_a_claimed_job_is_not_done_twice_until_its_claim_lapses(session: Session) -> None:
    due.record(session, "mail.queued", "k1", payload={})
    session.commit()
    now = utcnow()
    assert due.claim(session, "mail.queued", "k1", now=now)
    assert not due.claim(session, "mail.queued", "k1", now=now + timedelta(seconds=1))
    grace = settings_module.get_settings().due_grace_s
    assert due.claim(session, "mail.queued", "k1", now=now + timedelta(seconds=grace + 1))  # the taker died
    due.mark_done(session, "mail.queued", "k1")
    assert not due.claim(session, "mail.queued", "k1", now=now + timedelta(days=1))
    assert due.claim(session, "mail.queued", "never-recorded")  # work nobody recorded just runs


def test_health_turns_not_ready_when_due_work_waits_too_long(
    session: Session, app_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def reflex_stand_in(scope, receive, send) -> None:  # type: ignore[no-untyped-def]
        await PlainTextResponse("reflex")(scope, receive, send)

    client = TestClient(with_api_routes(reflex_stand_in))
    assert client.get("/api/health").json()["fulfilment_backlog_age_s"] is None
    session.add(DueJob(kind="order.paid", key="1", payload="{}", created_at=utcnow() - timedelta(seconds=30)))
    session.commit()
    body = client.get("/api/health").json()
    assert body["status"] == "ok" and 30 <= body["fulfilment_backlog_age_s"] < 60
    monkeypatch.setenv("DUE_BACKLOG_ALERT_S", "10")
    settings_module.get_settings.cache_clear()
    try:
        response = client.get("/api/health")
    finally:
        monkeypatch.delenv("DUE_BACKLOG_ALERT_S")
        settings_module.get_settings.cache_clear()
    assert response.status_code == 503 and response.json()["fulfilment"] == "backlog"
