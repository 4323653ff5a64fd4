"""Live chat: starting a chat, messages both ways, typing and read receipts,
taking/transferring/closing (whether anyone can answer live is `presence`).

Everything is persisted first; after each commit a fact on the live bus tells
open screens (on any backend worker) to read again, so nothing depends on one
process's memory.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, col, select

from ticketapp.i18n import msgid
from ticketapp.models import SupportChat, SupportMessage, SupportTicket, utcnow
from ticketapp.models.support import AuthorKind, Channel, ChatStatus, SupportStatus
from ticketapp.services.accounts.access import Viewer
from ticketapp.services.shared import bus
from ticketapp.services.support.presence import live_help_available
from ticketapp.services.support.queue import agent_user
from ticketapp.services.support.sla import apply_sla
from ticketapp.services.support.tickets import (
    Requester,
    SupportError,
    clean_guest,
    clean_text,
    clean_topic,
    mark_first_response,
    new_reference,
    owned_order_id,
    require_agent,
)

TYPING_FRESH_S = 4
# A chat nobody wrote in (or typed in) for this long was abandoned: it becomes a request, answered by e-mail.
ABANDONED_AFTER = timedelta(minutes=30)


def _announce(chat: SupportChat, fact: str, *, lists: bool = True, tickets: bool = False) -> None:
    """After the commit: the chat's own screens read again; `lists` the agents' chat lists, `tickets` their queue."""
    payload: dict[str, object] = {"fact": fact}
    if fact == "typing":
        payload["fades_after_s"] = TYPING_FRESH_S  # screens look again when "is typing" has faded
    bus.publish(bus.chat_topic(chat.id or 0), payload)
    if lists:
        bus.publish(bus.SUPPORT_CHATS, {"fact": fact, "chat_id": chat.id})
    if tickets:
        bus.publish(bus.SUPPORT_TICKETS, {"fact": fact})


# --- customer side --------------------------------------------------------------------


def start_chat(
    session: Session,
    viewer: Viewer | None,
    *,
    guest_name: str = "",
    guest_email: str = "",
    topic: str = "other",
    order_id: int | None = None,
    locale: str = "en",
) -> SupportChat:
    name, email = (viewer.name, viewer.email) if viewer else clean_guest(guest_name, guest_email)
    chat = SupportChat(
        access_token=secrets.token_urlsafe(32),
        customer_id=viewer.id if viewer else None,
        guest_name=name,
        guest_email=email,
        topic=clean_topic(topic),
        order_id=owned_order_id(session, viewer, order_id),
        locale=locale,
    )
    session.add(chat)
    session.commit()
    _announce(chat, "started")
    return chat


def chat_for_customer(session: Session, access_token: str, *, customer_id: int | None) -> SupportChat | None:
    """The browser that started a chat keeps its token; no token, no chat.

    A chat started signed in opens only for that account (`customer_id`, None for a visitor): the token
    stays in the browser after a sign-out, and the next person at a shared computer must not read it.
    """
    if not access_token:
        return None
    chat = session.exec(select(SupportChat).where(SupportChat.access_token == access_token)).first()
    if chat is not None and chat.customer_id is not None and chat.customer_id != customer_id:
        return None
    return chat


@dataclass(frozen=True)
class PostResult:
    message: SupportMessage
    ticket: SupportTicket | None  # set when nobody could answer live


def _chat_ticket(session: Session, chat: SupportChat, subject: str, now: datetime) -> SupportTicket:
    """The ticket a chat becomes (created once, reused after)."""
    if chat.ticket_id is not None:
        ticket = session.get(SupportTicket, chat.ticket_id)
        if ticket is not None:
            return ticket
    requester = Requester(guest_name=chat.guest_name, guest_email=chat.guest_email)
    ticket = SupportTicket(
        reference=new_reference(session),
        channel=Channel.CHAT,
        subject=subject[:200],
        topic=chat.topic,
        customer_id=chat.customer_id,
        guest_name=requester.guest_name,
        guest_email=requester.guest_email,
        order_id=chat.order_id,
        assignee_id=chat.agent_id,
        locale=chat.locale,
        created_at=chat.created_at,
        first_response_due_at=now,
        resolution_due_at=now,
    )
    apply_sla(ticket)
    session.add(ticket)
    session.flush()
    chat.ticket_id = ticket.id
    _file_lines_under(session, chat, ticket.id)  # earlier chat lines belong to the ticket's conversation too
    return ticket


def post_customer_message(session: Session, chat: SupportChat, body: str, now: datetime | None = None) -> PostResult:
    """Persist a customer line; when no agent can answer live it goes into a ticket answered by e-mail."""
    if chat.status == ChatStatus.CLOSED:
        raise SupportError(msgid("This chat is closed. Please start a new one."))
    text = clean_text(body)
    now = now or utcnow()
    message = SupportMessage(
        chat_id=chat.id,
        ticket_id=chat.ticket_id,
        author_kind=AuthorKind.CUSTOMER,
        author_id=chat.customer_id,
        author_name=chat.guest_name,
        channel=Channel.CHAT,
        body=text,
        created_at=now,
    )
    session.add(message)
    chat.customer_typing_at = None
    ticket = None
    if chat.agent_id is None and not live_help_available(session, now):
        ticket = _chat_ticket(session, chat, text.splitlines()[0], now)
        message.ticket_id = ticket.id
        if ticket.status in (SupportStatus.RESOLVED, SupportStatus.CLOSED, SupportStatus.PENDING_CUSTOMER):
            ticket.status = SupportStatus.OPEN
        ticket.updated_at = now
        session.add(ticket)
    session.add(chat)
    session.commit()
    _announce(chat, "message", tickets=ticket is not None)
    return PostResult(message, ticket)


def post_customer_attachment(session: Session, chat: SupportChat, filename: str, data: bytes) -> PostResult:
    """A file sent from the chat box: checked by content (images or PDF, ≤ 5 MB), stored privately,
    then posted as a line naming it, so it reaches the agent (and the ticket) like any message."""
    from ticketapp.services.support.attachments import attach, store_attachment

    stored = store_attachment(filename, data)  # refuses other types and oversized files, storing nothing
    result = post_customer_message(session, chat, f"📎 {stored.name}")
    attach(session, result.message, stored)
    return result


def chat_messages(session: Session, chat: SupportChat, after_id: int = 0) -> list[SupportMessage]:
    """Messages a chat's participants may see (never internal notes), oldest first."""
    query = select(SupportMessage).where(
        SupportMessage.chat_id == chat.id,
        col(SupportMessage.is_internal).is_(False),
        col(SupportMessage.id) > after_id,
    )
    return list(session.exec(query.order_by(col(SupportMessage.id))))


def set_typing(session: Session, chat: SupportChat, side: str) -> None:
    if side == AuthorKind.AGENT:
        chat.agent_typing_at = utcnow()
    else:
        chat.customer_typing_at = utcnow()
    session.add(chat)
    session.commit()
    _announce(chat, "typing", lists=False)


def is_typing(moment: datetime | None, now: datetime | None = None) -> bool:
    return moment is not None and (now or utcnow()) - moment < timedelta(seconds=TYPING_FRESH_S)


def mark_read(session: Session, chat: SupportChat, reader: str) -> int:
    """The reader has seen the other side's messages; returns how many were new."""
    other = AuthorKind.CUSTOMER if reader == AuthorKind.AGENT else AuthorKind.AGENT
    unread = session.exec(
        select(SupportMessage).where(
            SupportMessage.chat_id == chat.id,
            SupportMessage.author_kind == other,
            col(SupportMessage.read_at).is_(None),
        )
    ).all()
    now = utcnow()
    for message in unread:
        message.read_at = now
        session.add(message)
    if unread:
        session.commit()
        _announce(chat, "read", lists=False)
    return len(unread)


# --- agent side ----------------------------------------------------------------------


def _agent_chat(session: Session, chat_id: int) -> SupportChat:
    chat = session.get(SupportChat, chat_id)
    if chat is None:
        raise SupportError(msgid("Chat not found."))
    return chat


def take_chat(session: Session, viewer: Viewer | None, chat_id: int) -> SupportChat:
    agent = require_agent(viewer)
    chat = _agent_chat(session, chat_id)
    if chat.status == ChatStatus.CLOSED:
        raise SupportError(msgid("This chat is closed."))
    if chat.agent_id not in (None, agent.id):
        raise SupportError(msgid("Another agent has already taken this chat."))
    chat.agent_id, chat.status = agent.id, ChatStatus.ACTIVE
    session.add(chat)
    session.add(_system_line(chat, msgid("{name} joined the chat."), agent.name))
    session.commit()
    _announce(chat, "taken")
    return chat


def _system_line(chat: SupportChat, template: str, name: str) -> SupportMessage:
    # System lines store the message id and the name; each reader sees them in their language.
    return SupportMessage(
        chat_id=chat.id,
        ticket_id=chat.ticket_id,
        author_kind=AuthorKind.SYSTEM,
        author_name=name,
        channel=Channel.CHAT,
        body=template,
    )


def _own_chat(session: Session, viewer: Viewer | None, chat_id: int) -> tuple[Viewer, SupportChat]:
    agent = require_agent(viewer)
    chat = _agent_chat(session, chat_id)
    if chat.agent_id != agent.id and not agent.is_admin:
        raise SupportError(msgid("Take the chat before answering it."))
    if chat.status == ChatStatus.CLOSED:
        raise SupportError(msgid("This chat is closed."))
    return agent, chat


def post_agent_message(session: Session, viewer: Viewer | None, chat_id: int, body: str) -> SupportMessage:
    agent, chat = _own_chat(session, viewer, chat_id)
    now = utcnow()
    message = SupportMessage(
        chat_id=chat.id,
        ticket_id=chat.ticket_id,
        author_kind=AuthorKind.AGENT,
        author_id=agent.id,
        author_name=agent.name,
        channel=Channel.CHAT,
        body=clean_text(body),
        created_at=now,
    )
    chat.agent_typing_at = None
    if chat.ticket_id is not None:
        ticket = session.get(SupportTicket, chat.ticket_id)
        if ticket is not None:
            mark_first_response(ticket, now)
            session.add(ticket)
    session.add(message)
    session.add(chat)
    session.commit()
    _announce(chat, "message")
    return message


def transfer_chat(session: Session, viewer: Viewer | None, chat_id: int, to_agent_id: int) -> SupportChat:
    _, chat = _own_chat(session, viewer, chat_id)
    target = agent_user(session, to_agent_id)
    chat.agent_id, chat.status = target.id, ChatStatus.ACTIVE
    session.add(_system_line(chat, msgid("The chat was transferred to {name}."), target.display_name))
    session.add(chat)
    session.commit()
    _announce(chat, "transferred")
    return chat


def close_chat(session: Session, viewer: Viewer | None, chat_id: int) -> SupportTicket:
    """Close a chat into its ticket (new, or the one it already became): the transcript stays."""
    agent, chat = _own_chat(session, viewer, chat_id)
    now = utcnow()
    first_line = next((m.body for m in chat_messages(session, chat) if m.author_kind == AuthorKind.CUSTOMER), "")
    ticket = _chat_ticket(session, chat, first_line.splitlines()[0] if first_line else "Chat", now)
    first_agent_line = session.exec(
        select(SupportMessage.created_at)
        .where(SupportMessage.chat_id == chat.id, SupportMessage.author_kind == AuthorKind.AGENT)
        .order_by(col(SupportMessage.id))
    ).first()
    if first_agent_line is not None and ticket.first_response_at is None:
        ticket.first_response_at = first_agent_line
    ticket.assignee_id = ticket.assignee_id or agent.id
    ticket.status, ticket.resolved_at, ticket.updated_at = SupportStatus.RESOLVED, now, now
    session.add(_system_line(chat, msgid("{name} closed the chat."), agent.name))
    session.flush()
    _file_lines_under(session, chat, ticket.id)
    chat.status, chat.closed_at = ChatStatus.CLOSED, now
    session.add(chat)
    session.add(ticket)
    session.commit()
    _announce(chat, "closed", tickets=True)
    return ticket


@dataclass(frozen=True)
class ChatRow:
    chat: SupportChat
    unread: int
    last_message_id: int


def agent_chats(session: Session, viewer: Viewer | None, view: str) -> list[ChatRow]:
    """'waiting', 'mine' or 'all' (not closed), with unread customer lines per chat."""
    agent = require_agent(viewer)
    query = select(SupportChat).where(SupportChat.status != ChatStatus.CLOSED)
    if view == "waiting":
        query = query.where(SupportChat.status == ChatStatus.WAITING)
    elif view == "mine":
        query = query.where(SupportChat.agent_id == agent.id)
    chats = list(session.exec(query.order_by(col(SupportChat.created_at)).limit(100)))
    unread_counts = dict(
        session.exec(
            select(SupportMessage.chat_id, func.count())
            .where(
                col(SupportMessage.chat_id).in_([c.id for c in chats]),
                SupportMessage.author_kind == AuthorKind.CUSTOMER,
                col(SupportMessage.read_at).is_(None),
            )
            .group_by(col(SupportMessage.chat_id))
        ).all()
    )
    last_ids = dict(
        session.exec(
            select(SupportMessage.chat_id, func.max(SupportMessage.id))
            .where(col(SupportMessage.chat_id).in_([c.id for c in chats]))
            .group_by(col(SupportMessage.chat_id))
        ).all()
    )
    return [ChatRow(c, int(unread_counts.get(c.id, 0)), int(last_ids.get(c.id) or 0)) for c in chats]


def agent_chat(session: Session, viewer: Viewer | None, chat_id: int) -> SupportChat:
    require_agent(viewer)
    return _agent_chat(session, chat_id)


# --- abandoned chats ------------------------------------------------------------------


def _last_activity(chat: SupportChat, last_line: datetime | None) -> datetime:
    moments = [chat.created_at, last_line, chat.customer_typing_at, chat.agent_typing_at]
    return max(moment for moment in moments if moment is not None)


def _file_lines_under(session: Session, chat: SupportChat, ticket_id: int | None) -> None:
    """Every line of the chat joins the ticket's conversation (the transcript stays with the request)."""
    for line in session.exec(select(SupportMessage).where(SupportMessage.chat_id == chat.id)):
        line.ticket_id = ticket_id
        session.add(line)


def close_abandoned_chats(session: Session, now: datetime | None = None) -> int:
    """Close every open chat idle for ABANDONED_AFTER into a request; returns how many were closed.

    A customer line nobody answered leaves the request open for an e-mail reply; an answered one is
    resolved; a chat without any customer line is closed without a request (nothing to answer).
    """
    now = now or utcnow()
    open_chats = session.exec(select(SupportChat).where(SupportChat.status != ChatStatus.CLOSED)).all()
    last_lines = dict(
        session.exec(
            select(SupportMessage.chat_id, func.max(SupportMessage.created_at))
            .where(col(SupportMessage.chat_id).in_([chat.id for chat in open_chats]))
            .group_by(col(SupportMessage.chat_id))
        ).all()
    )
    abandoned = [chat for chat in open_chats if now - _last_activity(chat, last_lines.get(chat.id)) >= ABANDONED_AFTER]
    for chat in abandoned:
        _close_abandoned(session, chat, now)
    session.commit()
    for chat in abandoned:
        _announce(chat, "closed", tickets=True)
    return len(abandoned)


def _close_abandoned(session: Session, chat: SupportChat, now: datetime) -> None:
    lines = chat_messages(session, chat)
    customer_lines = [m for m in lines if m.author_kind == AuthorKind.CUSTOMER]
    if customer_lines:
        ticket = _chat_ticket(session, chat, customer_lines[0].body.splitlines()[0] or "Chat", now)
        answered = any(m.author_kind == AuthorKind.AGENT and (m.id or 0) > (customer_lines[-1].id or 0) for m in lines)
        if answered:
            ticket.status, ticket.resolved_at = SupportStatus.RESOLVED, now
        else:
            ticket.status = SupportStatus.OPEN if ticket.assignee_id else SupportStatus.NEW
        ticket.updated_at = now
        session.add(ticket)
    session.add(_system_line(chat, msgid("Nobody wrote for a while: the chat was closed."), ""))
    session.flush()
    _file_lines_under(session, chat, chat.ticket_id)
    chat.status, chat.closed_at = ChatStatus.CLOSED, now
    session.add(chat)
