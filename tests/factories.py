"""Plain builders for what tests need: venues, events and ticket types, orders (and the
Stripe webhooks that pay them), people.

Each builder writes through the session it is given and commits, so a test can hand
the rows to services, routes or a live app at once. Pytest fixtures live in the
conftest.py files; this module holds functions only.
"""

from __future__ import annotations

import re
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlmodel import Session

from tests.fakes.stripe_api import WEBHOOK_SECRET, event_payload, sign_webhook
from ticketapp.models import (
    Event,
    EventStatus,
    Order,
    OrderItem,
    OrderStatus,
    Role,
    TicketType,
    User,
    Venue,
    utcnow,
)
from ticketapp.services.booking import checkout, holds, seats

EVENT_START = datetime(2030, 6, 14, 18, 30, tzinfo=UTC)  # 20:30 in Paris (summer time)


def token() -> str:
    """A fresh cart token, as a browser would carry."""
    return secrets.token_urlsafe(32)


# --- catalogue --------------------------------------------------------------------------------


def make_venue(
    session: Session, *, name: str = "Salle Test", address: str = "1 rue Test", city: str = "Paris"
) -> Venue:
    venue = Venue(name=name, address=address, city=city, country="FR", timezone="Europe/Paris")
    session.add(venue)
    session.commit()
    return venue


def make_event(
    session: Session,
    *,
    title: str = "Test Concert",
    venue: Venue | None = None,
    venue_name: str = "Salle Test",
    city: str = "Paris",
    starts_at: datetime | None = None,
    starts_in: timedelta = timedelta(days=10),
    hours: int = 2,
    currency: str = "EUR",
    status: str = EventStatus.PUBLISHED,
    cap: int | None = None,
    description: str = "",
    category: str = "concert",
    type_name: str = "Standard",
    capacity: int = 50,
    price_minor: int = 2500,
    max_per_order: int = 10,
    sales_start: datetime | None = None,
    sales_end: datetime | None = None,
) -> tuple[Event, TicketType]:
    """An event with one ticket type, at `venue` or at a new venue called `venue_name` in `city`."""
    venue = venue or make_venue(session, name=venue_name, city=city)
    start = starts_at or utcnow() + starts_in
    event = Event(
        title=title,
        slug=f"{re.sub(r'[^a-z0-9]+', '-', title.lower()).strip('-')}-{secrets.token_hex(3)}",
        description=description,
        category=category,
        venue_id=venue.id or 0,
        starts_at=start,
        ends_at=start + timedelta(hours=hours),
        currency=currency,
        status=status,
        max_tickets_per_customer=cap,
    )
    session.add(event)
    session.flush()
    ticket_type = add_type(
        session,
        event,
        name=type_name,
        capacity=capacity,
        price_minor=price_minor,
        max_per_order=max_per_order,
        sales_start=sales_start,
        sales_end=sales_end,
    )
    return event, ticket_type


def add_type(
    session: Session,
    event: Event,
    *,
    name: str = "Standard",
    capacity: int = 50,
    price_minor: int = 2500,
    max_per_order: int = 10,
    sales_start: datetime | None = None,
    sales_end: datetime | None = None,
) -> TicketType:
    ticket_type = TicketType(
        event_id=event.id or 0,
        name=name,
        price_minor=price_minor,
        capacity=capacity,
        max_per_order=max_per_order,
        sales_start=sales_start,
        sales_end=sales_end,
    )
    session.add(ticket_type)
    session.commit()
    return ticket_type


def make_event_with_vip(
    session: Session, title: str = "Nuit Électro au Zénith"
) -> tuple[Event, TicketType, TicketType]:
    """The ticket tests' concert: at Le Zénith on EVENT_START, Standard €42.50 × 100 and VIP €120 × 10."""
    zenith = make_venue(session, name="Le Zénith", address="211 avenue Jean Jaurès")
    event, standard = make_event(
        session, title=title, venue=zenith, starts_at=EVENT_START, hours=4, capacity=100, price_minor=4250
    )
    vip = add_type(session, event, name="VIP", capacity=10, price_minor=12000)
    return event, standard, vip


# --- orders -----------------------------------------------------------------------------------


def make_order(
    session: Session,
    lines: list[tuple[TicketType, int]],
    *,
    status: str = OrderStatus.PAID,
    user_id: int | None = None,
    buyer_name: str = "Camille Dupont",
    buyer_email: str = "camille@example.com",
    code: str | None = None,
    created_at: datetime | None = None,
) -> tuple[Order, list[OrderItem]]:
    """An order written straight into the database (no holds, no payment), in its events' currency."""
    event = session.get(Event, lines[0][0].event_id)
    assert event is not None
    order = Order(
        code=code or secrets.token_hex(4).upper(),
        user_id=user_id,
        buyer_name=buyer_name,
        buyer_email=buyer_email,
        status=status,
        currency=event.currency,
        total_minor=sum(ticket_type.price_minor * quantity for ticket_type, quantity in lines),
        paid_at=utcnow() if status == OrderStatus.PAID else None,
        created_at=created_at or utcnow(),
    )
    session.add(order)
    session.flush()
    items = [
        OrderItem(
            order_id=order.id or 0,
            ticket_type_id=ticket_type.id or 0,
            quantity=quantity,
            unit_price_minor=ticket_type.price_minor,
        )
        for ticket_type, quantity in lines
    ]
    session.add_all(items)
    session.commit()
    seats.recount(session, [ticket_type.id or 0 for ticket_type, _ in lines])  # written behind the inventory's back
    for item in items:
        session.refresh(item)  # loaded, so the rows stay usable once the session is closed
    return order, items


def make_pending_order(
    session: Session,
    *,
    quantity: int = 2,
    capacity: int = 50,
    price_minor: int = 2500,
    currency: str = "EUR",
    buyer_email: str = "ada@example.com",
) -> tuple[Order, TicketType]:
    """A pending order the way a buyer makes one: a hold in a cart, then checkout (through the risk
    rules: more than RISK_MAX_ORDERS_PER_HOUR from one `buyer_email` are held for review)."""
    _, ticket_type = make_event(session, capacity=capacity, price_minor=price_minor, currency=currency)
    cart = token()
    holds.set_hold_quantity(session, cart, ticket_type.id, quantity)
    [order] = checkout.convert_cart_to_pending_order(session, cart, buyer_name="Ada Lovelace", buyer_email=buyer_email)
    return order, ticket_type


def checkout_object(order: Order, **overrides: Any) -> dict[str, Any]:
    """The Stripe Checkout Session a webhook carries for `order` (paid unless overridden)."""
    obj = {
        "id": "cs_test_123",
        "object": "checkout.session",
        "amount_total": order.total_minor,
        "currency": order.currency.lower(),
        "payment_status": "paid",
        "payment_intent": "pi_test_123",
        "metadata": {"order_id": str(order.id), "order_code": order.code},
    }
    obj.update(overrides)
    return obj


def signed_event(event_type: str, obj: dict[str, Any], event_id: str | None = None) -> tuple[bytes, str]:
    """A webhook body and its `Stripe-Signature`, signed with the tests' webhook secret."""
    payload = event_payload(event_type, obj, event_id)
    return payload, sign_webhook(payload, WEBHOOK_SECRET)


# --- people -----------------------------------------------------------------------------------


def make_user(session: Session, email: str, name: str = "", role: str = Role.CUSTOMER) -> User:
    """A user without a password (sign-in goes through a session the test creates)."""
    user = User(email=email, display_name=name or email.split("@")[0], role=role)
    session.add(user)
    session.commit()
    return user


def make_staff(
    session: Session, email: str = "door@example.com", name: str = "Door Staff", role: str = Role.AGENT
) -> User:
    return make_user(session, email, name, role)


def reload_order(session: Session, order: Order) -> Order:
    """The order as the database has it now, after other sessions (the app, a webhook) changed it."""
    session.rollback()  # end this session's snapshot: other sessions changed the order
    session.expire_all()  # and forget what it loaded outside a transaction
    fresh = session.get(Order, order.id)
    assert fresh is not None
    return fresh
