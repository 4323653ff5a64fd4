"""Admin building blocks: the 403 panel, the admin shell, KPI cards and chart cards with a table view."""

from __future__ import annotations

import reflex as rx
from reflex.event import EventSpec
from reflex.vars import ArrayVar, NumberVar, ObjectVar

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


def admin_page(
    *children: rx.Component, forbidden: rx.Var[bool], on_language_change: list[rx.EventHandler]
) -> rx.Component:
    return page_layout(
        rx.cond(forbidden, forbidden_panel(), rx.fragment(admin_nav(), *children)),
        on_language_change=on_language_change,
    )


def kpi_card(card: ObjectVar[dict[str, str]]) -> rx.Component:
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


def data_table(
    headers: ArrayVar[list[str]], rows: ArrayVar[list[list[str]]], caption: rx.Var[str] | str
) -> rx.Component:
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


def feedback(message: rx.Var[str], is_error: rx.Var[bool]) -> rx.Component:
    """A live region for the result of the last action."""
    return rx.box(
        rx.cond(message != "", rx.callout(message, color_scheme=rx.cond(is_error, "tomato", "grass"), size="1")),
        role="status",
        aria_live="polite",
        width="100%",
    )


def confirm_button(
    label: rx.Var[str] | str,
    title: rx.Var[str] | str,
    description: rx.Component | rx.Var[str] | str,
    on_confirm: EventSpec | rx.EventHandler,
    *,
    confirm_label: rx.Var[str] | str,
    color: str = "tomato",
) -> rx.Component:
    """A destructive action behind a confirmation dialog (keyboard accessible, focus trapped)."""
    return rx.alert_dialog.root(
        rx.alert_dialog.trigger(rx.button(label, type="button", size="1", variant="soft", color_scheme=color)),
        rx.alert_dialog.content(
            rx.alert_dialog.title(title),
            rx.alert_dialog.description(description),
            rx.hstack(
                rx.alert_dialog.cancel(rx.button(t("Keep it"), variant="soft", color_scheme="gray")),
                rx.alert_dialog.action(rx.button(confirm_label, color_scheme=color, on_click=on_confirm)),
                spacing="3",
                justify="end",
                margin_top="1rem",
            ),
        ),
    )


def pager(
    page: NumberVar[int], total: NumberVar[int], page_size: int, on_previous: rx.EventHandler, on_next: rx.EventHandler
) -> rx.Component:
    return rx.el.nav(
        rx.hstack(
            rx.button(t("Previous"), type="button", variant="soft", disabled=page == 0, on_click=on_previous),
            rx.text(t("Page"), " ", page + 1, " · ", total, " ", t("results"), size="2"),
            rx.button(
                t("Next"), type="button", variant="soft", disabled=(page + 1) * page_size >= total, on_click=on_next
            ),
            align="center",
            spacing="3",
        ),
        aria_label=t("Pagination"),
    )
