"""Alembic migrations build the schema from empty, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlmodel import Session, SQLModel, select

from alembic import command
from ticketapp.db import alembic_config, make_engine
from ticketapp.models import Event, EventStatus, Order, OrderItem, Payment, Ticket, TicketType, User, Venue
from ticketapp.models.search_index import include_in_autogenerate as include_name


def test_migrations_create_every_table(db_url: str) -> None:
    engine = make_engine(db_url)
    tables = set(inspect(engine).get_table_names())
    engine.dispose()
    expected = {t.name for t in SQLModel.metadata.sorted_tables}
    assert expected <= tables
    assert "alembic_version" in tables


def test_models_and_migrations_agree(db_url: str) -> None:
    """A model change without a migration fails here."""
    engine = make_engine(db_url)
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": False, "include_name": include_name})
        diff = compare_metadata(context, SQLModel.metadata)
    engine.dispose()
    assert diff == []


def test_downgrade_to_base_and_up_again(db_url: str) -> None:
    config = alembic_config(db_url)
    command.downgrade(config, "base")
    engine = make_engine(db_url)
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    command.upgrade(config, "head")
    assert "event" in inspect(engine).get_table_names()
    engine.dispose()


def test_models_round_trip(session: Session) -> None:
    starts = datetime(2027, 3, 5, 19, 0, tzinfo=UTC)
    user = User(email="ada@example.com", display_name="Ada", password_hash="x")
    venue = Venue(name="Olympia", address="28 bd des Capucines", city="Paris", country="FR", timezone="Europe/Paris")
    session.add_all([user, venue])
    session.flush()
    event = Event(
        title="Test",
        slug="test",
        category="concert",
        venue_id=venue.id,
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        currency="EUR",
        status=EventStatus.PUBLISHED,
    )
    session.add(event)
    session.flush()
    ticket_type = TicketType(event_id=event.id, name="Standard", price_minor=4500, capacity=100)
    session.add(ticket_type)
    session.flush()
    order = Order(code="TK-ABC123", user_id=user.id, buyer_name="Ada", buyer_email=user.email, currency="EUR")
    session.add(order)
    session.flush()
    item = OrderItem(order_id=order.id, ticket_type_id=ticket_type.id, quantity=2, unit_price_minor=4500)
    session.add(item)
    session.flush()
    session.add(Payment(order_id=order.id, provider="demo", amount_minor=9000, currency="EUR"))
    session.add(
        Ticket(order_id=order.id, order_item_id=item.id, ticket_type_id=ticket_type.id, secret="s" * 43, code="AB12CD")
    )
    session.commit()
    session.expunge_all()

    loaded = session.exec(select(Event).where(Event.slug == "test")).one()
    assert loaded.starts_at == starts
    assert loaded.starts_at.tzinfo is not None
    assert session.exec(select(Ticket)).one().code == "AB12CD"
    assert session.exec(select(Payment)).one().amount_minor == 9000


def test_times_are_stored_in_utc(session: Session) -> None:
    paris_evening = datetime(2027, 6, 1, 20, 0, tzinfo=timezone(timedelta(hours=2)))
    user = User(email="tz@example.com", display_name="Tz", created_at=paris_evening)
    session.add(user)
    session.commit()
    session.expunge_all()
    loaded = session.exec(select(User)).one()
    assert loaded.created_at == paris_evening
    assert loaded.created_at.utcoffset() == timedelta(0)
    assert loaded.created_at.hour == 18


def test_naive_datetimes_are_refused(session: Session) -> None:
    session.add(User(email="naive@example.com", display_name="N", created_at=datetime(2027, 1, 1)))
    with pytest.raises(Exception, match="naive datetime"):
        session.commit()


def test_email_is_unique(session: Session) -> None:
    session.add(User(email="dup@example.com", display_name="A"))
    session.commit()
    session.add(User(email="dup@example.com", display_name="B"))
    with pytest.raises(Exception, match=r"(?i)unique|duplicate"):
        session.commit()
