"""Bot friction without outside services, for public forms (sign-up, guest checkout).

- A honeypot: a field people never see or fill (hidden from sight, from screen readers and
  from the keyboard), which form-filling bots do.
- A time check: a form sent sooner than `BOT_FORM_MIN_SECONDS` after the page showed it (or by a
  client that never loaded the page) is a script's.
- Sign-ups per IP: at most `SIGN_UPS_PER_IP_PER_HOUR` accounts created from one address an hour.
- Blocked e-mails, domains and networks (services/risk/blocks) cannot sign up either.

A refusal is said plainly to the visitor and written to the security log (`bot_refused`; the
per-IP limit as `throttled`).
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func
from sqlmodel import Session, col, select

from ticketapp.i18n import msgid
from ticketapp.models import SecurityEvent, SecurityEventKind, utcnow
from ticketapp.services.accounts.security_log import ClientInfo, record_event
from ticketapp.services.errors import DomainError
from ticketapp.services.risk.blocks import matching_blocks
from ticketapp.settings import get_settings

HONEYPOT_FIELD = "website"  # a plausible name that autofill leaves alone (autocomplete="off")
TOO_FAST = msgid("That was quicker than a person can fill in this form. Please wait a few seconds and try again.")


class BotRefusedError(DomainError):
    """The form looked automated (nothing was created)."""


def form_problem(honeypot: str, shown_at: float, now: float) -> str | None:
    """Why this submission looks automated (English, for the log), or None."""
    if honeypot.strip():
        return "honeypot field filled in"
    if shown_at <= 0:
        return "form sent without the page being loaded"
    if now - shown_at < get_settings().risk.form_min_seconds:
        return f"form sent {now - shown_at:.1f} s after it was shown"
    return None


def _refuse(
    session: Session,
    client: ClientInfo,
    email: str,
    form: str,
    why: str,
    message: str,
    kind: SecurityEventKind = SecurityEventKind.BOT_REFUSED,
) -> BotRefusedError:
    record_event(session, kind, client, email=email[:320], detail=f"{form}: {why}")
    session.commit()
    return BotRefusedError(message)


def screen_form(
    session: Session, form: str, honeypot: str, shown_at: float, now: float, client: ClientInfo, email: str = ""
) -> None:
    """Refuse (BotRefusedError, logged) a submission that looks automated."""
    why = form_problem(honeypot, shown_at, now)
    if why is not None:
        raise _refuse(session, client, email, form, why, TOO_FAST)


def screen_sign_up(
    session: Session, honeypot: str, shown_at: float, now: float, client: ClientInfo, email: str
) -> None:
    """Everything a sign-up must pass before an account is made: the form checks, the per-IP limit, the blocks."""
    screen_form(session, "sign-up", honeypot, shown_at, now, client, email)
    limit = get_settings().risk.sign_ups_per_ip_per_hour
    if client.ip:
        recent = session.exec(
            select(func.count()).where(
                SecurityEvent.kind == SecurityEventKind.SIGN_UP,
                SecurityEvent.ip == client.ip,
                col(SecurityEvent.occurred_at) >= utcnow() - timedelta(hours=1),
            )
        ).one()
        if int(recent) >= limit:
            raise _refuse(
                session,
                client,
                email,
                "sign-up",
                f"{recent} sign-ups from this IP in an hour",
                msgid("Too many accounts were created from your network recently. Please try again later."),
                SecurityEventKind.THROTTLED,
            )
    if matching_blocks(session, email, client.ip):
        raise _refuse(
            session,
            client,
            email,
            "sign-up",
            "blocked e-mail, domain or network",
            msgid("We could not create this account. If you think this is a mistake, please contact our support team."),
        )
