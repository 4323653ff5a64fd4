"""Admin building blocks: the 403 panel, the admin shell, KPI cards and chart cards with a table view."""

from __future__ import annotations

import reflex as rx

from ticketapp.components.layout import page_layout
from ticketapp.state.locale import t


def forbidden_panel() -> rx.Component:
    """Shown instead of any admin data when the visitor is not an active admin (HTTP-like 403)."""
    return rx.box(
        rx.heading(t("403 — Admins only"), as_="h1", size="6"),
        rx.text(t("You need to be signed in as an administrator to see this page.")),
        rx.link(t("Back to the shop"), href="/"),
        role="alert",
        padding="2rem 0",
    )


def admin_nav() -> rx.Component:
    links = [
        (t("Analytics"), "/admin/analytics"),
        (t("Events"), "/admin/events"),
        (t("Orders"), "/admin/orders"),
        (t("Customers"), "/admin/customers"),
        (t("Staff"), "/admin/staff"),
    ]
    return rx.el.nav(
        rx.hstack(*[rx.link(label, href=href) for label, href in links], spacing="4", wrap="wrap"),
        aria_label=t("Admin"),
        margin_bottom="1rem",
    )


def admin_page(*children: rx.Component, forbidden: rx.Var[bool], on_language_change: list) -> rx.Component:
    return page_layout(
        rx.cond(forbidden, forbidden_panel(), rx.fragment(admin_nav(), *children)),
        on_language_change=on_language_change,
    )


def kpi_card(card: rx.Var[dict[str, str]]) -> rx.Component:
    return rx.card(
        rx.text(card["label"], size="2", color_scheme="gray", as_="p"),
        rx.text(card["value"], size="6", weight="bold", as_="p"),
        rx.text(
            card["delta"],
            " ",
            t("vs previous period"),
            " (",
            card["previous"],
            ")",
            size="1",
            as_="p",
            color_scheme=rx.match(card["trend"], ("up", "grass"), ("down", "tomato"), "gray"),
        ),
        role="group",
        aria_label=card["label"],
    )


def data_table(headers: rx.Var[list[str]], rows: rx.Var[list[list[str]]], caption: rx.Var[str] | str) -> rx.Component:
    return rx.cond(
        rows.length() > 0,
        rx.el.table(
            rx.el.caption(caption, class_name="sr-only"),
            rx.el.thead(rx.el.tr(rx.foreach(headers, lambda h: rx.el.th(h, scope="col")))),
            rx.el.tbody(rx.foreach(rows, lambda row: rx.el.tr(rx.foreach(row, lambda cell: rx.el.td(cell))))),
            class_name="data-table",
        ),
        rx.text(t("No data for these filters."), color_scheme="gray"),
    )
