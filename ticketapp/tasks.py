"""Background jobs (DESIGN.md "Jobs").

Huey keeps its queue in SQLite by default and in Redis when REFLEX_REDIS_URL
is set: the same task code runs on one laptop or many workers. With
JOBS_IMMEDIATE=1 (tests) tasks run inline in the caller.

Services never import this module: they emit `services.hooks` events and the
jobs below subscribe to them. The app module and the worker import it, so both
processes have every subscriber.
"""

from __future__ import annotations

import logging
from typing import Any

from huey import Huey, RedisHuey, SqliteHuey, crontab
from huey.signals import SIGNAL_COMPLETE, SIGNAL_ERROR, SIGNAL_RETRYING

from ticketapp.db import session_scope
from ticketapp.services import hooks
from ticketapp.services.api_access import idempotency
from ticketapp.services.booking.checkout import sweep_expired
from ticketapp.services.messaging import messages as messaging
from ticketapp.services.ops import metrics
from ticketapp.services.ops.backup import create_backup, prune_backups, record_good_backup
from ticketapp.services.orders.fulfilment import after_payment, after_refund, resend_confirmation
from ticketapp.services.risk.alerts import send_alerts
from ticketapp.services.shared import due
from ticketapp.services.shared.heartbeat import HEARTBEAT_JOB, HOLD_SWEEP_JOB, RECONCILE_JOB, record_heartbeat
from ticketapp.services.shared.mail import MAIL_JOB, deliver_payload
from ticketapp.services.support import chat as support_chat
from ticketapp.services.support.mail import send_agent_reply
from ticketapp.services.tickets.issuing import issue_tickets
from ticketapp.services.tickets.pdf import order_pdf
from ticketapp.services.tickets.tokens import get_signing_key
from ticketapp.services.waitlist import offers as waitlist_offers
from ticketapp.services.webhooks import delivery as webhook_delivery
from ticketapp.settings import get_settings


def _make_huey() -> Huey:
    settings = get_settings()
    if settings.redis_url:
        return RedisHuey("ticketapp", url=settings.redis_url, immediate=settings.jobs_immediate)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return SqliteHuey("ticketapp", filename=str(settings.huey_db_path), immediate=settings.jobs_immediate)


huey = _make_huey()


@huey.signal(SIGNAL_ERROR, SIGNAL_RETRYING, SIGNAL_COMPLETE)
def _count_outcome(signal: str, task: Any, exc: BaseException | None = None) -> None:
    """Job failures, retries and completions for /metrics (written to the multiprocess folder)."""
    counter = {SIGNAL_ERROR: metrics.JOB_FAILURES, SIGNAL_RETRYING: metrics.JOB_RETRIES}.get(signal, metrics.JOBS_DONE)
    counter.labels(task.name).inc()


@huey.periodic_task(crontab(minute="*"), retries=3, retry_delay=10)
def heartbeat() -> None:
    """Runs every minute; the health route reports its age to monitoring."""
    with session_scope() as session:
        record_heartbeat(session, HEARTBEAT_JOB)


@hooks.on("order.tickets_render")
@huey.task(retries=3, retry_delay=30)
def render_order_tickets(order_id: int, lang: str) -> str:
    """Render (or find in the cache) the PDF of an order's tickets; returns its path."""
    settings = get_settings()
    with session_scope() as session:
        path = order_pdf(session, order_id, lang, get_signing_key(), settings.ticket_cache_dir, settings.organiser_name)
    return str(path)


@huey.task(retries=3, retry_delay=30)
def issue_and_render_tickets(order_id: int, lang: str) -> str:
    """After payment: create the order's tickets (idempotent), then render its PDF; returns the PDF path."""
    with session_scope() as session:
        issue_tickets(session, order_id)
    return render_order_tickets.call_local(order_id, lang)


@hooks.on("mail.queued")
@huey.task(retries=5, retry_delay=30)
def deliver_mail_job(payload: dict[str, Any]) -> str:
    """Deliver one queued mail (SMTP or outbox); retried when the server is down.

    A mail recorded as due (`queue_mail`) is sent by one copy of the job only (`due.claim`).
    """
    key = payload.get("due_key")
    if key is None:
        return deliver_payload(payload)
    with session_scope() as session, due.claimed(session, MAIL_JOB, key) as mine:
        return deliver_payload(payload) if mine else "sent already, or being sent"


@hooks.on("support.reply_sent")
@huey.task(retries=5, retry_delay=30)
def send_support_reply(message_id: int) -> None:
    """E-mail an agent's ticket reply to the customer (retried if SMTP is down)."""
    with session_scope() as session, due.claimed(session, "support.reply_sent", message_id) as mine:
        if mine:  # else sent already, or another copy of this job is sending it
            send_agent_reply(session, message_id)


@huey.periodic_task(crontab(minute="*"), retries=3, retry_delay=10)
def sweep_holds() -> None:
    """Every minute: delete long-expired holds and expire lapsed pending orders.

    Availability never depends on this job (expired holds stop counting at
    once); it keeps the tables small and order statuses truthful.
    """
    with session_scope() as session:
        sweep_expired(session)
        record_heartbeat(session, HOLD_SWEEP_JOB)


@huey.periodic_task(crontab(minute="*"), retries=3, retry_delay=10)
def close_abandoned_chats() -> None:
    """Every minute: a chat nobody wrote in for half an hour becomes a request (no chat waits forever)."""
    with session_scope() as session:
        support_chat.close_abandoned_chats(session)


@huey.periodic_task(crontab(minute="*"))
def reconcile_due() -> None:
    """Every minute: re-enqueue the follow-up work (tickets, mails) that a lost job left undone.

    Each job marks its due record done; one still undone after DUE_GRACE_S is enqueued
    again, with a growing delay between attempts (services.shared.due).
    """
    with session_scope() as session:
        due.reconcile(session, hooks.emit)
        record_heartbeat(session, RECONCILE_JOB)


@huey.periodic_task(crontab(minute="40"))
def forget_idempotency_keys() -> int:
    """Every hour: drop the API's stored POST answers once older than a day (services.api_access.idempotency)."""
    with session_scope() as session:
        return idempotency.forget_old(session)


@huey.periodic_task(crontab(hour="3", minute="15"), retries=2, retry_delay=600)
def daily_backup() -> str:
    """Every day at 03:15 (UTC): one verified archive (with files and secrets when BACKUP_PASSPHRASE is
    set), then the retention rule: the newest archive of each of the last 7 days and of the last 4 weeks."""
    settings = get_settings()
    result = create_backup(passphrase=settings.backup_passphrase, settings=settings)
    with session_scope() as session:
        record_good_backup(session, result)
    removed = prune_backups(result.path.parent)
    logging.getLogger(__name__).info("backup %s (%s bytes), %s pruned", result.path.name, result.size, len(removed))
    return str(result.path)


@huey.periodic_task(crontab(minute="*"))
def security_alerts() -> None:
    """Every minute: e-mail the admins about thresholds crossed (once per alert and window; services.risk.alerts)."""
    with session_scope() as session:
        send_alerts(session)


@hooks.on("order.paid")
@huey.task(retries=5, retry_delay=30)
def order_paid(order_id: int) -> None:
    with session_scope() as session:
        after_payment(session, order_id)
        due.mark_done(session, "order.paid", order_id)


@hooks.on("order.refunded")
@huey.task(retries=5, retry_delay=30)
def order_refunded(order_id: int, refund_id: int) -> None:
    with session_scope() as session:
        after_refund(session, order_id, refund_id)
        due.mark_done(session, "order.refunded", refund_id)


@hooks.on("order.confirmation_resend")
@huey.task(retries=5, retry_delay=30)
def resend_order_email(order_id: int) -> None:
    """Send an order's confirmation e-mail (with its tickets) again, on request of an admin or the customer."""
    with session_scope() as session:
        if not resend_confirmation(session, order_id):
            logging.getLogger(__name__).info("order %s has no tickets to resend", order_id)


@hooks.on("waitlist.seats_back")
@huey.task(retries=5, retry_delay=30)
def offer_to_waiting_lists(ticket_type_ids: list[int]) -> None:
    """Seats came back (refund, lapsed hold or order, more capacity): offer them to the next people in line."""
    for ticket_type_id in ticket_type_ids:
        with session_scope() as session:
            waitlist_offers.offer_free_seats(session, ticket_type_id)


@huey.periodic_task(crontab(minute="*"))
def waiting_list_offers() -> None:
    """Every minute: pass on offers that lapsed and offer what is free, for every type with a list.

    The jobs above are started by the events that free seats; this one catches what they missed
    (a lost job, seats freed by a path that announces nothing)."""
    with session_scope() as session:
        type_ids = waitlist_offers.types_to_offer(session)
    offer_to_waiting_lists.call_local(type_ids)


@hooks.on("messaging.send")
@huey.task(retries=5, retry_delay=30)
def send_message(message_id: int) -> None:
    """An organiser's one-off message: its batches, each recipient once (services.messaging.messages)."""
    with session_scope() as session:
        messaging.send_all(session, message_id)


@huey.periodic_task(crontab(minute="*"))
def scheduled_messages() -> None:
    """Every minute: start the reminders and messages whose moment relative to the event has come."""
    with session_scope() as session:
        messaging.send_due(session)


@hooks.on("webhooks.due")
@huey.task(retries=2, retry_delay=10)
def deliver_webhooks() -> int:
    """Deliveries were recorded (or replayed, or an endpoint enabled): send everything due now."""
    with session_scope() as session:
        return webhook_delivery.send_due(session)


@huey.periodic_task(crontab(minute="*"))
def send_webhooks() -> None:
    """Every minute: send the webhook deliveries whose (re)try time came; the schedule is in the database,
    so a killed worker or a lost `deliver_webhooks` job only delays a delivery (services.webhooks.delivery)."""
    with session_scope() as session:
        webhook_delivery.send_due(session)
