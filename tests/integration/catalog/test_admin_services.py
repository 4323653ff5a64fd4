"""Admin services with real admins in the database: events, orders, people, media; every change audited."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, select

from tests.factories import add_type, make_event, make_pending_order, make_venue, token
from ticketapp.models import (
    AdminAudit,
    Event,
    EventStatus,
    Order,
    OrderLog,
    OrderStatus,
    Role,
    Ticket,
    TicketType,
    User,
    Venue,
    utcnow,
)
from ticketapp.services.accounts import admin as admin_people
from ticketapp.services.booking import checkout as order_service
from ticketapp.services.booking import holds
from ticketapp.services.catalog import events as admin_events
from ticketapp.services.catalog.events import AdminError, EventInput, TicketTypeInput
from ticketapp.services.orders import admin as admin_orders
from ticketapp.services.orders import payments as order_payments
from ticketapp.services.orders.lifecycle import OrderError
from ticketapp.services.shared import media


def _input(venue: Venue, **changes: object) -> EventInput:
    starts = utcnow() + timedelta(days=30)
    data = EventInput(
        title="Jazz Night",
        category="concert",
        venue_id=venue.id or 0,
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        currency="EUR",
        ticket_types=[TicketTypeInput("Standard", 2500, 100), TicketTypeInput("VIP", 6000, 10)],
    )
    for name, value in changes.items():
        setattr(data, name, value)
    return data


def _audits(session: Session) -> list[str]:
    return [a.action for a in session.exec(select(AdminAudit).order_by(AdminAudit.id)).all()]


def _pay(session: Session, order: Order) -> None:
    outcome = order_payments.record_payment(
        session, order.id or 0, provider="demo", reference=order.code, amount_minor=order.total_minor, currency="EUR"
    )
    assert outcome == order_payments.PaymentOutcome.PAID


def test_create_publish_and_duplicate_an_event_with_two_ticket_types(session: Session, admin: User) -> None:
    venue = make_venue(session)
    event = admin_events.create_event(session, admin.id or 0, _input(venue))
    assert event.status == EventStatus.DRAFT and event.slug == "jazz-night"
    types = session.exec(select(TicketType).where(TicketType.event_id == event.id).order_by(TicketType.position)).all()
    assert [(t.name, t.price_minor, t.capacity) for t in types] == [("Standard", 2500, 100), ("VIP", 6000, 10)]
    admin_events.publish_event(session, admin.id or 0, event.id or 0)
    copy = admin_events.duplicate_event(session, admin.id or 0, event.id or 0)
    assert copy.status == EventStatus.DRAFT and copy.slug != event.slug and copy.title == "Jazz Night (copy)"
    assert len(session.exec(select(TicketType).where(TicketType.event_id == copy.id)).all()) == 2
    admin_events.unpublish_event(session, admin.id or 0, event.id or 0)
    assert _audits(session) == ["event.create", "event.publish", "event.duplicate", "event.unpublish"]
    rows, total = admin_events.list_events(session, status=EventStatus.DRAFT)
    assert total == 2 and {r.capacity for r in rows} == {110}


def test_a_copy_says_so_in_the_admins_language_and_its_title_still_fits(session: Session, admin: User) -> None:
    venue = make_venue(session)
    event = admin_events.create_event(session, admin.id or 0, _input(venue, title="Nuit du jazz"))
    copy = admin_events.duplicate_event(session, admin.id or 0, event.id or 0, "fr")
    assert copy.title == "Nuit du jazz (copie)"
    long_title = "A" * 200
    assert admin_events.copy_title(long_title, "en") == "A" * 193 + " (copy)"


def test_bad_event_input_is_refused_and_changes_nothing(session: Session, admin: User) -> None:
    venue = make_venue(session)
    starts = utcnow() + timedelta(days=3)
    bad = [
        _input(venue, title=" "),
        _input(venue, category="circus"),
        _input(venue, venue_id=999),
        _input(venue, starts_at=starts, ends_at=starts),
        _input(venue, ticket_types=[TicketTypeInput("Free", -1, 10)]),
        _input(venue, ticket_types=[TicketTypeInput("", 100, 10)]),
    ]
    for data in bad:
        with pytest.raises(AdminError):
            admin_events.create_event(session, admin.id or 0, data)
    assert session.exec(select(Event)).all() == [] and _audits(session) == []
    draft = admin_events.create_event(session, admin.id or 0, _input(venue, ticket_types=[]))
    with pytest.raises(AdminError, match="at least one ticket type"):
        admin_events.publish_event(session, admin.id or 0, draft.id or 0)
    assert session.get(Event, draft.id).status == EventStatus.DRAFT


def test_capacity_never_below_sold_and_sold_types_stay(session: Session, admin: User) -> None:
    event, standard = make_event(session, capacity=10)
    vip = add_type(session, event, name="VIP", capacity=5)
    cart = token()
    holds.set_hold_quantity(session, cart, standard.id, 3)
    order_service.convert_cart_to_pending_order(session, cart, buyer_name="Ada", buyer_email="ada@example.com")
    data = EventInput(
        title=event.title,
        category=event.category,
        venue_id=event.venue_id,
        starts_at=event.starts_at,
        ends_at=event.ends_at,
        currency="EUR",
        ticket_types=[TicketTypeInput("Standard", 2500, 2, id=standard.id), TicketTypeInput("VIP", 5000, 5, id=vip.id)],
    )
    with pytest.raises(AdminError, match="below the 3 tickets already sold") as refused:
        admin_events.update_event(session, admin.id or 0, event.id or 0, data)
    assert "3" in refused.value.translated("fr")
    session.refresh(standard)
    assert standard.capacity == 10
    data.ticket_types = [TicketTypeInput("VIP", 5000, 5, id=vip.id)]
    with pytest.raises(AdminError, match="cannot be removed"):
        admin_events.update_event(session, admin.id or 0, event.id or 0, data)
    data.ticket_types = [TicketTypeInput("Standard", 2500, 3, id=standard.id), TicketTypeInput("Balcony", 1500, 40)]
    data.currency = "GBP"
    with pytest.raises(AdminError, match="currency"):
        admin_events.update_event(session, admin.id or 0, event.id or 0, data)
    data.currency = "EUR"
    admin_events.update_event(session, admin.id or 0, event.id or 0, data)  # VIP (unsold) removed, Balcony added
    names = sorted(t.name for t in session.exec(select(TicketType).where(TicketType.event_id == event.id)).all())
    assert names == ["Balcony", "Standard"] and session.get(TicketType, standard.id).capacity == 3
    assert _audits(session) == ["event.update"]


def test_cancel_event_refunds_paid_orders_and_cancels_unpaid(session: Session, admin: User) -> None:
    paid, ticket_type = make_pending_order(session, quantity=2)
    _pay(session, paid)
    cart = token()
    holds.set_hold_quantity(session, cart, ticket_type.id, 1)
    [unpaid] = order_service.convert_cart_to_pending_order(
        session, cart, buyer_name="Bob", buyer_email="bob@example.com"
    )
    result = admin_events.cancel_event(session, admin.id or 0, ticket_type.event_id, refund_orders=True)
    assert (result.refunded_orders, result.cancelled_unpaid, result.failures) == (1, 1, [])
    session.expire_all()
    assert session.get(Order, paid.id).status == OrderStatus.REFUNDED
    assert session.get(Order, unpaid.id).status == OrderStatus.CANCELLED
    assert session.get(Event, ticket_type.event_id).status == EventStatus.CANCELLED
    with pytest.raises(AdminError, match="already cancelled"):
        admin_events.cancel_event(session, admin.id or 0, ticket_type.event_id, refund_orders=True)


def test_order_search_detail_and_csv_export(session: Session, admin: User) -> None:
    order, ticket_type = make_pending_order(session)
    _pay(session, order)
    other, _ = make_pending_order(session)
    other.buyer_name = "=HYPERLINK(evil)"
    session.add(other)
    session.commit()
    search = admin_orders.OrderSearch
    assert admin_orders.search_orders(session, search(text=order.code.lower()))[1] == 1
    assert admin_orders.search_orders(session, search(text="ADA@EXAMPLE"))[1] == 2
    assert admin_orders.search_orders(session, search(status=OrderStatus.PAID))[0] == [order]
    assert admin_orders.search_orders(session, search(event_id=ticket_type.event_id))[0] == [order]
    assert admin_orders.search_orders(session, search(created_before=utcnow() - timedelta(days=1)))[1] == 0
    detail = admin_orders.order_detail(session, order.code)
    assert detail is not None and detail.items[0][1:] == ("Standard", "Test Concert")
    assert [p.status for p in detail.payments] == ["succeeded"]
    # The last status change (notes such as "confirmation e-mail sent" carry no status).
    assert [entry.to_status for entry in detail.log if entry.to_status][-1] == "paid"
    assert admin_orders.order_detail(session, "NOPE") is None
    lines = admin_orders.export_csv(session, search(text="ada@example.com")).splitlines()
    assert lines[0].startswith("code,created_at") and len(lines) == 3
    assert "'=HYPERLINK(evil)" in "\n".join(lines)


def test_order_actions_are_logged_and_refused_when_invalid(session: Session, admin: User) -> None:
    order, _ = make_pending_order(session, quantity=2)
    with pytest.raises(AdminError, match="Order not found"):
        admin_orders.cancel_unpaid_order(session, admin.id or 0, "NOPE")
    admin_orders.request_confirmation_resend(session, admin.id or 0, order.code)
    admin_orders.cancel_unpaid_order(session, admin.id or 0, order.code)
    session.refresh(order)
    assert order.status == OrderStatus.CANCELLED
    paid, _ = make_pending_order(session, quantity=2)
    _pay(session, paid)
    with pytest.raises(AdminError, match="refund a paid order"):
        admin_orders.cancel_unpaid_order(session, admin.id or 0, paid.code)
    [item] = admin_orders.order_detail(session, paid.code).items  # type: ignore[union-attr]
    ticket = Ticket(
        order_id=paid.id or 0,
        order_item_id=item[0].id or 0,
        ticket_type_id=item[0].ticket_type_id,
        secret=token(),
        code="T1",
    )
    session.add(ticket)
    session.commit()
    with pytest.raises(AdminError):
        admin_orders.change_attendee_name(session, admin.id or 0, paid.code, ticket.id or 0, "   ")
    admin_orders.change_attendee_name(session, admin.id or 0, paid.code, ticket.id or 0, "  Grace   Hopper ")
    assert session.get(Ticket, ticket.id).attendee_name == "Grace Hopper"
    with pytest.raises(OrderError):
        admin_orders.mark_paid(session, admin.id or 0, paid.code)  # not a bank transfer
    admin_orders.refund(session, admin.id or 0, paid.code, None, "customer asked")
    session.refresh(paid)
    assert paid.status == OrderStatus.REFUNDED
    notes = [log.note for log in session.exec(select(OrderLog).where(OrderLog.actor_user_id == admin.id)).all()]
    assert "confirmation e-mail resent" in notes and "cancelled by an admin" in notes
    assert any("Grace Hopper" in n for n in notes)


def test_block_customers_and_manage_staff(session: Session, admin: User) -> None:
    customer = User(email="c@example.com", display_name="Carol", role=Role.CUSTOMER)
    session.add(customer)
    session.commit()
    aid = admin.id or 0
    with pytest.raises(AdminError, match="reason"):
        admin_people.set_blocked(session, aid, customer.id or 0, blocked=True, reason="  ")
    with pytest.raises(AdminError, match="your own"):
        admin_people.set_blocked(session, aid, aid, blocked=True, reason="oops")
    admin_people.set_blocked(session, aid, customer.id or 0, blocked=True, reason="chargebacks")
    assert session.get(User, customer.id).is_blocked
    admin_people.set_blocked(session, aid, customer.id or 0, blocked=False, reason="")
    rows, total = admin_people.search_customers(session, "CAROL")
    assert total == 1 and rows[0].user.id == customer.id and rows[0].orders == 0
    agent = admin_people.invite_staff(session, aid, "Agent@Example.com", "Alex", Role.AGENT)
    assert agent.role == Role.AGENT and agent.email == "agent@example.com"
    with pytest.raises(AdminError, match="already on the staff"):
        admin_people.invite_staff(session, aid, "agent@example.com", "Alex", Role.AGENT)
    admin_people.change_role(session, aid, agent.id or 0, Role.ADMIN)
    with pytest.raises(AdminError, match="own role"):
        admin_people.change_role(session, aid, aid, Role.CUSTOMER)
    admin_people.deactivate_staff(session, aid, agent.id or 0)
    assert (agent.role, agent.is_blocked) == (Role.CUSTOMER, True)
    other = admin_people.invite_staff(session, aid, "second@example.com", "Sam", Role.ADMIN)
    admin_people.deactivate_staff(session, aid, other.id or 0)
    with pytest.raises(AdminError, match="at least one active admin"):
        admin_people.change_role(session, other.id or 0, aid, Role.AGENT)  # the last admin cannot be demoted
    assert _audits(session) == [
        "user.block",
        "user.unblock",
        "staff.invite",
        "user.role",
        "staff.deactivate",
        "staff.invite",
        "staff.deactivate",
    ]


def test_image_upload_checks_content_and_size(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    from ticketapp.settings import get_settings

    monkeypatch.setenv("MEDIA_DIR", str(tmp_path / "media"))
    get_settings.cache_clear()
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    url = media.save_event_image(png)
    assert url.startswith("/media/") and url.endswith(".png")
    path, content_type = media.media_file(url.removeprefix("/media/"))  # type: ignore[misc]
    assert path.read_bytes() == png and content_type == "image/png"
    with pytest.raises(AdminError, match="PNG, JPEG"):
        media.save_event_image(b"<svg onload=alert(1)>" + b" " * 64)
    with pytest.raises(AdminError, match="5 MB"):
        media.save_event_image(b"\xff\xd8\xff" + b"\x00" * media.MAX_IMAGE_BYTES)
    assert media.media_file("../secret_key") is None and media.media_file("x.png") is None
    assert len(list((tmp_path / "media").iterdir())) == 1
    get_settings.cache_clear()
