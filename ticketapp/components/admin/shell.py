"""Admin building blocks: the page (route, guard, 403 panel, nav), tables, pager, filters and KPI cards."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import reflex as rx
from reflex.event import EventSpec
from reflex.vars import ArrayVar, ObjectVar

from ticketapp.components.forms import text_field
from ticketapp.components.layout import page_layout, page_title
from ticketapp.i18n import msgid
from ticketapp.state.admin.area import AdminGateState
from ticketapp.state.base import Paged, StaffPageState
from ticketapp.state.locale import t

PageFunction = Callable[[], rx.Component]


def forbidden_panel() -> rx.Component:
    """Shown instead of any admin data when the visitor is not an active admin (HTTP-like 403)."""
    return rx.box(
        rx.heading(t("403 — Admins only"), as_="h1", size="6"),
        rx.text(t("You need to be signed in as an administrator to see this page.")),
        rx.link(t("Back to the shop"), href="/"),
        role="alert",
        padding="2rem 0",
    )


# Every admin area, in the order of the admin menu (English labels; `t` translates them).
ADMIN_AREAS = [
    (msgid("Analytics"), "/admin/analytics"),
    (msgid("Events"), "/admin/events"),
    (msgid("Event series"), "/admin/series"),
    (msgid("Orders"), "/admin/orders"),
    (msgid("Customers"), "/admin/customers"),
    (msgid("Staff"), "/admin/staff"),
    (msgid("Backups"), "/admin/backups"),
    (msgid("Promo codes"), "/admin/codes"),
    (msgid("Waiting lists"), "/admin/waitlist"),
    (msgid("Exchange rates"), "/admin/rates"),
    (msgid("Invoicing"), "/admin/invoicing"),
    (msgid("Review queue"), "/admin/review"),
    (msgid("Refund requests"), "/admin/refunds"),
    (msgid("Block lists"), "/admin/blocks"),
    (msgid("Security"), "/admin/security"),
    (msgid("API tokens"), "/admin/api-tokens"),
    (msgid("Webhooks"), "/admin/webhooks"),
]
# The pages agents work in (admins too).
AGENT_AREAS = [(msgid("Agent panel"), "/agent"), (msgid("Check-in"), "/checkin")]


def admin_nav() -> rx.Component:
    links = [(msgid("Dashboard"), "/admin"), *ADMIN_AREAS, *AGENT_AREAS]
    return rx.el.nav(
        rx.hstack(*[rx.link(t(label), href=href) for label, href in links], spacing="4", wrap="wrap"),
        aria_label=t("Admin"),
        margin_bottom="1rem",
    )


def admin_route(route: str, title: str, state: type[StaffPageState]) -> Callable[[PageFunction], PageFunction]:
    """Register an admin page: the gate redirects visitors who may not see it, then `state.load` runs."""
    return rx.page(
        route=route,
        title=page_title(t(title) + " · " + t("Administration")),
        on_load=[AdminGateState.check, state.load],
    )


def admin_page(state: type[StaffPageState], *children: rx.Component, **props: Any) -> rx.Component:
    """The admin shell around a page of `state`: the 403 panel instead when it refused the visitor."""
    return page_layout(
        rx.cond(
            state.forbidden,
            forbidden_panel(),
            rx.fragment(admin_nav(), rx.vstack(*children, spacing="4", width="100%", **props)),
        ),
        on_language_change=[state.load],
    )


def page_heading(title: rx.Var[str] | str, *actions: rx.Component) -> rx.Component:
    """The page's h1, with its actions (a link or button) on the right."""
    return rx.hstack(
        rx.heading(title, as_="h1", size="7"), rx.spacer(), *actions, width="100%", align="center", wrap="wrap"
    )


def filter_grid(*fields: rx.Component) -> rx.Component:
    return rx.grid(*fields, columns=rx.breakpoints(initial="1", sm="2", md="4"), spacing="3", width="100%")


def search_field(label: rx.Var[str], control_id: str, state: Any) -> rx.Component:
    """The list's free-text filter, for a state with `text` and `set_text` (sent once typing pauses)."""
    return text_field(label, control_id, type="search", value=state.text, on_change=state.set_text)


def date_range(id_prefix: str, state: Any) -> rx.Component:
    """ "From date" and "To date" fields for a state with `date_from`/`date_to` and their setters."""
    return rx.fragment(
        text_field(
            t("From date"), f"{id_prefix}-from", type="date", value=state.date_from, on_change=state.set_date_from
        ),
        text_field(t("To date"), f"{id_prefix}-to", type="date", value=state.date_to, on_change=state.set_date_to),
    )


def options(choices: Sequence[tuple[str, str]]) -> list[rx.Component]:
    """`<option>`s from (value, English label) pairs."""
    return [rx.el.option(t(label), value=value) for value, label in choices]


def admin_table(
    headers: Sequence[str],
    rows: ArrayVar[list[dict[str, str]]],
    row: Callable[[ObjectVar[dict[str, str]]], rx.Component],
    *,
    empty: str,
    label: rx.Var[str] | str | None = None,
) -> rx.Component:
    """A scrollable table: one header per English label, `row(item)` per item, or the `empty` message."""
    return rx.cond(
        rows.length() > 0,
        rx.box(
            rx.el.table(
                rx.el.thead(rx.el.tr(*[rx.el.th(t(header), scope="col") for header in headers])),
                rx.el.tbody(rx.foreach(rows, row)),
                class_name="data-table",
                aria_label=label,
            ),
            class_name="table-scroll",
            width="100%",
        ),
        rx.text(t(empty), color_scheme="gray"),
    )


def cells(*keys: str) -> Callable[[ObjectVar[dict[str, str]]], rx.Component]:
    """A table row that shows these keys of each item, one cell each."""
    return lambda item: rx.el.tr(*[rx.el.td(item[key]) for key in keys])


def kpi_card(card: ObjectVar[dict[str, str]]) -> rx.Component:
    return rx.card(
        rx.text(card["label"], size="2", color_scheme="gray", as_="p"),
        rx.text(card["value"], size="6", weight="bold", as_="p"),
        # Only cards that compare with a previous period (the analytics) say so.
        rx.cond(
            card["previous"],
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


def feedback(message: rx.Var[str], is_error: rx.Var[bool], region_id: str | None = None) -> rx.Component:
    """A live region for the result of the last action; `region_id` lets the fields a refusal is about point at it."""
    return rx.box(
        rx.cond(message != "", rx.callout(message, color_scheme=rx.cond(is_error, "tomato", "grass"), size="1")),
        role="status",
        aria_live="polite",
        width="100%",
        **({"id": region_id} if region_id else {}),
    )


def small_button(
    label: rx.Var[str] | str, on_click: EventSpec | rx.EventHandler | None = None, **props: Any
) -> rx.Component:
    """A row or form action: a small soft button."""
    return rx.button(label, type="button", size="1", variant="soft", on_click=on_click, **props)


def confirm_button(
    label: rx.Var[str] | str,
    title: rx.Var[str] | str,
    description: rx.Component | rx.Var[str] | str,
    on_confirm: EventSpec | rx.EventHandler,
    *,
    color: str = "tomato",
) -> rx.Component:
    """A destructive action behind a confirmation dialog (keyboard accessible, focus trapped); confirmed by `label`."""
    return rx.alert_dialog.root(
        rx.alert_dialog.trigger(small_button(label, color_scheme=color)),
        rx.alert_dialog.content(
            rx.alert_dialog.title(title),
            rx.alert_dialog.description(description),
            rx.hstack(
                rx.alert_dialog.cancel(rx.button(t("Keep it"), variant="soft", color_scheme="gray")),
                rx.alert_dialog.action(rx.button(label, color_scheme=color, on_click=on_confirm)),
                spacing="3",
                justify="end",
                margin_top="1rem",
            ),
        ),
    )


def pager(state: type[Paged]) -> rx.Component:
    """Previous / next for a `Paged` state."""
    return rx.el.nav(
        rx.hstack(
            rx.button(
                t("Previous"), type="button", variant="soft", disabled=~state.has_previous, on_click=state.previous_page
            ),
            rx.text(t("Page"), " ", state.page + 1, " · ", state.total, " ", t("results"), size="2"),
            rx.button(t("Next"), type="button", variant="soft", disabled=~state.has_next, on_click=state.next_page),
            align="center",
            spacing="3",
        ),
        aria_label=t("Pagination"),
    )
