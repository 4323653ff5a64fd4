"""Mail templates (placeholders checked on save, preview, fallback) and scheduled/one-off messages sent
through the real SMTP protocol to the loopback server: at the right time, each recipient once, unsubscribe."""

from __future__ import annotations

import secrets
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlmodel import Session, select

from tests.factories import add_type, make_event, make_order
from tests.support_smtp import MailSink
from ticketapp.models import MessageRecipient, MessageStatus, OrderLog, OrderStatus, TemplateKind
from ticketapp.services.messaging import messages, templates, unsubscribe
from ticketapp.services.messaging.messages import Draft, MessageError
from ticketapp.services.messaging.templates import TemplateError
from ticketapp.services.orders.mail import send_confirmation
from ticketapp.services.orders.refunds import refund_order
from ticketapp.services.tickets.issuing import issue_tickets

pytestmark = pytest.mark.usefixtures("smtp")


def _tampered(sig: str) -> str:
    return sig[:-1] + ("0" if sig[-1] != "0" else "1")


def _email(tag: str) -> str:
    return f"{tag}-{secrets.token_hex(4)}@example.com"


def test_an_unknown_placeholder_is_refused_with_its_name_and_nothing_is_saved(session: Session) -> None:
    event, _ = make_event(session)
    with pytest.raises(TemplateError, match=r"Unknown placeholder \{buyer_nam\}\. Available: \{buyer_name\}"):
        templates.save(session, event.id or 0, "confirmation", "en", "Hi", "Hello {buyer_nam}", actor_id=None)
    with pytest.raises(TemplateError, match="brace"):
        templates.save(session, event.id or 0, "confirmation", "en", "Hi {order_code", "Text", actor_id=None)
    with pytest.raises(TemplateError, match="Unknown placeholder"):  # a refund amount means nothing in a transfer
        templates.save(session, event.id or 0, "transfer", "en", "Hi", "{refund_amount}", actor_id=None)
    with pytest.raises(TemplateError, match="Unknown language"):
        templates.save(session, event.id or 0, "confirmation", "xx", "Hi", "Text", actor_id=None)
    assert templates.find(session, event.id or 0, "confirmation", "en") is None


def test_the_preview_fills_a_sample_order_and_the_built_in_text_is_the_starting_point(session: Session) -> None:
    event, tt = make_event(session, title="Jazz au parc")
    make_order(session, [(tt, 1)], buyer_name="Zoé Martin")
    shown = templates.preview(session, event.id or 0, "reminder", "fr", "{event_title}", "Bonjour {buyer_name}")
    assert shown.subject == "Jazz au parc" and shown.paragraphs == ["Bonjour Zoé Martin"]
    subject, body = templates.built_in(TemplateKind.CONFIRMATION, "fr")
    assert "{order_code}" in subject and "{buyer_name}" in body
    templates.validate(TemplateKind.CONFIRMATION, subject, body)  # the starting text always saves
    for kind in TemplateKind:
        templates.validate(kind, *templates.built_in(kind, "en"))


def test_the_confirmation_and_refund_use_the_events_template_in_the_buyers_language(
    session: Session, mail_sink: MailSink
) -> None:
    event, tt = make_event(session, title="Festival du Quai")
    templates.save(
        session,
        event.id or 0,
        "confirmation",
        "en",
        "See you at {event_title}, {buyer_name}!",
        "Dear {buyer_name},\n\nOrder {order_code} is paid. Doors open an hour before {event_start}.",
        actor_id=None,
    )
    email = _email("tpl")
    order, _ = make_order(session, [(tt, 1)], buyer_email=email, buyer_name="Ada")
    issue_tickets(session, order.id or 0)
    assert send_confirmation(session, order.id or 0, None)
    mail = mail_sink.wait_for(email, "See you at Festival du Quai, Ada!")
    assert f"Order {order.code} is paid." in mail.text and "Doors open an hour before" in mail.text
    assert "Your tickets" in mail.text  # the working parts stay: the ticket links
    assert "Thank you for your order" not in mail.text

    refund = refund_order(session, order.code)  # no refund template: the built-in text
    assert refund is not None
    mail_sink.wait_for(email, f"Refund for order {order.code}")


def test_a_scheduled_reminder_goes_at_its_time_once_to_each_address(session: Session, mail_sink: MailSink) -> None:
    event, tt = make_event(session, title="Reminder Rock", starts_in=timedelta(days=5))
    vip = add_type(session, event, name="VIP")
    first, second, vip_buyer = _email("first"), _email("second"), _email("vip")
    orders = [
        make_order(session, [(tt, 2)], buyer_email=first)[0],
        make_order(session, [(tt, 1)], buyer_email=first)[0],  # the same buyer twice: one mail
        make_order(session, [(tt, 1)], buyer_email=second)[0],
        make_order(session, [(vip, 1)], buyer_email=vip_buyer)[0],
        make_order(session, [(tt, 1)], buyer_email=_email("pending"), status=OrderStatus.PENDING)[0],
    ]
    for order in orders[:4]:
        issue_tickets(session, order.id or 0)
    draft = Draft(subject="", body="", ticket_type_id=tt.id)  # the reminder template, only Standard holders
    message = messages.schedule(
        session, event.id or 0, draft, anchor="start", offset_minutes=-2 * 24 * 60, actor_id=None
    )

    moment = event.starts_at - timedelta(days=2)
    assert messages.send_due(session, now=moment - timedelta(minutes=1)) == []  # not before
    assert mail_sink.mails_to(first) == []
    assert messages.send_due(session, now=moment + timedelta(seconds=30)) == [message.id]
    mail = mail_sink.wait_for(first, "Reminder: Reminder Rock")
    assert "Reminder Rock starts on" in mail.text and "/api/unsubscribe?" in mail.text
    mail_sink.wait_for(second, "Reminder: Reminder Rock")
    assert messages.send_due(session, now=moment + timedelta(hours=1)) == []  # only once
    assert len(mail_sink.mails_to(first)) == 1 and mail_sink.mails_to(vip_buyer) == []
    session.refresh(message)
    assert (message.status, message.total, message.sent) == (MessageStatus.SENT, 2, 2)
    notes = session.exec(select(OrderLog.note).where(OrderLog.order_id == orders[2].id)).all()
    assert "message sent: reminder" in notes


def test_unsubscribed_addresses_are_skipped_but_still_get_essential_mail(session: Session, mail_sink: MailSink) -> None:
    event, tt = make_event(session)
    stays, leaves = _email("stays"), _email("leaves")
    for email in (stays, leaves):
        issue_tickets(session, make_order(session, [(tt, 1)], buyer_email=email)[0].id or 0)
    link = urlsplit(unsubscribe.url(leaves))
    query = parse_qs(link.query)
    assert not unsubscribe.opt_out(session, leaves, _tampered(query["s"][0]))  # tampered: nothing changes
    assert not unsubscribe.is_opted_out(session, leaves)
    assert unsubscribe.opt_out(session, query["e"][0], query["s"][0])
    message = messages.send_now(
        session, event.id or 0, Draft(subject="Parking closed", body="Hi {buyer_name}"), actor_id=None
    )
    mail_sink.wait_for(stays, "Parking closed")
    session.refresh(message)
    assert (message.total, message.sent, message.skipped) == (2, 1, 1)
    assert all(m.subject != "Parking closed" for m in mail_sink.mails_to(leaves))
    order, _ = make_order(session, [(tt, 1)], buyer_email=leaves)
    issue_tickets(session, order.id or 0)
    assert send_confirmation(session, order.id or 0, None)  # essential mail ignores the opt-out
    mail_sink.wait_for(leaves, f"Your tickets for order {order.code}")


def test_a_second_start_or_batch_mails_nobody_twice(session: Session, mail_sink: MailSink) -> None:
    event, tt = make_event(session)
    email = _email("once")
    issue_tickets(session, make_order(session, [(tt, 1)], buyer_email=email)[0].id or 0)
    message = messages.schedule(
        session, event.id or 0, Draft("Hi", "Text"), anchor="end", offset_minutes=60, actor_id=None
    )
    assert messages.start(session, message.id or 0)
    assert not messages.start(session, message.id or 0)
    messages.send_all(session, message.id or 0)
    messages.send_all(session, message.id or 0)
    assert messages.send_batch(session, message.id or 0) == 0
    rows = session.exec(select(MessageRecipient).where(MessageRecipient.message_id == message.id)).all()
    assert [r.status for r in rows] == ["sent"]
    mail_sink.wait_for(email, "Hi")
    assert len([m for m in mail_sink.mails_to(email) if m.subject == "Hi"]) == 1


def test_bad_messages_are_refused_and_change_nothing(session: Session) -> None:
    event, _ = make_event(session)
    other, other_type = make_event(session, title="Other")
    eid = event.id or 0
    cases = [
        (Draft("Hi", "{nope}"), "Unknown placeholder"),
        (Draft("Hi", ""), "Write both"),
        (Draft("Hi", "x", audience="everyone"), "Choose who"),
        (Draft("Hi", "x", ticket_type_id=other_type.id), "not one of this event's"),
        (Draft("Hi", "x", checkin_filter="maybe"), "Choose a check-in status"),
    ]
    for draft, refusal in cases:
        with pytest.raises((MessageError, TemplateError), match=refusal):
            messages.schedule(session, eid, draft, anchor="start", offset_minutes=0, actor_id=None)
    with pytest.raises(MessageError, match="start or end"):
        messages.schedule(session, eid, Draft("Hi", "x"), anchor="middle", offset_minutes=0, actor_id=None)
    with pytest.raises(MessageError, match="within a year"):
        messages.schedule(session, eid, Draft("Hi", "x"), anchor="start", offset_minutes=10**8, actor_id=None)
    assert messages.list_messages(session, eid) == []
    scheduled = messages.schedule(session, eid, Draft("Hi", "x"), anchor="start", offset_minutes=0, actor_id=None)
    with pytest.raises(MessageError, match="not found"):
        messages.cancel(session, scheduled.id or 0, other.id or 0)  # another event's id
    assert messages.cancel(session, scheduled.id or 0, eid).status == MessageStatus.CANCELLED
    with pytest.raises(MessageError, match="has not started"):
        messages.cancel(session, scheduled.id or 0, eid)
