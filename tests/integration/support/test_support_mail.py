"""Support e-mail both ways: an agent reply reaches a real SMTP server on loopback,
the customer's answer comes back through `/api/support/inbound` into the same
ticket; a wrong secret changes nothing."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from sqlmodel import select
from starlette.responses import PlainTextResponse
from starlette.testclient import TestClient

from ticketapp import settings as settings_module
from ticketapp import tasks
from ticketapp.api.routes import with_api_routes
from ticketapp.db import session_scope, upgrade_database
from ticketapp.models import SupportMessage, SupportTicket, User
from ticketapp.services.accounts.access import viewer_for_user as get_viewer
from ticketapp.services.support import tickets as support
from ticketapp.services.support.attachments import message_attachment
from ticketapp.services.support.inbound import UNVERIFIED_LABEL, strip_quoted
from ticketapp.services.support.mail import outbox_dir
from ticketapp.services.support.reply_tokens import reply_token
from ticketapp.services.support.tickets import Requester, SupportError

SECRET = "inbound-test-secret"


class Inbox:
    def __init__(self) -> None:
        self.messages: list[bytes] = []

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802  (aiosmtpd's hook name)
        self.messages.append(envelope.content)
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_inbox(monkeypatch: pytest.MonkeyPatch) -> Iterator[Inbox]:
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    monkeypatch.setenv("SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("SMTP_PORT", str(controller.port))
    monkeypatch.setenv("SUPPORT_INBOUND_SECRET", SECRET)
    settings_module.get_settings.cache_clear()
    try:
        yield inbox
    finally:
        controller.stop()
        monkeypatch.delenv("SMTP_HOST")
        monkeypatch.delenv("SUPPORT_INBOUND_SECRET")
        settings_module.get_settings.cache_clear()


@pytest.fixture(scope="module")
def client() -> TestClient:
    upgrade_database()  # the process-wide test database the route uses

    async def reflex_stand_in(scope, receive, send) -> None:
        await PlainTextResponse("reflex")(scope, receive, send)

    return TestClient(with_api_routes(reflex_stand_in))


def _agent_and_ticket(email: str) -> tuple[int, SupportTicket]:
    with session_scope() as session:
        agent = User(email=f"agent-{email}", display_name="Agnès", role="agent")
        session.add(agent)
        session.commit()
        ticket = support.open_ticket(
            session,
            Requester(guest_name="Gina Guest", guest_email=email),
            channel="form",
            subject="Lost <b>tickets</b>",
            body="I cannot find my tickets",
        )
        return agent.id, ticket


def _reply_to(original: EmailMessage, body: str) -> bytes:
    reply = EmailMessage()
    reply["From"] = f"Gina Guest <{original['To']}>"
    reply["To"] = str(original["From"])
    reply["Subject"] = f"Re: {original['Subject']}"
    reply["Message-ID"] = "<reply-1@customer.example>"
    reply["In-Reply-To"] = str(original["Message-ID"])
    reply.set_content(body)
    return bytes(reply)


def test_agent_reply_is_mailed_and_the_answer_threads_back(smtp_inbox: Inbox, client: TestClient) -> None:
    agent_id, ticket = _agent_and_ticket("gina.thread@example.com")
    with session_scope() as session:
        agent = get_viewer(session, agent_id)
        note = support.agent_reply(session, agent, ticket.id, "Internal: check the venue", internal=True)
        reply = support.agent_reply(session, agent, ticket.id, "Look in <Account>.\n\nRegards")
    tasks.send_support_reply(note.id)
    tasks.send_support_reply(reply.id)
    assert len(smtp_inbox.messages) == 1  # internal notes are never mailed
    mailed = message_from_bytes(smtp_inbox.messages[0], policy=policy.default)
    assert mailed["To"] == "gina.thread@example.com"
    assert ticket.reference in mailed["Subject"] and ticket.reference in mailed["Message-ID"]
    html = mailed.get_body(("html",)).get_content()
    assert "&lt;Account&gt;" in html and "<Account>" not in html
    assert "Look in <Account>." in mailed.get_body(("plain",)).get_content()

    # The customer answers with the subject edited away; the Message-ID still threads it.
    answer = _reply_to(mailed, "Found them, thanks!\n\nOn Mon, Agnès wrote:\n> Look in <Account>.\n")
    answer = answer.replace(f"[{ticket.reference}] ".encode(), b"")
    response = client.post("/api/support/inbound", content=answer, headers={"X-Support-Secret": SECRET})
    assert response.status_code == 200, response.text
    assert response.json() == {"ticket": ticket.reference, "created": False, "duplicate": False}
    with session_scope() as session:
        lines = session.exec(select(SupportMessage).where(SupportMessage.ticket_id == ticket.id)).all()
        assert lines[-1].body == "Found them, thanks!"
        assert (lines[-1].author_kind, lines[-1].channel) == ("customer", "email")
        assert session.get(SupportTicket, ticket.id).status == "open"  # back from pending customer
    # The provider retrying the same e-mail adds nothing.
    again = client.post("/api/support/inbound", content=answer, headers={"X-Support-Secret": SECRET})
    assert again.json()["duplicate"] is True
    with session_scope() as session:
        assert len(session.exec(select(SupportMessage).where(SupportMessage.ticket_id == ticket.id)).all()) == 4


def test_reference_in_subject_threads_and_unknown_mail_opens_an_email_ticket(
    smtp_inbox: Inbox, client: TestClient
) -> None:
    _, ticket = _agent_and_ticket("gina.subject@example.com")
    mail = EmailMessage()
    mail["From"] = "gina.subject@example.com"
    mail["Subject"] = f"Re: [{ticket.reference}] Lost tickets"
    mail.set_content("Any news?\n-----Original Message-----\nold stuff")
    response = client.post("/api/support/inbound", content=bytes(mail), headers={"X-Support-Secret": SECRET})
    assert response.json()["ticket"] == ticket.reference

    fresh = EmailMessage()
    fresh["From"] = "New Person <new.person@example.com>"
    fresh["Subject"] = "Wheelchair access"
    fresh["Message-ID"] = "<first@new.example>"
    fresh.set_content("Is the venue accessible?")
    response = client.post("/api/support/inbound", content=bytes(fresh), headers={"X-Support-Secret": SECRET})
    assert response.status_code == 201
    with session_scope() as session:
        created = session.exec(select(SupportTicket).where(SupportTicket.reference == response.json()["ticket"])).one()
        assert (created.channel, created.guest_email, created.subject) == (
            "email",
            "new.person@example.com",
            "Wheelchair access",
        )


@pytest.mark.parametrize("headers", [{}, {"X-Support-Secret": "wrong"}, {"X-Support-Secret": ""}])
def test_wrong_or_missing_secret_is_401_and_changes_nothing(
    smtp_inbox: Inbox, client: TestClient, headers: dict[str, str]
) -> None:
    mail = EmailMessage()
    mail["From"] = "intruder@example.com"
    mail["Subject"] = "spam"
    mail.set_content("buy now")
    with session_scope() as session:
        before = len(session.exec(select(SupportTicket)).all())
    response = client.post("/api/support/inbound", content=bytes(mail), headers=headers)
    assert response.status_code == 401
    with session_scope() as session:
        assert len(session.exec(select(SupportTicket)).all()) == before


def test_inbound_is_closed_when_no_secret_is_configured(client: TestClient) -> None:
    settings_module.get_settings.cache_clear()
    response = client.post("/api/support/inbound", content=b"From: a@b.c\n\nhi", headers={"X-Support-Secret": ""})
    assert response.status_code == 401


def test_mail_without_sender_is_refused(smtp_inbox: Inbox, client: TestClient) -> None:
    response = client.post(
        "/api/support/inbound", content=b"Subject: hi\n\nno sender", headers={"X-Support-Secret": SECRET}
    )
    assert response.status_code == 422


def test_without_smtp_replies_go_to_the_outbox_folder(client: TestClient) -> None:
    settings_module.get_settings.cache_clear()
    agent_id, ticket = _agent_and_ticket("gina.outbox@example.com")
    with session_scope() as session:
        reply = support.agent_reply(session, get_viewer(session, agent_id), ticket.id, "Offline reply")
    tasks.send_support_reply(reply.id)
    files = [p for p in outbox_dir().glob("*.eml") if ticket.reference.encode() in p.read_bytes()]
    assert len(files) == 1 and b"Offline reply" in files[0].read_bytes()


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("Thanks!\n\nOn Tue, 3 Mar 2027 at 10:00, Support <s@x> wrote:\n> old", "Thanks!"),
        ("Merci !\nLe mar. 3 mars 2027, Support a écrit :\n> ancien", "Merci !"),
        ("Yes\r\n> quoted\r\nmore", "Yes"),
        ("Fine\n-----Original Message-----\nFrom: x", "Fine"),
        ("No quote here\nsecond line", "No quote here\nsecond line"),
    ],
)
def test_quoted_history_is_stripped(text: str, kept: str) -> None:
    assert strip_quoted(text) == kept


def test_emailed_images_are_kept_and_other_files_dropped(smtp_inbox: Inbox, client: TestClient) -> None:
    png = b"\x89PNG\r\n\x1a\n" + b"\0" * 32
    mail = EmailMessage()
    mail["From"] = "Ann Attach <ann.attach@example.com>"
    mail["Subject"] = "Screenshot of the error"
    mail.set_content("See attached")
    mail.add_attachment(b"MZ\x90\x00 not a picture", maintype="application", subtype="octet-stream", filename="a.exe")
    mail.add_attachment(png, maintype="image", subtype="png", filename="screen.png")
    response = client.post("/api/support/inbound", content=bytes(mail), headers={"X-Support-Secret": SECRET})
    assert response.status_code == 201
    with session_scope() as session:
        ticket = session.exec(select(SupportTicket).where(SupportTicket.reference == response.json()["ticket"])).one()
        [line] = session.exec(select(SupportMessage).where(SupportMessage.ticket_id == ticket.id)).all()
        assert (line.attachment_name, line.attachment_type) == ("screen.png", "image/png")
        assert message_attachment(session, line.id, ticket.id, include_internal=False) == (
            "screen.png",
            "image/png",
            png,
        )
        # Asking for it through another ticket finds nothing.
        with pytest.raises(SupportError, match="Attachment not found"):
            message_attachment(session, line.id, ticket.id + 1, include_internal=True)

    disguised = EmailMessage()
    disguised["From"] = "ann.attach@example.com"
    disguised["Subject"] = f"Re: [{ticket.reference}] Screenshot"
    disguised.set_content("Another one")
    disguised.add_attachment(b"<html><script>x</script>", maintype="image", subtype="png", filename="evil.png")
    client.post("/api/support/inbound", content=bytes(disguised), headers={"X-Support-Secret": SECRET})
    with session_scope() as session:
        last = session.exec(select(SupportMessage).where(SupportMessage.ticket_id == ticket.id)).all()[-1]
        assert (last.body, last.attachment_path) == ("Another one", None)


def test_oversized_mail_is_refused_before_reading(
    smtp_inbox: Inbox, client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("ticketapp.api.support.MAX_INBOUND_BYTES", 100)
    with session_scope() as session:
        before = len(session.exec(select(SupportTicket)).all())
    body = b"From: big@example.com\nSubject: big\n\n" + b"x" * 200
    response = client.post("/api/support/inbound", content=body, headers={"X-Support-Secret": SECRET})
    assert response.status_code == 413
    with session_scope() as session:
        assert len(session.exec(select(SupportTicket)).all()) == before


# --- sender trust: `From:` proves nothing, a signed reply token does ---


def _post(client: TestClient, mail: EmailMessage):
    return client.post("/api/support/inbound", content=bytes(mail), headers={"X-Support-Secret": SECRET})


def _customer_ticket(email: str) -> tuple[int, SupportTicket]:
    with session_scope() as session:
        customer = User(email=email, display_name="Real Customer")
        agent = User(email=f"agent-{email}", display_name="Agnès", role="agent")
        session.add_all([customer, agent])
        session.commit()
        ticket = support.open_ticket(
            session,
            Requester(customer=get_viewer(session, customer.id)),
            channel="form",
            subject="Refund?",
            body="Hi",
        )
        return agent.id, ticket


def test_forged_from_opens_an_unverified_guest_ticket_without_the_account(
    smtp_inbox: Inbox, client: TestClient
) -> None:
    with session_scope() as session:
        session.add(User(email="victim.inbound@example.com", display_name="Victim"))
        session.commit()
    forged = EmailMessage()
    forged["From"] = "Victim <victim.inbound@example.com>"
    forged["Subject"] = "Change my ticket name"
    forged["Message-ID"] = "<forged-1@attacker.example>"
    forged.set_content("Please send my tickets to attacker@example.net")
    response = _post(client, forged)
    assert response.status_code == 201
    with session_scope() as session:
        ticket = session.exec(select(SupportTicket).where(SupportTicket.reference == response.json()["ticket"])).one()
        assert ticket.customer_id is None  # not filed under the victim's account: no orders shown
        assert ticket.guest_email == "victim.inbound@example.com"
        assert UNVERIFIED_LABEL in ticket.guest_name


def test_reference_without_token_is_labelled_and_a_signed_reply_is_not(smtp_inbox: Inbox, client: TestClient) -> None:
    agent_id, ticket = _customer_ticket("real.inbound@example.com")
    # Someone who only knows the reference (it is in every subject) writes as the customer.
    guess = EmailMessage()
    guess["From"] = "real.inbound@example.com"
    guess["Subject"] = f"Re: [{ticket.reference}] Refund?"
    guess["In-Reply-To"] = f"<123.{ticket.reference}.{'0' * 20}@ticketapp.localhost>"  # a made-up token
    guess.set_content("Cancel everything")
    assert _post(client, guess).json()["ticket"] == ticket.reference
    # The agent answers by mail (real SMTP); the customer replies to that mail.
    with session_scope() as session:
        reply = support.agent_reply(session, get_viewer(session, agent_id), ticket.id, "Done soon.")
    tasks.send_support_reply(reply.id)
    mailed = message_from_bytes(smtp_inbox.messages[-1], policy=policy.default)
    assert reply_token(ticket.reference) in mailed["Message-ID"]
    answer = EmailMessage()
    answer["From"] = "Real Customer <real.inbound@example.com>"
    answer["Subject"] = "Re: your request"
    answer["In-Reply-To"] = str(mailed["Message-ID"])
    answer["References"] = str(mailed["Message-ID"])
    answer.set_content("Thanks!")
    assert _post(client, answer).json()["ticket"] == ticket.reference
    with session_scope() as session:
        lines = session.exec(select(SupportMessage).where(SupportMessage.ticket_id == ticket.id)).all()
        by_body = {line.body: line.author_name for line in lines}
    assert by_body["Cancel everything"].endswith(UNVERIFIED_LABEL)
    assert by_body["Thanks!"] == "Real Customer"
