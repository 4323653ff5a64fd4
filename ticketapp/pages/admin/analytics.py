"""/admin/analytics: filters at the top (kept in the URL), KPI cards, interactive charts with table views."""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go
import reflex as rx

from ticketapp.components.admin import shell
from ticketapp.components.forms import select_field, text_field
from ticketapp.i18n import msgid
from ticketapp.state.admin.analytics import AnalyticsState
from ticketapp.state.locale import LocaleState, t

PERIODS = [
    ("7d", msgid("Last 7 days")),
    ("30d", msgid("Last 30 days")),
    ("90d", msgid("Last 90 days")),
    ("365d", msgid("Last 12 months")),
    ("custom", msgid("Custom dates")),
]
GRANULARITIES = [("day", msgid("Day")), ("week", msgid("Week")), ("month", msgid("Month"))]


def _filters() -> rx.Component:
    return rx.el.form(
        rx.grid(
            select_field(
                t("Period"),
                "an-preset",
                shell.options(PERIODS),
                value=AnalyticsState.preset,
                on_change=AnalyticsState.set_preset,
            ),
            shell.date_range("an", AnalyticsState),
            select_field(
                t("Group by"),
                "an-granularity",
                shell.options(GRANULARITIES),
                value=AnalyticsState.granularity,
                on_change=AnalyticsState.set_granularity,
            ),
            select_field(
                t("Currency"),
                "an-currency",
                rx.foreach(AnalyticsState.currencies, lambda c: rx.el.option(c, value=c)),
                value=AnalyticsState.currency,
                on_change=AnalyticsState.set_currency,
            ),
            select_field(
                t("Category"),
                "an-category",
                [
                    rx.el.option(t("All categories"), value=""),
                    rx.foreach(AnalyticsState.categories, lambda c: rx.el.option(c["label"], value=c["value"])),
                ],
                value=AnalyticsState.category,
                on_change=AnalyticsState.set_category,
            ),
            select_field(
                t("Event"),
                "an-event",
                [
                    rx.el.option(t("All events"), value=""),
                    rx.foreach(AnalyticsState.events, lambda e: rx.el.option(e["title"], value=e["id"])),
                ],
                value=AnalyticsState.event_id,
                on_change=AnalyticsState.set_event,
            ),
            columns=rx.breakpoints(initial="1", sm="2", md="4"),
            spacing="3",
        ),
        rx.button(
            t("Clear event, category and code"),
            type="button",
            variant="soft",
            on_click=AnalyticsState.clear_filters,
            margin_top="0.75rem",
        ),
        on_submit=rx.prevent_default,
        aria_label=t("Dashboard filters"),
    )


def _code_filter() -> rx.Component:
    """Only the orders placed with one promo code: their revenue, orders, tickets and refunds."""
    return rx.el.form(
        rx.hstack(
            text_field(
                t("Promo code"),
                "an-code",
                name="code",
                default_value=AnalyticsState.promo_code,
                max_length=40,
                auto_complete="off",
                hint=t("Orders placed with this code only; empty for every order."),
            ),
            rx.button(t("Filter by code"), type="submit", variant="soft"),
            align="end",
            spacing="2",
            wrap="wrap",
        ),
        on_submit=AnalyticsState.set_code,
        key=AnalyticsState.promo_code,
        aria_label=t("Filter by promo code"),
        margin_top="0.75rem",
    )


def chart_card(title: rx.Var[str], key: str, figure: rx.Var[Any], **plot_props: Any) -> rx.Component:
    as_table = AnalyticsState.shown_as_table.contains(key)
    return rx.card(
        rx.hstack(
            rx.heading(title, as_="h2", size="4"),
            rx.spacer(),
            rx.button(
                rx.cond(as_table, t("View as chart"), t("View as table")),
                type="button",
                variant="ghost",
                size="1",
                aria_pressed=as_table,
                on_click=AnalyticsState.toggle_table(key),
            ),
            align="center",
        ),
        rx.cond(
            as_table,
            shell.data_table(AnalyticsState.table_headers[key], AnalyticsState.table_rows[key], title),
            # Figures are built by the page's load, never as state defaults (copying default
            # figures cost every visitor's connection); until then the card has no plot.
            rx.cond(
                figure,
                rx.plotly(
                    data=figure.to(go.Figure),
                    use_resize_handler=True,
                    width="100%",
                    locale=LocaleState.lang,
                    **plot_props,
                ),
            ),
        ),
        role="region",
        aria_label=title,
        width="100%",
    )


@shell.admin_route("/admin/analytics", "Analytics", AnalyticsState)
def analytics_page() -> rx.Component:
    return shell.admin_page(
        AnalyticsState,
        rx.heading(t("Sales analytics"), as_="h1", size="7"),
        rx.text(
            t("Amounts are per currency, without conversion. Hours are in UTC. Click a bar or slice to filter."),
            color_scheme="gray",
            size="2",
        ),
        _filters(),
        _code_filter(),
        rx.grid(
            rx.foreach(AnalyticsState.kpis, shell.kpi_card),
            columns=rx.breakpoints(initial="2", md="3", lg="6"),
            spacing="3",
            width="100%",
        ),
        chart_card(t("Revenue and tickets over time"), "sales", AnalyticsState.sales_fig),
        rx.grid(
            chart_card(
                t("Revenue by event"), "by_event", AnalyticsState.by_event_fig, on_click=AnalyticsState.drill_event
            ),
            chart_card(
                t("Revenue by category"),
                "by_category",
                AnalyticsState.by_category_fig,
                on_click=AnalyticsState.drill_category,
            ),
            chart_card(t("Ticket-type mix"), "mix", AnalyticsState.mix_fig),
            chart_card(t("Payment methods"), "methods", AnalyticsState.methods_fig),
            chart_card(t("Sales funnel"), "funnel", AnalyticsState.funnel_fig),
            chart_card(t("Refunds over time"), "refunds", AnalyticsState.refunds_fig),
            columns=rx.breakpoints(initial="1", md="2"),
            spacing="3",
            width="100%",
        ),
        chart_card(t("Sell-through of upcoming events"), "sell_through", AnalyticsState.sell_through_fig),
        chart_card(t("Sales by weekday and hour"), "heatmap", AnalyticsState.heatmap_fig),
        rx.card(
            rx.heading(t("Top customers"), as_="h2", size="4"),
            shell.data_table(
                AnalyticsState.table_headers["customers"], AnalyticsState.table_rows["customers"], t("Top customers")
            ),
            width="100%",
        ),
        aria_busy=~AnalyticsState.loaded,
    )
