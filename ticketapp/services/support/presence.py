"""Whether live help is available: opening hours and which agents are online (the panel's heartbeat)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlmodel import Session, select

from ticketapp.models import AgentPresence, utcnow
from ticketapp.models.support import Presence
from ticketapp.services.accounts.access import Viewer
from ticketapp.services.shared import bus
from ticketapp.services.support.tickets import choice, require_agent
from ticketapp.settings import get_settings

DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


def _parse_clock(text: str) -> time:
    hours, minutes = text.split(":")
    return time.max if hours == "24" else time(int(hours), int(minutes))


def _day_span(text: str) -> set[int]:
    first, _, last = text.partition("-")
    start = DAYS.index(first)
    end = DAYS.index(last or first)
    return set(range(start, end + 1))


def support_is_open(now: datetime, hours: str | None = None, timezone: str | None = None) -> bool:
    """Opening hours like 'mon-fri 09:00-18:00; sat 10:00-14:00' ('' = always open)."""
    settings = get_settings().support
    hours = settings.hours if hours is None else hours
    if not hours.strip():
        return True
    local = now.astimezone(ZoneInfo(timezone or settings.timezone))
    for rule in hours.lower().split(";"):
        days, _, span = rule.strip().partition(" ")
        start, _, end = span.strip().partition("-")
        if local.weekday() in _day_span(days) and _parse_clock(start) <= local.time() < _parse_clock(end):
            return True
    return False


def set_presence(session: Session, viewer: Viewer | None, status: str) -> AgentPresence:
    """Also the heartbeat: an open agent panel calls it regularly."""
    agent = require_agent(viewer)
    presence = session.get(AgentPresence, agent.id) or AgentPresence(user_id=agent.id)
    changed = presence.status != choice(Presence, status)
    presence.status = choice(Presence, status)
    presence.last_seen_at = utcnow()
    session.add(presence)
    session.commit()
    if changed:  # a heartbeat alone changes nothing a customer sees
        bus.publish(bus.SUPPORT_PRESENCE)
    return presence


def agents_online(session: Session, now: datetime | None = None) -> int:
    now = now or utcnow()
    fresh = now - timedelta(seconds=get_settings().support.presence_timeout_s)
    query = select(func.count()).where(AgentPresence.status == Presence.ONLINE, AgentPresence.last_seen_at >= fresh)
    return int(session.exec(query).one())


def live_help_available(session: Session, now: datetime | None = None) -> bool:
    now = now or utcnow()
    return support_is_open(now) and agents_online(session, now) > 0
