"""/admin/review, /admin/blocks and /admin/security."""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go
import reflex as rx
from reflex.vars import ObjectVar

from ticketapp.components.admin import shell
from ticketapp.components.forms import select_field, text_field
from ticketapp.i18n import msgid
from ticketapp.models import BlockKind
from ticketapp.state.admin.risk import BLOCK_KIND_LABELS, AdminBlocksState, AdminReviewState, AdminSecurityState
from ticketapp.state.locale import LocaleState, t


def _held_card(row: ObjectVar[dict[str, str]]) -> rx.Component:
    reason_id = "reject-reason-" + row["code"]
    return rx.el.article(
        rx.card(
            rx.vstack(
                rx.hstack(
                    rx.heading(rx.link(row["code"], href="/admin/orders/" + row["code"]), as_="h2", size="4"),
                    rx.badge(t("Score"), " ", row["score"], color_scheme="tomato"),
                    rx.text(row["status"], " · ", row["total"], " · ", row["created"], size="2"),
                    spacing="3",
                    align="center",
                    wrap="wrap",
                ),
                rx.text(t("Buyer:"), " ", row["buyer"], size="2"),
                rx.text(t("Why it was held:"), " ", row["reasons"], size="2"),
                rx.text(t("Payment:"), " ", row["payment"], size="2"),
                rx.text(
                    t("IP address"),
                    ": ",
                    row["ip"],
                    " · ",
                    t("Account created:"),
                    " ",
                    row["account"],
                    " · ",
                    t("Earlier orders:"),
                    " ",
                    row["history"],
                    " · ",
                    t("Security events:"),
                    " ",
                    row["events"],
                    size="2",
                    color_scheme="gray",
                ),
                rx.hstack(
                    rx.button(
                        t("Approve"),
                        type="button",
                        size="2",
                        color_scheme="grass",
                        on_click=AdminReviewState.approve(row["code"]),
                    ),
                    rx.el.form(
                        rx.el.input(type="hidden", name="code", value=row["code"]),
                        rx.hstack(
                            text_field(
                                t("Reason for rejecting"), reason_id, name="reason", max_length=200, width="18rem"
                            ),
                            rx.button(row["reject_label"], type="submit", size="2", color_scheme="tomato"),
                            align="end",
                            spacing="2",
                        ),
                        on_submit=AdminReviewState.reject,
                        reset_on_submit=True,
                        aria_label=t("Reject order"),
                    ),
                    spacing="4",
                    align="end",
                    wrap="wrap",
                ),
                spacing="2",
                align="start",
            ),
            width="100%",
        ),
        aria_label=row["code"],
        width="100%",
    )


@shell.admin_route("/admin/review", "Review queue", AdminReviewState)
def review_page() -> rx.Component:
    return shell.admin_page(
        AdminReviewState,
        rx.heading(t("Orders held for review"), as_="h1", size="7"),
        rx.text(
            t(
                "The risk rules held these orders: their tickets wait for your decision. Approving takes a card "
                "payment that was only authorised and sends the tickets; rejecting cancels that authorisation "
                "(nothing is charged) or refunds a paid order, and frees the seats."
            ),
            color_scheme="gray",
        ),
        shell.feedback(AdminReviewState.message, AdminReviewState.message_is_error),
        rx.cond(
            AdminReviewState.rows.length() > 0,
            rx.vstack(rx.foreach(AdminReviewState.rows, _held_card), spacing="3", width="100%"),
            rx.text(t("No order is waiting for a review."), color_scheme="gray"),
        ),
        shell.pager(AdminReviewState),
    )


def _block_row(row: ObjectVar[dict[str, str]]) -> rx.Component:
    return rx.el.tr(
        rx.el.td(row["kind"]),
        rx.el.td(row["value"]),
        rx.el.td(row["reason"]),
        rx.el.td(row["since"]),
        rx.el.td(row["until"]),
        rx.el.td(
            shell.confirm_button(
                t("Remove"),
                t("Remove this block?"),
                row["value"],
                AdminBlocksState.remove(row["id"]),
            )
        ),
    )


@shell.admin_route("/admin/blocks", "Block lists", AdminBlocksState)
def blocks_page() -> rx.Component:
    return shell.admin_page(
        AdminBlocksState,
        rx.heading(t("Block lists"), as_="h1", size="7"),
        rx.text(
            t(
                "Checkouts from these e-mail addresses, domains and networks are refused. "
                "To block an account, use Customers."
            ),
            color_scheme="gray",
        ),
        rx.el.form(
            rx.grid(
                select_field(
                    t("What to block"),
                    "bl-kind",
                    shell.options(list(BLOCK_KIND_LABELS.items())),
                    name="kind",
                    default_value=BlockKind.EMAIL,
                ),
                text_field(t("Address, domain or range"), "bl-value", name="value", required=True, max_length=320),
                text_field(t("Reason"), "bl-reason", name="reason", required=True, max_length=300),
                text_field(t("Days (empty: until removed)"), "bl-days", name="days", type="number", min=0, max=3650),
                columns=rx.breakpoints(initial="1", sm="2", md="4"),
                spacing="3",
                width="100%",
            ),
            rx.button(t("Block"), type="submit", margin_top="0.75rem"),
            on_submit=AdminBlocksState.add,
            reset_on_submit=True,
            aria_label=t("Add a block"),
            width="100%",
        ),
        shell.feedback(AdminBlocksState.message, AdminBlocksState.message_is_error),
        shell.admin_table(
            [
                msgid("Kind"),
                msgid("Value"),
                msgid("Reason"),
                msgid("Since (UTC)"),
                msgid("Until (UTC)"),
                msgid("Actions"),
            ],
            AdminBlocksState.rows,
            _block_row,
            empty=msgid("Nothing is blocked."),
            label=t("Block lists"),
        ),
    )


def _filters() -> rx.Component:
    state = AdminSecurityState
    return rx.el.form(
        shell.filter_grid(
            select_field(
                t("Kind of event"),
                "sec-kind",
                [
                    rx.el.option(t("All"), value=""),
                    rx.foreach(state.kind_options, lambda o: rx.el.option(o["label"], value=o["value"])),
                ],
                name="kind",
            ),
            text_field(t("Account (e-mail or id)"), "sec-account", name="account", type="search", max_length=320),
            text_field(t("IP address"), "sec-ip", name="ip", type="search", max_length=64),
            text_field(t("From date"), "sec-from", name="from", type="date"),
            text_field(t("To date"), "sec-to", name="to", type="date"),
        ),
        rx.button(t("Show"), type="submit", margin_top="0.75rem"),
        on_submit=state.apply_filters,
        aria_label=t("Security event filters"),
        width="100%",
    )


def _plot(figure: rx.Var[Any]) -> rx.Component:
    # Built by the page's handler, never a state default (state/snapshot.py); until then no plot.
    return rx.plotly(data=figure.to(go.Figure), use_resize_handler=True, width="100%", locale=LocaleState.lang)


def _chart() -> rx.Component:
    state = AdminSecurityState
    return rx.card(
        rx.hstack(
            rx.heading(t("Events over time"), as_="h2", size="4"),
            rx.spacer(),
            rx.button(
                rx.cond(state.as_table, t("View as chart"), t("View as table")),
                type="button",
                variant="ghost",
                size="1",
                aria_pressed=state.as_table,
                on_click=state.toggle_table,
            ),
            align="center",
        ),
        rx.cond(
            state.as_table,
            shell.data_table(state.chart_headers, state.chart_rows, t("Events over time")),
            rx.cond(state.chart, _plot(state.chart), rx.text(t("No data for these filters."), color_scheme="gray")),
        ),
        role="region",
        aria_label=t("Events over time"),
        width="100%",
    )


@shell.admin_route("/admin/security", "Security", AdminSecurityState)
def security_page() -> rx.Component:
    state = AdminSecurityState
    return shell.admin_page(
        state,
        rx.heading(t("Security events"), as_="h1", size="7"),
        _filters(),
        shell.feedback(state.message, state.message_is_error),
        _chart(),
        shell.admin_table(
            [msgid("Date (UTC)"), msgid("What happened"), msgid("Account"), msgid("IP address"), msgid("Detail")],
            state.rows,
            shell.cells("at", "kind", "account", "ip", "detail"),
            empty=msgid("No event matches."),
            label=t("Security events"),
        ),
        shell.pager(state),
    )
