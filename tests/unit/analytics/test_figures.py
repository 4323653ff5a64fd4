"""The analytics charts as an admin reads them: date axes over the period, named payment methods,
a neutral "still available", and a message instead of bare axes when a chart has no data."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import plotly.graph_objects as go
import pytest

from ticketapp.services.analytics.dashboard import Dashboard, Funnel, SellThrough
from ticketapp.services.analytics.figures import ACCENT, NEUTRAL, figures, percent, tables, whole_buckets
from ticketapp.services.analytics.filters import Granularity

END = datetime(2026, 3, 31, tzinfo=UTC)


def _board(
    sales: list[tuple[str, int, int]] | None = None,
    refunds: list[tuple[str, int, int]] | None = None,
    methods: list[tuple[str, int, int]] | None = None,
) -> Dashboard:
    return Dashboard(
        kpis=[],
        sales=sales or [],
        refunds=refunds or [],
        by_event=[],
        by_category=[],
        ticket_mix=[],
        methods=methods or [],
        heatmap=[],
        customers=[],
        sell_through=[SellThrough(1, "Rock", END + timedelta(days=5), 30, 100)],
        funnel=Funnel(0, 0, 0, 0),
    )


@pytest.mark.parametrize(
    ("days", "granularity", "buckets"),
    [
        (1, Granularity.DAY, ["2026-03-30"]),
        (30, Granularity.DAY, ["2026-03-10"]),
        (90, Granularity.DAY, ["2026-01-05", "2026-03-10"]),
        (365, Granularity.MONTH, ["2025-06-01", "2026-03-01"]),
    ],
)
def test_time_charts_span_the_period_with_one_bucket_wide_bars_and_date_ticks(
    days: int, granularity: Granularity, buckets: list[str]
) -> None:
    start = END - timedelta(days=days)
    board = _board(sales=[(b, 5000, 2) for b in buckets], refunds=[(buckets[0], 2500, 1)])
    charts = figures(board, "EUR", "en", granularity=granularity, period=(start, END))
    for key in ("sales", "refunds"):
        layout = charts[key].layout
        assert layout.xaxis.type == "date"
        assert layout.xaxis.tickformat in ("%b %-d", "%b %Y")
        assert tuple(layout.xaxis.range) == tuple(d.isoformat() for d in whole_buckets((start, END), granularity))
        bar = next(trace for trace in charts[key].data if isinstance(trace, go.Bar))
        assert bar.xperiodalignment == "middle"
        widest = 31 * 86_400_000 if granularity == Granularity.MONTH else 86_400_000
        assert 0 < bar.width <= widest  # one bucket, never the whole plot


def test_french_date_ticks_are_numeric() -> None:
    charts = figures(_board(sales=[("2026-03-10", 5000, 2)]), "EUR", "fr", period=(END - timedelta(days=30), END))
    assert charts["sales"].layout.xaxis.tickformat == "%-d/%m"


def test_an_empty_refunds_chart_says_so_instead_of_bare_axes() -> None:
    charts = figures(_board(sales=[("2026-03-10", 5000, 2)]), "EUR", "en", period=(END - timedelta(days=30), END))
    refunds = charts["refunds"].layout
    assert [note.text for note in refunds.annotations] == ["No refunds in this period"]
    assert refunds.xaxis.visible is False and refunds.yaxis.visible is False
    assert not charts["sales"].layout.annotations  # a chart with data has no such message
    french = figures(_board(), "EUR", "fr")["refunds"].layout
    assert [note.text for note in french.annotations] == ["Aucun remboursement sur cette période"]


def test_payment_methods_are_named_in_the_admins_language() -> None:
    board = _board(methods=[("demo", 3, 9000), ("bank_transfer", 1, 3000), ("unknown", 1, 100)])
    assert list(figures(board, "EUR", "en")["methods"].data[0].labels) == [
        "Test card (no real money)",
        "Bank transfer",
        "Unknown",
    ]
    assert [row[0] for row in tables(board, "EUR", "fr")["methods"]["rows"]] == [
        "Carte de test (sans argent réel)",
        "Virement bancaire",
        "Inconnu",
    ]


def test_still_available_seats_are_painted_neutral_not_red() -> None:
    sold, available = figures(_board(), "EUR", "en")["sell_through"].data
    assert (sold.name, sold.marker.color) == ("Sold", ACCENT)
    assert (available.name, available.marker.color) == ("Still available", NEUTRAL)


def test_week_and_month_axes_widen_to_whole_buckets_so_no_bar_is_cut() -> None:
    period = (datetime(2025, 12, 3, tzinfo=UTC), datetime(2026, 12, 3, tzinfo=UTC))
    assert whole_buckets(period, Granularity.MONTH) == (
        datetime(2025, 12, 1, tzinfo=UTC),
        datetime(2027, 1, 1, tzinfo=UTC),
    )
    wednesday, thursday = datetime(2026, 3, 4, tzinfo=UTC), datetime(2026, 3, 12, tzinfo=UTC)
    assert whole_buckets((wednesday, thursday), Granularity.WEEK) == (
        datetime(2026, 3, 2, tzinfo=UTC),
        datetime(2026, 3, 16, tzinfo=UTC),
    )
    assert whole_buckets((wednesday, thursday), Granularity.DAY) == (wednesday, thursday)


def test_categories_are_named_in_the_admins_language() -> None:
    board = _board()
    board.by_category.extend([("comedy", 5000, 2), ("concert", 3000, 1), ("other", 100, 1)])
    assert list(figures(board, "EUR", "fr")["by_category"].data[0].labels) == ["Humour", "Concert", "Autre"]


@pytest.mark.parametrize(
    ("lang", "expected"), [("en", "42.9%"), ("fr", "42,9\u00a0%"), ("de", "42,9\u00a0%"), ("it", "42,9%")]
)
def test_percentages_follow_the_languages_typography(lang: str, expected: str) -> None:
    assert percent(0.4291, lang) == expected
    assert percent(0.05, lang, signed=True).startswith("+")
    assert percent(-0.05, "fr", signed=True) == "-5,0\u00a0%"
