"""/admin/waitlist (admins): each ticket type's waiting list, offers and conversions; offer or remove."""

from __future__ import annotations

import reflex as rx
from reflex.vars import ObjectVar

from ticketapp.components.admin import shell
from ticketapp.components.forms import select_field
from ticketapp.i18n import msgid
from ticketapp.state.admin.waitlist import AdminWaitlistState as S
from ticketapp.state.locale import t


def _entry_row(row: ObjectVar[dict[str, str]]) -> rx.Component:
    return rx.el.tr(
        rx.el.td(row["position"]),
        rx.el.td(row["email"], class_name="email-text"),
        rx.el.td(row["quantity"]),
        rx.el.td(row["status"]),
        rx.el.td(
            rx.hstack(
                rx.cond(
                    row["can_offer"] != "",
                    shell.small_button(
                        t("Offer now"), on_click=S.offer(row["id"]), aria_label=t("Offer now") + " " + row["email"]
                    ),
                ),
                rx.cond(
                    row["can_remove"] != "",
                    shell.confirm_button(
                        t("Remove"), t("Remove from the waiting list?"), row["email"], S.remove(row["id"])
                    ),
                ),
                spacing="2",
            )
        ),
    )


@shell.admin_route("/admin/waitlist", "Waiting lists", S)
def waitlist_page() -> rx.Component:
    return shell.admin_page(
        S,
        shell.page_heading(t("Waiting lists")),
        rx.text(
            t(
                "When seats come back, the next people in line are offered them automatically and the seats are "
                "held for them; an unused offer passes to the next person."
            ),
            color_scheme="gray",
        ),
        rx.cond(
            S.types.length() > 0,
            rx.box(
                select_field(
                    t("Ticket type"),
                    "waitlist-type",
                    rx.foreach(S.types, lambda x: rx.el.option(x["label"], value=x["id"])),
                    value=S.chosen,
                    on_change=S.choose,
                ),
                max_width="32rem",
                width="100%",
            ),
        ),
        rx.grid(rx.foreach(S.cards, shell.kpi_card), columns=rx.breakpoints(initial="2", md="4"), spacing="3"),
        shell.feedback(S.message, S.message_is_error),
        shell.admin_table(
            [msgid("Position"), msgid("E-mail"), msgid("Tickets"), msgid("Status"), msgid("Actions")],
            S.rows,
            _entry_row,
            empty=msgid("Nobody is waiting yet: a waiting list starts when a ticket type sells out."),
            label=t("Waiting list"),
        ),
    )
