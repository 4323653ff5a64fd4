"""/events: search with filters kept in the URL, a result count, "Load more", and an empty state."""

from __future__ import annotations

import reflex as rx

from ticketapp.components.event_card import event_card
from ticketapp.components.forms import labelled_field, select_field, text_field
from ticketapp.components.layout import page_layout, page_title
from ticketapp.state.locale import t
from ticketapp.state.shop.search import SearchState


def _filters() -> rx.Component:
    return rx.el.form(
        rx.grid(
            text_field(
                t("Search"),
                "search-text",
                type="search",
                value=SearchState.text,
                on_change=SearchState.set_text,
                max_length=200,
            ),
            select_field(
                t("Category"),
                "filter-category",
                [
                    rx.el.option(t("All categories"), value=""),
                    rx.foreach(SearchState.categories, lambda c: rx.el.option(c["label"], value=c["value"])),
                ],
                value=SearchState.category,
                on_change=SearchState.set_category,
            ),
            select_field(
                t("City"),
                "filter-city",
                [
                    rx.el.option(t("All cities"), value=""),
                    rx.foreach(SearchState.cities, lambda c: rx.el.option(c, value=c)),
                ],
                value=SearchState.city,
                on_change=SearchState.set_city,
            ),
            select_field(
                t("When"),
                "filter-when",
                [
                    rx.el.option(t("Any date"), value=""),
                    rx.el.option(t("Today"), value="today"),
                    rx.el.option(t("This weekend"), value="weekend"),
                    rx.el.option(t("Next 30 days"), value="next30"),
                ],
                value=SearchState.when,
                on_change=SearchState.set_when,
            ),
            text_field(
                t("From date"),
                "filter-from",
                type="date",
                value=SearchState.date_from,
                on_change=SearchState.set_date_from,
            ),
            text_field(
                t("To date"), "filter-to", type="date", value=SearchState.date_to, on_change=SearchState.set_date_to
            ),
            text_field(
                t("Lowest price"),
                "filter-min",
                type="text",
                input_mode="numeric",
                max_length=8,
                value=SearchState.price_min,
                on_change=SearchState.set_price_min,
            ),
            text_field(
                t("Highest price"),
                "filter-max",
                type="text",
                input_mode="numeric",
                max_length=8,
                value=SearchState.price_max,
                on_change=SearchState.set_price_max,
            ),
            select_field(
                t("Sort by"),
                "filter-sort",
                [
                    rx.el.option(t("Date"), value="date"),
                    rx.el.option(t("Price"), value="price"),
                    rx.el.option(t("Popularity"), value="popularity"),
                ],
                value=SearchState.sort,
                on_change=SearchState.set_sort,
            ),
            labelled_field(
                t("Availability"),
                rx.hstack(
                    rx.checkbox(
                        id="filter-available",
                        name="filter-available",
                        checked=SearchState.only_available,
                        on_change=SearchState.set_only_available,
                    ),
                    rx.el.label(t("Only with tickets available"), html_for="filter-available"),
                    align="center",
                ),
                "filter-available-group",
            ),
            columns=rx.breakpoints(initial="1", sm="2", md="4"),
            spacing="3",
            width="100%",
        ),
        rx.text(t("Prices are in each event's currency."), size="1", color_scheme="gray"),
        rx.hstack(
            rx.button(t("Search"), type="submit"),
            rx.button(t("Clear filters"), type="button", variant="soft", on_click=SearchState.clear),
            spacing="3",
            padding_top="0.5rem",
        ),
        on_submit=SearchState.apply,
        reset_on_submit=False,
        role="search",
        aria_label=t("Event filters"),
        width="100%",
    )


def _results() -> rx.Component:
    return rx.cond(
        SearchState.loaded,
        rx.vstack(
            rx.text(SearchState.count_label, role="status", aria_live="polite", weight="bold"),
            rx.cond(
                SearchState.total > 0,
                rx.vstack(
                    rx.grid(
                        rx.foreach(SearchState.results, event_card),
                        columns=rx.breakpoints(initial="1", sm="2", lg="3"),
                        spacing="4",
                        width="100%",
                    ),
                    rx.cond(
                        SearchState.has_more,
                        rx.button(t("Load more"), on_click=SearchState.load_more, variant="outline"),
                    ),
                    spacing="4",
                    width="100%",
                    align="center",
                ),
                rx.callout(
                    rx.vstack(
                        rx.text(t("No events match these filters.")),
                        rx.button(t("Clear filters"), on_click=SearchState.clear, variant="soft", size="1"),
                        align="start",
                    ),
                    icon="search",
                ),
            ),
            spacing="4",
            width="100%",
        ),
        rx.center(rx.spinner(size="3"), role="status", aria_label=t("Loading…"), padding="2rem"),
    )


@rx.page(route="/events", title=page_title(t("Find events")), on_load=[SearchState.load])
def events_page() -> rx.Component:
    return page_layout(
        rx.vstack(
            rx.heading(t("Find events"), as_="h1", size="7"),
            _filters(),
            rx.cond(
                SearchState.error != "",
                rx.callout(SearchState.error, icon="triangle_alert", color_scheme="red", role="alert"),
            ),
            _results(),
            spacing="4",
            width="100%",
        ),
        on_language_change=[SearchState.load],
    )
