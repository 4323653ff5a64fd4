"""Alerts: when the security log or the payment tries cross a threshold, every active admin gets
one e-mail (and SECURITY_ALERT_WEBHOOK_URL, when set, one JSON POST) per alert and window.

Run every minute by a job (`ticketapp.tasks.security_alerts`). Each alert is a `SecurityAlert`
row whose (kind, window) is unique, so a burst that lasts several runs alerts once per window,
and two workers racing insert it once.
"""

from __future__ import annotations

import json
import logging
import urllib.request
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from ticketapp.i18n import msgid, translate
from ticketapp.models import PaymentAttempt, Role, SecurityAlert, SecurityEvent, SecurityEventKind, User, utcnow
from ticketapp.services.accounts.security_log import ClientInfo, record_event
from ticketapp.services.shared.mail import compose, queue_mail
from ticketapp.settings import get_settings

log = logging.getLogger(__name__)
E = SecurityEventKind
STAFF_ROLES = (Role.ADMIN, Role.AGENT)


@dataclass(frozen=True)
class Alert:
    kind: str
    window_key: str
    detail: str
    # For an alert about one sign-in: that event, copied to the security log as what was noticed.
    about: SecurityEvent | None = None


def _window(now: datetime, minutes: int) -> tuple[datetime, str]:
    """The current fixed window [start, start + minutes) and its key."""
    span = max(minutes, 1) * 60
    start = int(now.timestamp()) // span * span
    return datetime.fromtimestamp(start, now.tzinfo), f"{start}/{span}"


def _count_events(session: Session, kind: str, since: datetime) -> int:
    query = select(func.count()).where(SecurityEvent.kind == kind, col(SecurityEvent.occurred_at) >= since)
    return int(session.exec(query).one())


def failed_sign_ins(session: Session, now: datetime) -> list[Alert]:
    cfg = get_settings().risk
    since = now - timedelta(minutes=cfg.alert_window_minutes)
    count = _count_events(session, E.SIGN_IN_FAILED, since)
    if count < cfg.alert_failed_sign_ins:
        return []
    _, key = _window(now, cfg.alert_window_minutes)
    return [Alert("failed_sign_ins", key, f"{count} failed sign-ins in the last {cfg.alert_window_minutes} minutes")]


def card_testing_burst(session: Session, now: datetime) -> list[Alert]:
    cfg = get_settings().risk
    since = now - timedelta(minutes=cfg.alert_window_minutes)
    count = int(
        session.exec(
            select(func.count()).where(
                col(PaymentAttempt.declined),
                col(PaymentAttempt.amount_minor) <= cfg.card_test_small_minor,
                col(PaymentAttempt.at) >= since,
            )
        ).one()
    )
    if count < cfg.card_test_declines:
        return []
    _, key = _window(now, cfg.alert_window_minutes)
    return [
        Alert("card_testing", key, f"{count} small declined payments in the last {cfg.alert_window_minutes} minutes")
    ]


def forged_webhooks(session: Session, now: datetime) -> list[Alert]:
    cfg = get_settings().risk
    since = now - timedelta(minutes=cfg.alert_window_minutes)
    events = session.exec(
        select(SecurityEvent)
        .where(SecurityEvent.kind == E.WEBHOOK_FORGED, col(SecurityEvent.occurred_at) >= since)
        .order_by(col(SecurityEvent.id))
    ).all()
    if not events:
        return []
    _, key = _window(now, cfg.alert_window_minutes)
    ips = sorted({e.ip for e in events if e.ip})
    return [
        Alert("webhook_forged", key, f"{len(events)} webhook(s) with a bad signature, from {', '.join(ips) or '?'}")
    ]


def staff_new_devices(session: Session, now: datetime) -> list[Alert]:
    """A staff sign-in from a browser (user agent) that account never signed in from before."""
    cfg = get_settings().risk
    since = now - timedelta(minutes=cfg.alert_window_minutes)
    recent = session.exec(
        select(SecurityEvent, User)
        .join(User, col(User.id) == SecurityEvent.user_id)
        .where(
            SecurityEvent.kind == E.SIGN_IN_OK,
            col(SecurityEvent.occurred_at) >= since,
            col(User.role).in_(STAFF_ROLES),
        )
        .order_by(col(SecurityEvent.id))
    ).all()
    found = []
    for event, user in recent:
        seen_before = session.exec(
            select(SecurityEvent.id).where(
                SecurityEvent.user_id == user.id,
                SecurityEvent.kind == E.SIGN_IN_OK,
                SecurityEvent.user_agent == event.user_agent,
                col(SecurityEvent.id) < event.id,
            )
        ).first()
        first_ever = (
            session.exec(
                select(SecurityEvent.id).where(
                    SecurityEvent.user_id == user.id,
                    SecurityEvent.kind == E.SIGN_IN_OK,
                    col(SecurityEvent.id) < event.id,
                )
            ).first()
            is None
        )
        if seen_before is None and not first_ever:
            found.append(
                Alert(
                    "staff_new_device",
                    f"event-{event.id}",
                    f"{user.email} ({user.role}) signed in from a new device: {event.user_agent[:200]} at {event.ip}",
                    about=event,
                )
            )
    return found


CHECKS = (failed_sign_ins, card_testing_burst, forged_webhooks, staff_new_devices)

SUBJECTS = {
    "failed_sign_ins": msgid("Security alert: many failed sign-ins"),
    "card_testing": msgid("Security alert: card-testing burst"),
    "webhook_forged": msgid("Security alert: forged payment webhook"),
    "staff_new_device": msgid("Security alert: staff sign-in from a new device"),
}


def _claim(session: Session, alert: Alert, now: datetime) -> SecurityAlert | None:
    """Insert the alert row; None when this (kind, window) alerted already."""
    if session.exec(
        select(SecurityAlert.id).where(SecurityAlert.kind == alert.kind, SecurityAlert.window_key == alert.window_key)
    ).first():
        return None
    row = SecurityAlert(kind=alert.kind, window_key=alert.window_key, detail=alert.detail[:1000], created_at=now)
    session.add(row)
    try:
        session.commit()
    except IntegrityError:  # another worker claimed it first
        session.rollback()
        return None
    return row


def _admins(session: Session) -> list[User]:
    return list(
        session.exec(
            select(User).where(User.role == Role.ADMIN, col(User.is_blocked).is_(False), col(User.deleted_at).is_(None))
        )
    )


def _post_webhook(url: str, alert: Alert) -> None:
    if not url.startswith(("https://", "http://")):
        log.warning("SECURITY_ALERT_WEBHOOK_URL must be an http(s) URL; alert not posted")
        return
    body = json.dumps({"kind": alert.kind, "window": alert.window_key, "detail": alert.detail}).encode()
    headers = {"Content-Type": "application/json"}
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310  (http(s) only)
    try:
        with urllib.request.urlopen(request, timeout=5):  # noqa: S310  (http(s) only, checked above)
            pass
    except OSError as exc:
        log.warning("security alert webhook failed: %s", exc)


def send_alerts(session: Session, *, now: datetime | None = None) -> list[SecurityAlert]:
    """Check every threshold; alert the admins once per new (kind, window). Returns the alerts sent."""
    now = now or utcnow()
    settings = get_settings()
    sent = []
    for check in CHECKS:
        for alert in check(session, now):
            row = _claim(session, alert, now)
            if row is None:
                continue
            if alert.about is not None:
                seen = alert.about
                client = ClientInfo(ip=seen.ip, user_agent=seen.user_agent)
                record_event(session, E.STAFF_NEW_DEVICE, client, user_id=seen.user_id, email=seen.email)
            for admin in _admins(session):
                lang = admin.locale if admin.locale in settings.supported_locales else "en"
                subject = translate(lang, SUBJECTS[alert.kind])
                body = compose(
                    [alert.detail, translate(lang, msgid("Open the security view to see the events."))],
                    lang=lang,
                    link_label=translate(lang, msgid("Security events")),
                    link_url=f"{settings.base_url}/admin/security",
                )
                queue_mail(session, admin.email, subject, body.text, body.html)
            if settings.risk.alert_webhook_url:
                _post_webhook(settings.risk.alert_webhook_url, alert)
            row.sent_at = utcnow()
            session.add(row)
            session.commit()
            sent.append(row)
    return sent


def record_forged_webhook(session: Session, client: ClientInfo, provider: str, why: str) -> None:
    """A webhook whose signature did not verify: into the security log (commits)."""
    record_event(session, E.WEBHOOK_FORGED, client, detail=f"{provider}: {why}"[:1000])
    session.commit()
