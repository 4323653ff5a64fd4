"""Event content per language (issue 16): stored from the admin's input, read by buyers in their language with
the main language's text where a field is not translated, found by search in any language, in no extra query."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import event as sa_event
from sqlmodel import Session, select

from tests.factories import make_order, make_venue, token
from ticketapp.models import Event, TicketType, User, utcnow
from ticketapp.services.booking.cart import load_cart
from ticketapp.services.booking.holds import set_hold_quantity
from ticketapp.services.catalog import events as admin_events
from ticketapp.services.catalog.events import AdminError, EventInput, TicketTypeInput
from ticketapp.services.catalog.public import get_public_event, list_upcoming_events
from ticketapp.services.catalog.search import SearchQuery, search_events
from ticketapp.services.orders.mail import calendar_attachments, ticket_links
from ticketapp.services.orders.summary import summarize_order
from ticketapp.services.tickets.issuing import issue_tickets

FRENCH = {"fr": {"title": "Nuit du jazz", "description": "Trois scènes de jazz"}}


def _input(session: Session, **changes: object) -> EventInput:
    starts = utcnow() + timedelta(days=30)
    data = EventInput(
        title="Jazz Night",
        description="Three stages of jazz",
        category="concert",
        venue_id=make_venue(session).id or 0,
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        currency="EUR",
        main_language="en",
        translations=FRENCH,
        ticket_types=[TicketTypeInput("Standard", 2500, 100, translations={"fr": {"name": "Tarif normal"}})],
    )
    for name, value in changes.items():
        setattr(data, name, value)
    return data


def _published(session: Session, admin: User, **changes: object) -> Event:
    event = admin_events.create_event(session, admin.id or 0, _input(session, **changes))
    return admin_events.publish_event(session, admin.id or 0, event.id or 0)


@contextmanager
def _statements(session: Session) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(*args: object) -> None:
        seen.append(str(args[2]))

    engine = session.get_bind()
    sa_event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        sa_event.remove(engine, "before_cursor_execute", record)


def test_buyers_read_their_language_and_the_main_text_where_there_is_none(session: Session, admin: User) -> None:
    event = _published(session, admin)
    french = get_public_event(session, event.slug, "fr")
    english = get_public_event(session, event.slug, "en")
    german = get_public_event(session, event.slug, "de")
    assert french and english and german
    assert (french.title, french.description, french.ticket_types[0].name) == (
        "Nuit du jazz",
        "Trois scènes de jazz",
        "Tarif normal",
    )
    assert (english.title, english.ticket_types[0].name) == ("Jazz Night", "Standard")
    assert (german.title, german.description, german.ticket_types[0].name) == (
        "Jazz Night",
        "Three stages of jazz",
        "Standard",
    )
    # Field by field: a French title without a French description shows the main description.
    admin_events.update_event(
        session, admin.id or 0, event.id or 0, _input(session, translations={"fr": {"title": "Nuit du jazz"}})
    )
    partial = get_public_event(session, event.slug, "fr")
    assert partial and (partial.title, partial.description) == ("Nuit du jazz", "Three stages of jazz")


def test_a_main_language_other_than_english_falls_back_to_it(session: Session, admin: User) -> None:
    event = _published(
        session,
        admin,
        title="Nuit du jazz",
        description="Trois scènes",
        main_language="fr",
        translations={"en": {"title": "Jazz Night"}, "fr": {"title": "ignored: the main language's own text"}},
        ticket_types=[TicketTypeInput("Tarif normal", 2500, 100)],
    )
    assert event.translations == {"en": {"title": "Jazz Night"}}  # the main language is the columns themselves
    assert [e.title for e in list_upcoming_events(session, lang="en")] == ["Jazz Night"]
    assert [e.title for e in list_upcoming_events(session, lang="it")] == ["Nuit du jazz"]


def test_crafted_translations_keep_only_known_languages_fields_and_lengths(session: Session, admin: User) -> None:
    crafted = {
        "fr": {"title": "x" * 5000, "description": "  ", "price": "0", "name": 12},
        "xx": {"title": "unknown language"},
        "FR": {"title": "not the tag itself"},
        "de": "not a mapping",
    }
    event = _published(session, admin, translations=crafted)
    assert event.translations == {"fr": {"title": "x" * 200}}
    with pytest.raises(AdminError):
        admin_events.create_event(session, admin.id or 0, _input(session, main_language="klingon"))


def test_search_finds_translated_titles_and_shows_the_buyers_language_in_one_query(
    session: Session, admin: User
) -> None:
    _published(session, admin)
    with _statements(session) as seen:
        found = search_events(session, SearchQuery(text="nuit du jazz", lang="fr"))
    assert [e.title for e in found.events] == ["Nuit du jazz"]
    assert len([s for s in seen if re.match(r"\s*SELECT", s)]) <= 2  # the page of ids, then its rows: no N+1
    assert [e.title for e in search_events(session, SearchQuery(text="nuit du jazz", lang="en")).events] == [
        "Jazz Night"
    ]
    assert [e.title for e in search_events(session, SearchQuery(text="jazz night", lang="de")).events] == ["Jazz Night"]


def test_the_event_page_reads_its_translations_with_its_rows(session: Session, admin: User) -> None:
    event = _published(session, admin)
    with _statements(session) as seen:
        assert get_public_event(session, event.slug, "fr") is not None
    assert len(seen) == 2  # the event with its venue, then its ticket types — as without translations


def test_cart_order_mails_and_calendar_speak_the_buyers_language(session: Session, admin: User) -> None:
    event = _published(session, admin)
    standard = session.exec(select(TicketType).where(TicketType.event_id == event.id)).one()
    cart = token()
    set_hold_quantity(session, cart, standard.id or 0, 1)
    view = load_cart(session, cart, lang="fr")
    assert (view.lines[0].event_title, view.lines[0].ticket_type_name) == ("Nuit du jazz", "Tarif normal")
    assert load_cart(session, cart, lang="de").lines[0].event_title == "Jazz Night"

    order, _ = make_order(session, [(standard, 1)])
    order.locale = "fr"
    session.add(order)
    session.commit()
    summary = summarize_order(session, order.code)
    assert summary and (summary.lines[0].event_title, summary.lines[0].ticket_type) == ("Nuit du jazz", "Tarif normal")
    english = summarize_order(session, order.code, "en")
    assert english and english.lines[0].event_title == "Jazz Night"
    issue_tickets(session, order.id or 0)
    assert ticket_links(session, order)[0].label.startswith("Tarif normal")
    ics = calendar_attachments(session, order)[0].content.decode()
    assert "SUMMARY:Nuit du jazz" in ics and "DESCRIPTION:Trois scènes de jazz" in ics
