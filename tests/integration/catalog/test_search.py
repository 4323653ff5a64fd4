"""Event search on real databases: text, filters, sorts, pages, and the seed's search column."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, select

from tests.factories import add_type, make_event, token
from ticketapp.models import Event, EventStatus, Venue, utcnow
from ticketapp.services.booking import checkout as order_service
from ticketapp.services.booking import holds as hold_service
from ticketapp.services.booking import inventory as inv
from ticketapp.services.catalog.search import DatePreset, SearchQuery, SortOrder, search_events
from ticketapp.services.shared.seed import seed_demo_data


def _titles(session: Session, **kwargs: object) -> list[str]:
    return [e.title for e in search_events(session, SearchQuery(**kwargs)).events]


def _world(session: Session) -> dict[str, Event]:
    chatelet, _ = make_event(
        session,
        title="Le Misanthrope",
        venue_name="Théâtre du Châtelet",
        category="theatre",
        price_minor=3000,
        starts_in=timedelta(days=3),
    )
    jazz, jazz_type = make_event(
        session,
        title="Jazz à Lyon",
        city="Lyon",
        description="Three stages of JAZZ",
        price_minor=2000,
        starts_in=timedelta(days=20),
        capacity=2,
    )
    tokyo, _ = make_event(
        session, title="Tokyo City Pop", city="Tokyo", currency="JPY", price_minor=4500, starts_in=timedelta(days=45)
    )
    make_event(session, title="Draft Jazz", status=EventStatus.DRAFT)
    make_event(session, title="Old Jazz", starts_in=timedelta(days=-5))
    add_type(session, jazz, name="VIP", capacity=1, price_minor=9000)
    return {"chatelet": chatelet, "jazz": jazz, "tokyo": tokyo, "jazz_type": jazz_type}


def test_text_is_accent_and_case_insensitive_over_title_description_venue_city(session: Session) -> None:
    _world(session)
    assert _titles(session, text="theatre") == ["Le Misanthrope"]
    assert _titles(session, text="CHÂTELET misanthrope") == ["Le Misanthrope"]
    assert _titles(session, text="jazz") == ["Jazz à Lyon"]  # drafts and past events never show
    assert _titles(session, text="stages") == ["Jazz à Lyon"]
    assert _titles(session, text="lyon a") == ["Jazz à Lyon"]  # a short term falls back to LIKE
    assert _titles(session, text='"; DROP TABLE event; --') == []
    assert _titles(session, text="tok") == ["Tokyo City Pop"]


def test_filters_sorts_and_pages(session: Session) -> None:
    world = _world(session)
    assert _titles(session, category="theatre") == ["Le Misanthrope"]
    assert _titles(session, city="lyon") == ["Jazz à Lyon"]
    assert _titles(session, preset=DatePreset.NEXT_30) == ["Le Misanthrope", "Jazz à Lyon"]
    day = (utcnow() + timedelta(days=45)).date()
    assert _titles(session, date_from=day - timedelta(days=1), date_to=day + timedelta(days=1)) == ["Tokyo City Pop"]
    # Price range in major units of each event's own currency: ¥4,500 is 4500, €20.00 is 20.
    assert _titles(session, price_min=15, price_max=25) == ["Jazz à Lyon"]
    assert _titles(session, price_min=4000, price_max=5000) == ["Tokyo City Pop"]
    assert _titles(session, sort=SortOrder.PRICE) == ["Jazz à Lyon", "Le Misanthrope", "Tokyo City Pop"]
    cart = token()
    hold_service.set_hold_quantity(session, cart, world["jazz_type"].id, 2)
    order_service.convert_cart_to_pending_order(session, cart, buyer_name="A", buyer_email="a@example.com")
    assert _titles(session, sort=SortOrder.POPULARITY)[0] == "Jazz à Lyon"
    assert "Jazz à Lyon" in _titles(session, only_available=True)  # the VIP type still has a seat
    vip = session.exec(select(Event).where(Event.id == world["jazz"].id)).one()
    hold_service.set_hold_quantity(
        session, token(), ([t for t in inv.availability(session, []) or []] and 0) or _vip_id(session, vip), 1
    )
    assert "Jazz à Lyon" not in _titles(session, only_available=True)
    page = search_events(session, SearchQuery(limit=2, offset=2))
    assert (page.total, [e.title for e in page.events]) == (3, ["Tokyo City Pop"])


def _vip_id(session: Session, event: Event) -> int:
    from ticketapp.models import TicketType

    return session.exec(select(TicketType.id).where(TicketType.event_id == event.id, TicketType.name == "VIP")).one()


def test_search_text_follows_edits_and_seed(session: Session) -> None:
    world = _world(session)
    venue = session.get(Venue, world["jazz"].venue_id)
    venue.name = "Salle Rameau"
    session.add(venue)
    session.commit()
    assert _titles(session, text="rameau") == ["Jazz à Lyon"]
    event = session.get(Event, world["chatelet"].id)
    event.title = "Tartuffe"
    session.add(event)
    session.commit()
    assert _titles(session, text="tartuffe") == ["Tartuffe"]
    assert _titles(session, text="misanthrope") == []
    seed_demo_data(session)
    assert "Théâtre d'improvisation" in _titles(session, text="theatre improvisation")


def test_search_index_survives_a_migration_that_rebuilds_the_event_table(db_url: str) -> None:
    """Alembic batch mode on SQLite copies, drops and renames `event`, dropping its triggers."""
    from sqlalchemy import text

    from ticketapp.db import make_engine, upgrade_database

    engine = make_engine(db_url)
    if engine.dialect.name == "sqlite":
        with engine.begin() as conn:
            for trigger in ("event_search_ai", "event_search_ad", "event_search_au"):
                conn.execute(text(f"DROP TRIGGER {trigger}"))
    upgrade_database(db_url)  # what `make run` / deploys do after any migration
    with Session(engine) as session:
        make_event(session, title="Rebuilt Index Gala")
        assert _titles(session, text="rebuilt index") == ["Rebuilt Index Gala"]
    engine.dispose()


def test_a_category_name_in_any_language_finds_the_events_of_that_category(session: Session) -> None:
    _world(session)
    make_event(session, title="Hamlet", venue_name="Globe", category="theatre", starts_in=timedelta(days=4))
    make_event(session, title="Rire et chansons", category="comedy", starts_in=timedelta(days=5))
    assert _titles(session, text="theatre") == ["Le Misanthrope", "Hamlet"]  # its venue's name, its category
    assert _titles(session, text="Théâtre") == ["Le Misanthrope", "Hamlet"]
    assert _titles(session, text="humour") == ["Rire et chansons"]  # French for comedy
    assert _titles(session, text="comedy") == ["Rire et chansons"]
    assert _titles(session, text="theatre hamlet") == ["Hamlet"]  # other terms still narrow it down
