"""Search building blocks that need no database."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.dialects import postgresql, sqlite

from ticketapp.services.catalog.search import (
    DatePreset,
    SearchQuery,
    build_search,
    normalise_text,
    preset_range,
    text_conditions,
)

NOW = datetime(2026, 11, 25, 15, 0, tzinfo=UTC)  # a Wednesday


def test_normalise_text_folds_accents_case_and_spaces() -> None:
    assert normalise_text("  Théâtre du   CHÂTELET ") == "theatre du chatelet"
    assert normalise_text("Möckernstraße") == "mockernstrasse"


def test_presets() -> None:
    assert preset_range(DatePreset.TODAY, NOW, "UTC") == (NOW, datetime(2026, 11, 26, tzinfo=UTC))
    start, end = preset_range(DatePreset.WEEKEND, NOW, "UTC")
    assert (start.date().isoformat(), end.date().isoformat()) == ("2026-11-28", "2026-11-30")
    sunday = datetime(2026, 11, 29, 10, tzinfo=UTC)
    assert preset_range(DatePreset.WEEKEND, sunday, "UTC") == (sunday, datetime(2026, 11, 30, tzinfo=UTC))
    start, end = preset_range(DatePreset.NEXT_30, NOW, "UTC")
    assert (end - start).days == 30
    assert preset_range(DatePreset.NONE, NOW, "UTC") is None
    # "Today" in Tokyo ends at Tokyo midnight.
    assert preset_range(DatePreset.TODAY, NOW, "Asia/Tokyo")[1] == datetime(2026, 11, 26, 15, tzinfo=UTC)


def _sql(conditions: list, dialect) -> str:
    return " AND ".join(str(c.compile(dialect=dialect(), compile_kwargs={"literal_binds": True})) for c in conditions)


def test_text_terms_use_the_trigram_index_and_escape_input() -> None:
    lite = _sql(text_conditions('Théâtre "x" 50%_ ab', "sqlite"), sqlite.dialect)
    assert "event_search MATCH" in lite
    assert "event.search_text LIKE '%ab%'" in lite
    pg = _sql(text_conditions("Théâtre 50%_", "postgresql"), postgresql.dialect)
    assert "LIKE '%%theatre%%'" in pg or "LIKE '%theatre%'" in pg
    assert r"50\%%\_" in pg  # % and _ typed by the visitor are literal
    assert text_conditions("   ", "sqlite") == []


def test_build_search_includes_each_filter() -> None:
    query = SearchQuery(
        text="jazz",
        category="concert",
        city="Lyon",
        price_min=10,
        price_max=50,
        only_available=True,
        preset=DatePreset.NEXT_30,
    )
    sql = str(build_search(query, "postgresql", NOW).compile(dialect=postgresql.dialect()))
    for fragment in (
        "event.category =",
        "lower(venue.city) =",
        "event.min_price_minor >=",
        "tickettype.capacity >",
        "event.starts_at <",
        "event.search_text LIKE",
    ):
        assert fragment in sql, fragment
