"""Demo data and the public catalogue read path."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func
from sqlmodel import Session, select

from ticketapp.models import Event, EventStatus, TicketType, User, Venue, utcnow
from ticketapp.services.accounts.passwords import verify_password
from ticketapp.services.catalog.public import get_public_event, list_upcoming_events
from ticketapp.services.shared.seed import DEMO_ADMIN, DEMO_CUSTOMER, seed_demo_data


def _count(session: Session, model: type) -> int:
    return session.exec(select(func.count()).select_from(model)).one()


def test_seed_creates_a_realistic_catalogue(session: Session) -> None:
    created = seed_demo_data(session)
    assert created["events"] == _count(session, Event) >= 30
    events = session.exec(select(Event)).all()
    assert {e.currency for e in events} >= {"EUR", "USD", "GBP", "JPY"}
    assert len({e.category for e in events}) >= 5
    assert len(set(session.exec(select(Venue.city)).all())) >= 5
    now = utcnow()
    assert any(e.starts_at < now for e in events) and any(e.starts_at > now for e in events)
    assert all(e.status == EventStatus.PUBLISHED for e in events)
    for event in events:
        types = session.exec(select(TicketType).where(TicketType.event_id == event.id)).all()
        assert 2 <= len(types) <= 4
    jpy_prices = session.exec(
        select(TicketType.price_minor).join(Event, Event.id == TicketType.event_id).where(Event.currency == "JPY")
    ).all()
    assert all(price % 100 == 0 and price >= 1000 for price in jpy_prices)


def test_seed_is_idempotent(session: Session) -> None:
    seed_demo_data(session)
    counts = (_count(session, Event), _count(session, TicketType), _count(session, User), _count(session, Venue))
    again = seed_demo_data(session, now=utcnow() + timedelta(days=3))
    assert again == {"users": 0, "events": 0, "ticket_types": 0}
    assert counts == (
        _count(session, Event),
        _count(session, TicketType),
        _count(session, User),
        _count(session, Venue),
    )


def test_seed_creates_demo_accounts_with_the_readme_passwords(session: Session) -> None:
    seed_demo_data(session)
    for email, _name, password in (DEMO_CUSTOMER, DEMO_ADMIN):
        user = session.exec(select(User).where(User.email == email)).one()
        assert verify_password(password, user.password_hash)
        assert not verify_password("wrong-password", user.password_hash)
    admin = session.exec(select(User).where(User.email == DEMO_ADMIN[0])).one()
    assert admin.role == "admin"


def test_upcoming_events_are_sorted_and_priced_from_the_cheapest_type(session: Session) -> None:
    seed_demo_data(session)
    events = list_upcoming_events(session, limit=100)
    assert events == sorted(events, key=lambda e: e.starts_at)
    assert all(e.starts_at + timedelta(hours=12) > utcnow() for e in events)
    first = events[0]
    cheapest = min(session.exec(select(TicketType.price_minor).where(TicketType.event_id == first.id)).all())
    assert first.lowest_price is not None and first.lowest_price.amount_minor == cheapest


def test_drafts_and_past_events_are_not_listed(session: Session) -> None:
    seed_demo_data(session)
    draft = session.exec(select(Event).where(Event.slug == "jazz-a-lyon")).one()
    draft.status = EventStatus.DRAFT
    session.add(draft)
    session.commit()
    slugs = {e.slug for e in list_upcoming_events(session, limit=100)}
    assert "jazz-a-lyon" not in slugs
    assert "winter-beats-festival" not in slugs  # took place 20 days ago
    assert get_public_event(session, "jazz-a-lyon") is None
    past = get_public_event(session, "winter-beats-festival")
    assert past is not None and past.is_past


def test_event_detail_lists_ticket_types_in_order(session: Session) -> None:
    seed_demo_data(session)
    detail = get_public_event(session, "tokyo-city-pop-night")
    assert detail is not None
    assert detail.venue.timezone == "Asia/Tokyo"
    assert [t.name for t in detail.ticket_types][:2] == ["Standard", "VIP"]
    assert all(t.price.currency == "JPY" for t in detail.ticket_types)
    assert get_public_event(session, "no-such-event") is None
    assert get_public_event(session, "' OR 1=1 --") is None
