"""Support rules over a real database: tickets, visibility, SLA, queue, chat, calls, attachments."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, select

from ticketapp.models import AgentPresence, Order, SupportMessage, SupportTicket, User, utcnow
from ticketapp.models.support import ChatStatus, SupportStatus
from ticketapp.services.accounts.access import Viewer
from ticketapp.services.accounts.access import viewer_for_user as get_viewer
from ticketapp.services.support import calls as support_calls
from ticketapp.services.support import chat as support_chat
from ticketapp.services.support import content as support_content
from ticketapp.services.support import presence as support_presence
from ticketapp.services.support import queue as support_queue
from ticketapp.services.support import sla as support_sla
from ticketapp.services.support import tickets as support
from ticketapp.services.support import views
from ticketapp.services.support.attachments import MAX_ATTACHMENT_BYTES, attach, attachment_bytes, store_attachment
from ticketapp.services.support.queue import QueueFilter
from ticketapp.services.support.tickets import NotAllowedError, Requester, SupportError


def make_user(session: Session, email: str, role: str = "customer", name: str = "") -> Viewer:
    user = User(email=email, display_name=name or email.split("@")[0].title(), role=role)
    session.add(user)
    session.commit()
    viewer = get_viewer(session, user.id)
    assert viewer is not None
    return viewer


@pytest.fixture
def people(session: Session) -> dict[str, Viewer]:
    return {
        "alice": make_user(session, "alice@example.com"),
        "bob": make_user(session, "bob@example.com"),
        "agent": make_user(session, "agent@example.com", "agent", "Agnès Agent"),
        "agent2": make_user(session, "agent2@example.com", "agent", "Bruno Agent"),
        "admin": make_user(session, "boss@example.com", "admin"),
    }


def form_ticket(session: Session, viewer: Viewer | None, body: str = "Where are my tickets?") -> SupportTicket:
    return support.submit_contact_form(
        session, viewer, name="Gina Guest", email="gina@example.com", topic="tickets", subject="Help", body=body
    )


def test_contact_form_creates_a_new_ticket_with_reference_and_sla(session: Session) -> None:
    ticket = form_ticket(session, None)
    assert support.REFERENCE_RE.fullmatch(ticket.reference)
    assert (ticket.channel, ticket.status, ticket.guest_email) == ("form", "new", "gina@example.com")
    assert ticket.first_response_due_at - ticket.created_at == timedelta(minutes=240)
    assert ticket.resolution_due_at - ticket.created_at == timedelta(minutes=2880)
    [message] = session.exec(select(SupportMessage).where(SupportMessage.ticket_id == ticket.id)).all()
    assert (message.author_kind, message.body) == ("customer", "Where are my tickets?")


@pytest.mark.parametrize(
    ("name", "email", "body", "error"),
    [
        ("", "gina@example.com", "Hi", "Please give your name."),
        ("Gina", "not-an-address", "Hi", "Please give a valid e-mail address."),
        ("Gina", "gina@example.com", "   ", "Please write a message."),
        ("Gina", "gina@example.com", "x" * 4001, "The message is too long (4,000 characters at most)."),
    ],
)
def test_bad_contact_form_input_is_refused_and_creates_nothing(
    session: Session, name: str, email: str, body: str, error: str
) -> None:
    with pytest.raises(SupportError, match=error.replace("(", r"\(").replace(")", r"\)")):
        support.submit_contact_form(session, None, name=name, email=email, topic="x", subject="Help", body=body)
    assert session.exec(select(SupportTicket)).all() == []


def test_message_text_is_kept_as_plain_text_without_control_characters(session: Session) -> None:
    ticket = form_ticket(session, None, body="<script>alert(1)</script>\x00\x07 ok")
    body = support.conversation(session, ticket, include_internal=False)[0].body
    # Stored verbatim as text (pages render text, never HTML); control characters dropped.
    assert body == "<script>alert(1)</script> ok"


def test_customer_sees_only_own_tickets_and_never_internal_notes(session: Session, people: dict) -> None:
    alices = form_ticket(session, people["alice"])
    assert support.my_tickets(session, people["alice"]) == [alices]
    assert support.my_tickets(session, people["bob"]) == []
    with pytest.raises(NotAllowedError):
        support.customer_conversation(session, people["bob"], alices.id)
    with pytest.raises(NotAllowedError):
        support.customer_conversation(session, None, alices.id)
    with pytest.raises(NotAllowedError):
        support.customer_reply(session, people["bob"], alices.id, "let me in")
    support.agent_reply(session, people["agent"], alices.id, "Checking with the venue", internal=True)
    support.agent_reply(session, people["agent"], alices.id, "Your tickets are in your account.")
    seen = [m.body for m in support.customer_conversation(session, people["alice"], alices.id)]
    assert seen == ["Where are my tickets?", "Your tickets are in your account."]
    agent_view = support.conversation(session, alices, include_internal=True)
    assert "Checking with the venue" in [m.body for m in agent_view]


def test_customers_cannot_use_agent_or_admin_functions(session: Session, people: dict) -> None:
    ticket = form_ticket(session, people["alice"])
    for viewer in (None, people["alice"]):
        with pytest.raises(NotAllowedError):
            support_queue.ticket_queue(session, viewer, QueueFilter())
        with pytest.raises(NotAllowedError):
            support.agent_reply(session, viewer, ticket.id, "hi")
        with pytest.raises(NotAllowedError):
            support_chat.agent_chats(session, viewer, "all")
        with pytest.raises(NotAllowedError):
            support.set_status(session, viewer, ticket.id, "closed")
    # Agents answer; only admins edit the FAQ and canned replies.
    with pytest.raises(NotAllowedError):
        support_content.save_faq_entry(session, people["agent"], question="Q?", answer="A", locale="en")
    support_content.save_faq_entry(session, people["admin"], question="Refunds?", answer="Within 14 days.", locale="en")
    assert [f.question for f in support_content.faq_entries(session, "en")] == ["Refunds?"]
    assert support_content.faq_entries(session, "fr") == []
    session.refresh(ticket)
    assert ticket.status == "new"


def test_blocked_users_are_nobody(session: Session, people: dict) -> None:
    user = session.get(User, people["agent"].id)
    user.is_blocked = True
    session.add(user)
    session.commit()
    assert get_viewer(session, people["agent"].id) is None
    assert get_viewer(session, None) is None


def test_sla_timers_first_response_resolution_and_overdue(session: Session, people: dict) -> None:
    start = utcnow() - timedelta(hours=5)
    ticket = support.open_ticket(
        session, Requester(customer=people["alice"]), channel="form", subject="s", body="b", now=start
    )
    now = start + timedelta(hours=5)
    # normal: 4 h to first response -> overdue by an hour; 48 h to resolve -> running.
    assert support_sla.first_response_timer(ticket, now).state == "overdue"
    assert support_sla.first_response_timer(ticket, now).seconds_left == -3600
    assert support_sla.resolution_timer(ticket, now).state == "running"
    assert support_sla.is_overdue(ticket, now)
    # Lowering the priority moves both due times (they count from creation).
    ticket = support.set_priority(session, people["agent"], ticket.id, "low")
    assert support_sla.first_response_timer(ticket, now).state == "running"
    assert not support_sla.is_overdue(ticket, now)
    ticket = support.set_priority(session, people["agent"], ticket.id, "urgent")
    reply = support.agent_reply(session, people["agent"], ticket.id, "On it", now=start + timedelta(minutes=20))
    session.refresh(ticket)
    assert ticket.first_response_at == reply.created_at
    assert support_sla.first_response_timer(ticket, now).state == "met"
    assert support_sla.resolution_timer(ticket, now).state == "overdue"  # urgent: 4 h
    ticket = support.set_status(session, people["agent"], ticket.id, "resolved")
    assert support_sla.resolution_timer(ticket, utcnow()).state == "missed"


def test_sla_targets_parse_configured_minutes() -> None:
    assert support_sla.parse_targets("urgent:30, high:60,bad,low:x") == {"urgent": 30, "high": 60}


def test_queue_filters_and_bulk_assign(session: Session, people: dict) -> None:
    now = utcnow()
    old = support.open_ticket(
        session,
        Requester(guest_name="Old", guest_email="old@example.com"),
        channel="email",
        subject="old",
        body="b",
        now=now - timedelta(hours=30),
    )
    urgent = support.open_ticket(
        session, Requester(customer=people["alice"]), channel="form", subject="u", body="b", priority="urgent"
    )
    done = form_ticket(session, people["bob"])
    support.set_status(session, people["agent"], done.id, "closed")
    agent = people["agent"]

    def refs(**filters: object) -> set[str]:
        return {t.reference for t in support_queue.ticket_queue(session, agent, QueueFilter(**filters))}

    assert refs() == {old.reference, urgent.reference}
    assert refs(status="closed") == {done.reference}
    assert refs(status="all") == {old.reference, urgent.reference, done.reference}
    assert refs(priority="urgent") == {urgent.reference}
    assert refs(channel="email") == {old.reference}
    assert refs(min_age_hours=24) == {old.reference}
    assert refs(max_age_hours=24) == {urgent.reference}
    assert refs(assignee="none") == {old.reference, urgent.reference}

    assert support_queue.bulk_assign(session, agent, [old.id, urgent.id], people["agent2"].id) == 2
    assert refs(assignee=str(people["agent2"].id)) == {old.reference, urgent.reference}
    assert refs(assignee="me") == set()
    # Not an agent, or an unknown ticket: refused, nothing changes.
    with pytest.raises(SupportError):
        support_queue.bulk_assign(session, agent, [old.id], people["alice"].id)
    with pytest.raises(SupportError):
        support_queue.bulk_assign(session, agent, [old.id, 999_999], agent.id)
    session.refresh(old)
    assert old.assignee_id == people["agent2"].id


def test_attachments_are_checked_by_content_and_size(session: Session) -> None:
    png = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
    stored = store_attachment("../../etc/passwd.png", png)
    assert stored.content_type == "image/png"
    assert stored.name == "passwd.png" and "/" not in stored.path
    assert attachment_bytes(stored.path) == png
    assert store_attachment("scan.pdf", b"%PDF-1.7\n...").content_type == "application/pdf"
    with pytest.raises(SupportError, match="Only images"):
        store_attachment("evil.png", b"<html><script>alert(1)</script>")
    with pytest.raises(SupportError, match="5 MB"):
        store_attachment("big.pdf", b"%PDF-" + b"0" * MAX_ATTACHMENT_BYTES)
    ticket = form_ticket(session, None)
    message = support.conversation(session, ticket, include_internal=False)[0]
    attach(session, message, stored)
    assert message.attachment_type == "image/png"


def test_log_call_creates_a_phone_ticket_or_updates_an_existing_one(session: Session, people: dict) -> None:
    agent = people["agent"]
    ticket = support_calls.log_call(
        session,
        agent,
        caller_name="Alice",
        caller_phone="+33 6 00 00 00 00",
        caller_email="alice@example.com",
        summary="Wants to change seats",
        duration_seconds=185,
        outcome="follow_up",
    )
    assert (ticket.channel, ticket.status, ticket.customer_id) == ("phone", "open", people["alice"].id)
    assert ticket.first_response_at is not None
    again = support_calls.log_call(
        session,
        agent,
        reference=ticket.reference.lower(),
        caller_name="Alice",
        caller_phone="",
        summary="Seats changed",
        duration_seconds=60,
        outcome="resolved",
    )
    assert again.id == ticket.id and again.status == "resolved"
    notes = support.conversation(session, ticket, include_internal=True)
    assert notes[0].body.startswith("☎ Alice (3:05, follow_up)")
    with pytest.raises(SupportError, match="No request has this reference"):
        support_calls.log_call(
            session, agent, reference="SR-ZZZZZZ", caller_name="A", caller_phone="", summary="x",
            duration_seconds=1, outcome="resolved",
        )  # fmt: skip


def go_online(session: Session, agent: Viewer) -> None:
    support_presence.set_presence(session, agent, "online")


def test_without_an_agent_online_a_chat_message_becomes_a_ticket(session: Session, people: dict) -> None:
    assert not support_presence.live_help_available(session)
    chat = support_chat.start_chat(session, None, guest_name="Gina", guest_email="Gina@Example.com", topic="order")
    result = support_chat.post_customer_message(session, chat, "Is the show tonight?")
    assert result.ticket is not None
    assert (result.ticket.channel, result.ticket.guest_email, result.ticket.topic) == (
        "chat",
        "gina@example.com",
        "order",
    )
    second = support_chat.post_customer_message(session, chat, "Hello?")
    assert second.ticket is not None and second.ticket.id == result.ticket.id
    assert len(support.conversation(session, result.ticket, include_internal=False)) == 2
    # Outside opening hours it is the same even with an agent online.
    go_online(session, people["agent"])
    assert support_presence.live_help_available(session)
    monday_night = utcnow().replace(year=2030, month=1, day=7, hour=22, minute=0)
    assert not support_presence.support_is_open(monday_night, "mon-fri 09:00-18:00", "UTC")
    assert support_presence.support_is_open(monday_night.replace(hour=10), "mon-fri 09:00-18:00", "UTC")
    assert support_presence.support_is_open(monday_night, "", "UTC")


def test_presence_goes_stale_and_away_does_not_count(session: Session, people: dict) -> None:
    go_online(session, people["agent"])
    assert support_presence.agents_online(session) == 1
    assert support_presence.agents_online(session, utcnow() + timedelta(minutes=5)) == 0
    support_presence.set_presence(session, people["agent"], "away")
    assert support_presence.agents_online(session) == 0
    with pytest.raises(NotAllowedError):
        support_presence.set_presence(session, people["alice"], "online")
    assert session.get(AgentPresence, people["alice"].id) is None


def test_live_chat_take_reply_transfer_close_into_a_ticket(session: Session, people: dict) -> None:
    agent, agent2 = people["agent"], people["agent2"]
    go_online(session, agent)
    chat = support_chat.start_chat(session, people["alice"], topic="tickets")
    first = support_chat.post_customer_message(session, chat, "Hi, my QR code does not scan")
    assert first.ticket is None  # an agent is online: stays a live chat
    [row] = support_chat.agent_chats(session, agent, "waiting")
    assert row.unread == 1
    support_chat.take_chat(session, agent, chat.id)
    with pytest.raises(SupportError, match="already taken"):
        support_chat.take_chat(session, agent2, chat.id)
    with pytest.raises(SupportError, match="Take the chat"):
        support_chat.post_agent_message(session, agent2, chat.id, "me too")
    support_chat.set_typing(session, chat, "agent")
    assert support_chat.is_typing(chat.agent_typing_at)
    assert support_chat.mark_read(session, chat, "agent") == 1
    assert support_chat.agent_chats(session, agent, "mine")[0].unread == 0
    reply = support_chat.post_agent_message(session, agent, chat.id, "Let me look")
    assert reply.read_at is None
    support_chat.mark_read(session, chat, "customer")
    session.refresh(reply)
    assert reply.read_at is not None  # read receipt
    support_chat.transfer_chat(session, agent, chat.id, agent2.id)
    assert support_chat.agent_chats(session, agent, "mine") == []
    ticket = support_chat.close_chat(session, agent2, chat.id)
    session.refresh(chat)
    assert chat.status == ChatStatus.CLOSED and chat.ticket_id == ticket.id
    assert (ticket.status, ticket.channel, ticket.customer_id) == (SupportStatus.RESOLVED, "chat", people["alice"].id)
    assert ticket.first_response_at == reply.created_at
    bodies = [m.body for m in support.customer_conversation(session, people["alice"], ticket.id)]
    assert bodies[0] == "Hi, my QR code does not scan" and "Let me look" in bodies
    assert ticket in support.my_tickets(session, people["alice"])
    with pytest.raises(SupportError, match="closed"):
        support_chat.post_customer_message(session, chat, "one more thing")


def test_chat_can_only_attach_own_orders(session: Session, people: dict) -> None:
    order = Order(
        code="ORD1", user_id=people["bob"].id, buyer_name="Bob", buyer_email="bob@example.com", currency="EUR"
    )
    session.add(order)
    session.commit()
    with pytest.raises(SupportError, match="not one of yours"):
        support_chat.start_chat(session, people["alice"], order_id=order.id)
    chat = support_chat.start_chat(session, people["bob"], order_id=order.id)
    assert chat.order_id == order.id
    ticket = form_ticket(session, people["bob"])
    summary = support.customer_summary(session, people["agent"], ticket)
    assert summary.has_account and [o.code for o in summary.orders] == ["ORD1"]


def test_values_outside_the_lists_are_refused_cleanly(session: Session, people: dict) -> None:
    ticket = form_ticket(session, people["alice"])
    agent = people["agent"]
    for change in (
        lambda: support.set_status(session, agent, ticket.id, "deleted"),
        lambda: support.set_priority(session, agent, ticket.id, "asap"),
        lambda: support_queue.ticket_queue(session, agent, QueueFilter(channel="fax")),
        lambda: support_presence.set_presence(session, agent, "busy"),
        lambda: support_calls.log_call(
            session, agent, caller_name="A", caller_phone="", summary="x", duration_seconds=1, outcome="maybe"
        ),
    ):
        with pytest.raises(SupportError, match="Choose a valid value"):
            change()
    session.refresh(ticket)
    assert (ticket.status, ticket.priority) == ("new", "normal")


def test_chat_attachments_are_checked_by_content_and_size(session) -> None:
    from ticketapp.services.support import attachments as support_attachments
    from ticketapp.services.support import chat as support_chat
    from ticketapp.services.support.tickets import SupportError

    chat = support_chat.start_chat(session, None, guest_name="Ann", guest_email="ann.files@example.com", topic="other")
    before = (
        set(support_attachments.attachments_dir().glob("*"))
        if support_attachments.attachments_dir().exists()
        else set()
    )
    with pytest.raises(SupportError, match="Only images"):
        support_chat.post_customer_attachment(session, chat, "plan.png", b"MZ not an image")
    with pytest.raises(SupportError, match="5 MB"):
        support_chat.post_customer_attachment(
            session, chat, "huge.pdf", b"%PDF-1.7" + b"\0" * support_attachments.MAX_ATTACHMENT_BYTES
        )
    assert set(support_attachments.attachments_dir().glob("*")) - before == set()  # nothing stored
    result = support_chat.post_customer_attachment(
        session, chat, "../../etc/photo.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 8
    )
    assert result.message.attachment_name == "photo.png"  # the client's path never becomes ours
    assert result.message.attachment_type == "image/png"
    assert result.message.body == "📎 photo.png"


def test_an_agent_opens_a_live_chats_attachment_only_through_that_chat(session: Session, people: dict) -> None:
    from ticketapp.services.support.attachments import chat_attachment

    chat = support_chat.start_chat(session, None, guest_name="Ann", guest_email="ann.photo@example.com")
    other = support_chat.start_chat(session, None, guest_name="Bo", guest_email="bo.photo@example.com")
    photo = b"\x89PNG\r\n\x1a\n" + b"\1" * 16
    line = support_chat.post_customer_attachment(session, chat, "ticket.png", photo).message
    text = support_chat.post_customer_message(session, chat, "see the photo").message
    assert chat_attachment(session, line.id or 0, chat.id or 0) == ("ticket.png", "image/png", photo)
    for message_id, chat_id in ((line.id, other.id), (text.id, chat.id), (999_999, chat.id)):
        with pytest.raises(SupportError, match="Attachment not found"):
            chat_attachment(session, message_id or 0, chat_id or 0)


def test_a_signed_in_customers_chat_opens_only_for_that_account(session: Session, people: dict) -> None:
    """The chat token stays in the browser's storage after sign-out: the next person there must not read the chat."""
    chat = support_chat.start_chat(session, people["alice"], topic="tickets")
    support_chat.post_customer_message(session, chat, "My order ORD-ALICE")
    token = chat.access_token
    assert support_chat.chat_for_customer(session, token, customer_id=people["alice"].id) == chat
    assert support_chat.chat_for_customer(session, token, customer_id=None) is None  # signed out, same browser
    assert support_chat.chat_for_customer(session, token, customer_id=people["bob"].id) is None  # someone else
    snapshot = views.customer_chat_snapshot(session, token, "en", customer_id=None, mark_read=True)
    assert not snapshot.found and snapshot.messages == []
    guest = support_chat.start_chat(session, None, guest_name="Gina", guest_email="gina@example.com", topic="other")
    assert support_chat.chat_for_customer(session, guest.access_token, customer_id=None) == guest  # a visitor's own


def test_the_queue_comes_a_page_at_a_time_most_urgent_first(session: Session, people: dict[str, Viewer]) -> None:
    tickets = [form_ticket(session, None, body=f"Question {n}") for n in range(7)]
    agent = people["agent"]
    pages = [
        [t.id for t in support_queue.ticket_queue(session, agent, QueueFilter(), offset=offset, limit=3)]
        for offset in (0, 3, 6)
    ]
    assert [len(page) for page in pages] == [3, 3, 1]
    assert [i for page in pages for i in page] == [t.id for t in tickets]  # same SLA: oldest first, none twice
    assert support_queue.queue_size(session, agent, QueueFilter()) == 7
    assert support_queue.queue_size(session, agent, QueueFilter(status="closed")) == 0
    # A crafted page (negative offset, huge limit) is clamped, never an error or an unbounded read.
    assert len(support_queue.ticket_queue(session, agent, QueueFilter(), offset=-5, limit=10**9)) == 7
    with pytest.raises(NotAllowedError):
        support_queue.queue_size(session, people["alice"], QueueFilter())


def test_abandoned_chats_become_requests_and_stop_waiting(session: Session, people: dict) -> None:
    agent = people["agent"]
    go_online(session, agent)
    unanswered = support_chat.start_chat(session, people["alice"], topic="tickets")
    support_chat.post_customer_message(session, unanswered, "Is the venue step-free?")
    answered = support_chat.start_chat(session, people["bob"], topic="tickets")
    support_chat.post_customer_message(session, answered, "Can I bring a stroller?")
    support_chat.take_chat(session, agent, answered.id)
    support_chat.post_agent_message(session, agent, answered.id, "Yes, at the cloakroom.")
    empty = support_chat.start_chat(session, None, guest_name="Gus", guest_email="gus@example.com")
    now = utcnow()

    # Still within the half hour: nothing closes.
    assert support_chat.close_abandoned_chats(session, now + support_chat.ABANDONED_AFTER / 2) == 0
    # The customer typing keeps a chat alive.
    unanswered.customer_typing_at = now + support_chat.ABANDONED_AFTER / 2
    session.add(unanswered)
    session.commit()
    later = now + support_chat.ABANDONED_AFTER + timedelta(minutes=1)
    assert support_chat.close_abandoned_chats(session, later) == 2  # answered and empty; unanswered typed since
    assert [row.chat.id for row in support_chat.agent_chats(session, agent, "all")] == [unanswered.id]

    assert support_chat.close_abandoned_chats(session, later + support_chat.ABANDONED_AFTER) == 1
    for chat in (unanswered, answered, empty):
        session.refresh(chat)
        assert chat.status == ChatStatus.CLOSED
    assert empty.ticket_id is None  # nothing was asked: no request
    open_request = session.get(SupportTicket, unanswered.ticket_id)
    done_request = session.get(SupportTicket, answered.ticket_id)
    assert open_request is not None and open_request.status == SupportStatus.NEW  # still owed an answer
    assert done_request is not None and done_request.status == SupportStatus.RESOLVED
    bodies = [m.body for m in support.customer_conversation(session, people["alice"], open_request.id)]
    assert bodies[0] == "Is the venue step-free?"
    assert support_chat.agent_chats(session, agent, "all") == []
