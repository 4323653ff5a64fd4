"""The agent queue: filtering open requests, the agents who can take them, and assigning them in bulk."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, col, func, select
from sqlmodel.sql.expression import SelectOfScalar

from ticketapp.i18n import msgid
from ticketapp.models import SupportTicket, User, utcnow
from ticketapp.models.support import Channel, Priority, SupportStatus
from ticketapp.models.user import Role
from ticketapp.services.accounts.access import Viewer
from ticketapp.services.shared import bus
from ticketapp.services.support.tickets import SupportError, choice, require_agent

OPEN_STATUSES = (SupportStatus.NEW, SupportStatus.OPEN, SupportStatus.PENDING_CUSTOMER)


def support_agents(session: Session) -> list[User]:
    query = select(User).where(col(User.role).in_([Role.AGENT, Role.ADMIN]), col(User.is_blocked).is_(False))
    return list(session.exec(query.order_by(col(User.display_name))))


def agent_user(session: Session, agent_id: int) -> User:
    user = session.get(User, agent_id)
    if user is None or user.role not in (Role.AGENT, Role.ADMIN) or user.is_blocked:
        raise SupportError(msgid("Choose a support agent."))
    return user


def bulk_assign(session: Session, viewer: Viewer | None, ticket_ids: list[int], agent_id: int | None) -> int:
    """Assign (or unassign with None) several tickets at once; all or nothing."""
    require_agent(viewer)
    if agent_id is not None:
        agent_user(session, agent_id)
    found = [session.get(SupportTicket, ticket_id) for ticket_id in ticket_ids]
    tickets = [ticket for ticket in found if ticket is not None]
    if not tickets or len(tickets) != len(found):
        raise SupportError(msgid("Select at least one existing request."))
    now = utcnow()
    for ticket in tickets:
        ticket.assignee_id = agent_id
        ticket.updated_at = now
        session.add(ticket)
    session.commit()
    bus.publish(bus.SUPPORT_TICKETS)
    return len(tickets)


@dataclass(frozen=True)
class QueueFilter:
    status: str = ""  # "" = every open status; "all" = everything
    priority: str = ""
    channel: str = ""
    assignee: str = ""  # "", "me", "none" or an agent id
    max_age_hours: int | None = None  # only tickets younger than this
    min_age_hours: int | None = None  # only tickets older than this


QUEUE_PAGE = 200  # requests per page of the queue unless the caller asks for fewer


def ticket_queue(
    session: Session,
    viewer: Viewer | None,
    filters: QueueFilter,
    now: datetime | None = None,
    *,
    offset: int = 0,
    limit: int = QUEUE_PAGE,
) -> list[SupportTicket]:
    """One page of the requests matching `filters`, the most urgent (resolution due first) first."""
    query = _matching(require_agent(viewer), filters, now or utcnow())
    ordered = query.order_by(col(SupportTicket.resolution_due_at), col(SupportTicket.id))
    return list(session.exec(ordered.offset(max(offset, 0)).limit(min(max(limit, 1), QUEUE_PAGE))))


def queue_size(session: Session, viewer: Viewer | None, filters: QueueFilter, now: datetime | None = None) -> int:
    """How many requests match `filters` (all pages)."""
    query = _matching(require_agent(viewer), filters, now or utcnow())
    return session.exec(select(func.count()).select_from(query.subquery())).one()


def _matching(agent: Viewer, filters: QueueFilter, now: datetime) -> SelectOfScalar[SupportTicket]:
    query = select(SupportTicket)
    if filters.status == "all":
        pass
    elif filters.status:
        query = query.where(SupportTicket.status == choice(SupportStatus, filters.status))
    else:
        query = query.where(col(SupportTicket.status).in_(list(OPEN_STATUSES)))
    if filters.priority:
        query = query.where(SupportTicket.priority == choice(Priority, filters.priority))
    if filters.channel:
        query = query.where(SupportTicket.channel == choice(Channel, filters.channel))
    if filters.assignee == "me":
        query = query.where(SupportTicket.assignee_id == agent.id)
    elif filters.assignee == "none":
        query = query.where(col(SupportTicket.assignee_id).is_(None))
    elif filters.assignee.isdigit():
        query = query.where(SupportTicket.assignee_id == int(filters.assignee))
    if filters.max_age_hours is not None:
        query = query.where(SupportTicket.created_at >= now - timedelta(hours=filters.max_age_hours))
    if filters.min_age_hours is not None:
        query = query.where(SupportTicket.created_at <= now - timedelta(hours=filters.min_age_hours))
    return query
