"""/admin/refunds: approve or decline buyers' refund requests."""

from __future__ import annotations

import reflex as rx
from reflex.vars import ObjectVar

from ticketapp.components.admin import shell
from ticketapp.components.forms import text_field
from ticketapp.state.admin.refunds import AdminRefundsState
from ticketapp.state.locale import t

S = AdminRefundsState


def _hidden(row: ObjectVar[dict[str, str]]) -> rx.Component:
    return rx.fragment(
        rx.el.input(type="hidden", name="id", value=row["id"]),
        rx.el.input(type="hidden", name="code", value=row["code"]),
    )


def _request_card(row: ObjectVar[dict[str, str]]) -> rx.Component:
    return rx.el.article(
        rx.card(
            rx.vstack(
                rx.heading(rx.link(row["code"], href="/admin/orders/" + row["code"]), as_="h2", size="4"),
                rx.text(t("Buyer:"), " ", row["buyer"], size="2"),
                rx.text(
                    t("Refund"), ": ", rx.el.strong(row["amount"]), " · ", t("Fee kept"), ": ", row["fee"], size="2"
                ),
                rx.text(t("Asked on"), " ", row["asked"], size="2"),
                rx.text(t("Buyer's reason:"), " ", row["reason"], size="2"),
                rx.hstack(
                    rx.el.form(
                        _hidden(row),
                        rx.button(t("Approve and refund"), type="submit", size="2", color_scheme="grass"),
                        on_submit=S.approve,
                        aria_label=t("Approve refund") + " " + row["code"],
                    ),
                    rx.el.form(
                        _hidden(row),
                        rx.hstack(
                            text_field(
                                t("Reason for declining"),
                                "deny-reason-" + row["id"],
                                name="reason",
                                max_length=500,
                                required=True,
                                width="min(18rem, 100%)",
                            ),
                            rx.button(t("Decline"), type="submit", size="2", color_scheme="tomato"),
                            align="end",
                            spacing="2",
                            wrap="wrap",
                        ),
                        on_submit=S.deny,
                        reset_on_submit=True,
                        aria_label=t("Decline refund") + " " + row["code"],
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


@shell.admin_route("/admin/refunds", "Refund requests", AdminRefundsState)
def refunds_page() -> rx.Component:
    return shell.admin_page(
        AdminRefundsState,
        rx.heading(t("Refund requests"), as_="h1", size="7"),
        rx.text(
            t(
                "Buyers asked for these refunds under an event policy that needs your approval. Approving refunds "
                "the amount shown (the fee is kept) and voids the tickets; declining keeps them valid. The buyer "
                "is told by e-mail either way."
            ),
            color_scheme="gray",
        ),
        shell.feedback(S.message, S.message_is_error),
        rx.cond(
            S.rows.length() > 0,
            rx.vstack(rx.foreach(S.rows, _request_card), spacing="3", width="100%"),
            rx.text(t("No refund request is waiting."), color_scheme="gray"),
        ),
    )
