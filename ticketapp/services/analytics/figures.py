"""Turns `analytics.Dashboard` into Plotly figures, KPI cards and table rows (no reflex, no DB).

Time charts use a date axis over the whole period with one bar per bucket (a day, a week or a
month wide), so one day of sales is one narrow bar, not a bar filling the plot around a
millisecond-wide axis; an empty chart says so instead of showing bare axes."""

from __future__ import annotations

import copy
from datetime import datetime, timedelta
from typing import Any

import plotly.graph_objects as go
from babel import Locale
from babel.dates import format_date
from babel.numbers import format_decimal, get_plus_sign_symbol

from ticketapp.i18n import gettext, msgid
from ticketapp.services.analytics.dashboard import Dashboard, Kpi
from ticketapp.services.analytics.filters import Granularity
from ticketapp.services.catalog.public import category_msgid
from ticketapp.services.shared.money import BABEL_LOCALES, Money, format_money, minor_exponent

KPI_LABELS = {
    "revenue": msgid("Revenue"),
    "orders": msgid("Orders"),
    "tickets": msgid("Tickets"),
    "average_order": msgid("Average order value"),
    "conversion_rate": msgid("Conversion rate"),
    "refund_rate": msgid("Refund rate"),
}
MONEY_KPIS = {"revenue", "average_order"}
RATE_KPIS = {"conversion_rate", "refund_rate"}
WEEKDAYS = [
    msgid("Monday"),
    msgid("Tuesday"),
    msgid("Wednesday"),
    msgid("Thursday"),
    msgid("Friday"),
    msgid("Saturday"),
    msgid("Sunday"),
]


# Payment methods as the charts and tables name them (orders without a method: "unknown").
METHOD_NAMES = {
    "stripe": msgid("Card (Stripe)"),
    "demo": msgid("Test card (no real money)"),
    "bank_transfer": msgid("Bank transfer"),
    "free": msgid("Free order"),
    "unknown": msgid("Unknown"),
}
DAY_MS = 86_400_000
# Plotly's period of a bucket: a bar spans it (centred), whatever the period's length.
BUCKET_PERIODS: dict[Granularity, int | str] = {
    Granularity.DAY: DAY_MS,
    Granularity.WEEK: 7 * DAY_MS,
    Granularity.MONTH: "M1",
}
BUCKET_WIDTHS_MS = {Granularity.DAY: DAY_MS, Granularity.WEEK: 7 * DAY_MS, Granularity.MONTH: 30 * DAY_MS}
# d3 date formats: numeric in French (Plotly writes month names in English only).
TICK_FORMATS = {
    "en": {Granularity.DAY: "%b %-d", Granularity.WEEK: "%b %-d", Granularity.MONTH: "%b %Y"},
    "fr": {Granularity.DAY: "%-d/%m", Granularity.WEEK: "%-d/%m", Granularity.MONTH: "%m/%Y"},
}
NEUTRAL = "#8d8d86"  # Radix gray 9: "still available" is not an alarm
ACCENT = "#3e63dd"  # Radix indigo 9


def method_name(method: str, lang: str) -> str:
    return gettext(lang, METHOD_NAMES[method]) if method in METHOD_NAMES else method


def _babel(lang: str) -> str:
    return BABEL_LOCALES.get(lang, lang)


def percent(value: float, lang: str, *, digits: int = 1, signed: bool = False) -> str:
    """`value` as a percentage the language's way ("42,9 %" in French, "42.9%" in English) with `digits` decimals:
    the locale's own pattern, not a fixed one that would drop French's space before %."""
    locale = Locale.parse(_babel(lang))
    pattern = copy.copy(locale.percent_formats[None])
    pattern.frac_prec = (digits, digits)
    text = pattern.apply(value, locale)
    return get_plus_sign_symbol(locale) + text if signed and value > 0 else text


def major(amount_minor: int, currency: str) -> float:
    """A float for plotting only (never for arithmetic on money)."""
    return amount_minor / (10 ** minor_exponent(currency))


def money(amount_minor: int, currency: str, lang: str) -> str:
    return format_money(Money(int(amount_minor), currency), lang)


def kpi_card(kpi: Kpi, currency: str, lang: str) -> dict[str, str]:
    if kpi.key in MONEY_KPIS:
        value, previous = money(int(kpi.value), currency, lang), money(int(kpi.previous), currency, lang)
    elif kpi.key in RATE_KPIS:
        value, previous = percent(kpi.value, lang), percent(kpi.previous, lang)
    else:
        value = format_decimal(kpi.value, locale=_babel(lang))
        previous = format_decimal(kpi.previous, locale=_babel(lang))
    change = kpi.change
    delta = gettext(lang, "new") if change is None else percent(change, lang, signed=True)
    trend = "flat" if not change else ("up" if change > 0 else "down")
    return {
        "key": kpi.key,
        "label": gettext(lang, KPI_LABELS[kpi.key]),
        "value": value,
        "delta": delta,
        "trend": trend,
        "previous": previous,
    }


def _layout(fig: go.Figure, *, height: int = 320, **extra: object) -> go.Figure:
    fig.update_layout(height=height, margin={"l": 40, "r": 20, "t": 30, "b": 40}, legend={"orientation": "h"}, **extra)
    return fig


def _time_axis(fig: go.Figure, lang: str, granularity: Granularity, period: tuple[datetime, datetime] | None) -> None:
    """A date axis over the whole period, ticks as dates, each bar one bucket wide."""
    fig.update_traces(
        xperiod=BUCKET_PERIODS[granularity],
        xperiodalignment="middle",
        selector={"type": "bar"},
    )
    fig.update_traces(width=0.8 * BUCKET_WIDTHS_MS[granularity], selector={"type": "bar"})
    fig.update_traces(xperiod=BUCKET_PERIODS[granularity], xperiodalignment="middle", selector={"type": "scatter"})
    axis: dict[str, Any] = {
        "type": "date",
        "tickformat": TICK_FORMATS.get(lang, TICK_FORMATS["en"])[granularity],
        "hoverformat": "%Y-%m-%d",
        "nticks": 8,
    }
    if period is not None:
        start, end = whole_buckets(period, granularity)
        axis["range"] = [start.isoformat(), end.isoformat()]
    fig.update_xaxes(**axis)


def whole_buckets(period: tuple[datetime, datetime], granularity: Granularity) -> tuple[datetime, datetime]:
    """The period widened to whole weeks or months, so the first and last bars are not cut."""
    start, end = period
    if granularity == Granularity.WEEK:
        start -= timedelta(days=start.weekday())
        end += timedelta(days=(7 - end.weekday()) % 7)
    elif granularity == Granularity.MONTH:
        start = start.replace(day=1)
        if end.day != 1 or end.time() != datetime.min.time():
            end = (end.replace(day=1) + timedelta(days=32)).replace(day=1)
    return start, end


def _empty(fig: go.Figure, message: str) -> go.Figure:
    """No data: the message in the middle of the plot, no axes."""
    fig.update_layout(
        xaxis={"visible": False},
        yaxis={"visible": False},
        annotations=[
            {
                "text": message,
                "xref": "paper",
                "yref": "paper",
                "x": 0.5,
                "y": 0.5,
                "showarrow": False,
                "font": {"size": 16},
            }
        ],
    )
    return fig


def day_label(bucket: str, lang: str) -> str:
    from datetime import date

    return format_date(date.fromisoformat(bucket), "medium", locale=_babel(lang))


def figures(
    board: Dashboard,
    currency: str,
    lang: str,
    *,
    granularity: Granularity = Granularity.DAY,
    period: tuple[datetime, datetime] | None = None,
) -> dict[str, go.Figure]:
    """One figure per chart key; the table view of each comes from `tables`.

    `period` ([start, end) of the filters) spans the time charts' axis; `granularity` sizes their bars."""
    revenue_label = f"{gettext(lang, 'Revenue')} ({currency})"
    sales = go.Figure()
    sales.add_bar(
        x=[b for b, _, _ in board.sales], y=[major(r, currency) for _, r, _ in board.sales], name=revenue_label
    )
    sales.add_scatter(
        x=[b for b, _, _ in board.sales],
        y=[t for _, _, t in board.sales],
        name=gettext(lang, "Tickets"),
        yaxis="y2",
        mode="lines+markers",
    )
    _layout(
        sales,
        yaxis2={"overlaying": "y", "side": "right", "title": gettext(lang, "Tickets")},
        yaxis={"title": revenue_label},
    )
    _time_axis(sales, lang, granularity, period)
    if not board.sales:
        _empty(sales, gettext(lang, "No sales in this period"))
    refunds = _layout(
        go.Figure(
            go.Bar(
                x=[b for b, _, _ in board.refunds],
                y=[major(a, currency) for _, a, _ in board.refunds],
                name=gettext(lang, "Refunds"),
            )
        )
    )
    _time_axis(refunds, lang, granularity, period)
    if not board.refunds:
        _empty(refunds, gettext(lang, "No refunds in this period"))
    by_event = _layout(
        go.Figure(
            go.Bar(
                y=[t for _, t, _, _ in board.by_event],
                x=[major(r, currency) for _, _, r, _ in board.by_event],
                orientation="h",
                name=revenue_label,
            )
        ),
        height=max(320, 28 * len(board.by_event)),
        yaxis={"autorange": "reversed"},
    )
    by_category = _layout(
        go.Figure(
            go.Pie(
                labels=[gettext(lang, category_msgid(c)) for c, _, _ in board.by_category],
                values=[major(r, currency) for _, r, _ in board.by_category],
                hole=0.4,
            )
        )
    )
    mix = _layout(
        go.Figure(go.Pie(labels=[n for n, _, _ in board.ticket_mix], values=[t for _, t, _ in board.ticket_mix]))
    )
    methods = _layout(
        go.Figure(
            go.Pie(labels=[method_name(m, lang) for m, _, _ in board.methods], values=[o for _, o, _ in board.methods])
        )
    )
    sell = go.Figure()
    sell.add_bar(
        y=[s.title for s in board.sell_through],
        x=[s.sold for s in board.sell_through],
        orientation="h",
        name=gettext(lang, "Sold"),
        marker_color=ACCENT,
    )
    sell.add_bar(
        y=[s.title for s in board.sell_through],
        x=[max(s.capacity - s.sold, 0) for s in board.sell_through],
        orientation="h",
        name=gettext(lang, "Still available"),
        marker_color=NEUTRAL,
    )
    _layout(sell, barmode="stack", height=max(320, 28 * len(board.sell_through)), yaxis={"autorange": "reversed"})
    f = board.funnel
    funnel = _layout(
        go.Figure(
            go.Funnel(
                y=[
                    gettext(lang, "Event views"),
                    gettext(lang, "Carts"),
                    gettext(lang, "Checkouts started"),
                    gettext(lang, "Paid orders"),
                ],
                x=[f.views, f.carts, f.checkouts, f.paid],
            )
        )
    )
    grid = [[0] * 24 for _ in range(7)]
    for weekday, hour, count in board.heatmap:
        grid[weekday][hour] = count
    heatmap = _layout(
        go.Figure(
            go.Heatmap(
                z=grid,
                x=list(range(24)),
                y=[gettext(lang, d) for d in WEEKDAYS],
                colorscale="Blues",
                name=gettext(lang, "Orders"),
            )
        ),
        xaxis={"title": gettext(lang, "Hour (UTC)")},
        yaxis={"autorange": "reversed"},
    )
    return {
        "sales": sales,
        "refunds": refunds,
        "by_event": by_event,
        "by_category": by_category,
        "mix": mix,
        "methods": methods,
        "sell_through": sell,
        "funnel": funnel,
        "heatmap": heatmap,
    }


def tables(board: Dashboard, currency: str, lang: str) -> dict[str, dict[str, list[Any]]]:
    """The same data as text: {chart key: {"header": [...], "rows": [[...], ...]}}."""
    m = lambda minor: money(minor, currency, lang)  # noqa: E731
    f = board.funnel
    return {
        "sales": {
            "header": [gettext(lang, "Period"), gettext(lang, "Revenue"), gettext(lang, "Tickets")],
            "rows": [[day_label(b, lang), m(r), str(t)] for b, r, t in board.sales],
        },
        "refunds": {
            "header": [gettext(lang, "Period"), gettext(lang, "Refunded"), gettext(lang, "Refunds")],
            "rows": [[day_label(b, lang), m(a), str(n)] for b, a, n in board.refunds],
        },
        "by_event": {
            "header": [gettext(lang, "Event"), gettext(lang, "Revenue"), gettext(lang, "Tickets")],
            "rows": [[t, m(r), str(q)] for _, t, r, q in board.by_event],
        },
        "by_category": {
            "header": [gettext(lang, "Category"), gettext(lang, "Revenue"), gettext(lang, "Tickets")],
            "rows": [[c, m(r), str(q)] for c, r, q in board.by_category],
        },
        "mix": {
            "header": [gettext(lang, "Ticket type"), gettext(lang, "Tickets"), gettext(lang, "Revenue")],
            "rows": [[n, str(t), m(r)] for n, t, r in board.ticket_mix],
        },
        "methods": {
            "header": [gettext(lang, "Payment method"), gettext(lang, "Orders"), gettext(lang, "Revenue")],
            "rows": [[method_name(x, lang), str(o), m(r)] for x, o, r in board.methods],
        },
        "sell_through": {
            "header": [
                gettext(lang, "Event"),
                gettext(lang, "Sold"),
                gettext(lang, "Capacity"),
                gettext(lang, "Sell-through"),
            ],
            "rows": [
                [s.title, str(s.sold), str(s.capacity), percent(s.ratio, lang, digits=0)] for s in board.sell_through
            ],
        },
        "funnel": {
            "header": [gettext(lang, "Step"), gettext(lang, "Count")],
            "rows": [
                [gettext(lang, "Event views"), str(f.views)],
                [gettext(lang, "Carts"), str(f.carts)],
                [gettext(lang, "Checkouts started"), str(f.checkouts)],
                [gettext(lang, "Paid orders"), str(f.paid)],
            ],
        },
        "heatmap": {
            "header": [gettext(lang, "Day"), gettext(lang, "Hour (UTC)"), gettext(lang, "Orders")],
            "rows": [[gettext(lang, WEEKDAYS[w]), f"{h:02d}:00", str(n)] for w, h, n in board.heatmap],
        },
        "customers": {
            "header": [
                gettext(lang, "Customer"),
                gettext(lang, "E-mail"),
                gettext(lang, "Orders"),
                gettext(lang, "Revenue"),
            ],
            "rows": [[n, e, str(o), m(r)] for e, n, o, r in board.customers],
        },
    }
