"""/admin/events/door-list?id=N (admins): who is coming, searchable, a page at a time, with CSV and a
printable PDF for the door when the scanners are down."""

from __future__ import annotations

import reflex as rx
from reflex.vars import ObjectVar

from ticketapp.components.admin import shell
from ticketapp.i18n import msgid
from ticketapp.state.admin.door_list import AdminDoorListState as S
from ticketapp.state.locale import t


def _row(row: ObjectVar[dict[str, str]]) -> rx.Component:
    return rx.el.tr(
        rx.el.td(rx.el.strong(row["name"])),
        rx.el.td(row["type"]),
        rx.el.td(rx.el.code(row["code"])),
        rx.el.td(row["order"]),
        rx.el.td(row["answers"]),
        rx.el.td(rx.cond(row["checked_in"] != "", row["checked_in"], t("Not yet"))),
    )


@shell.admin_route("/admin/events/door-list", "Door list", S)
def door_list_page() -> rx.Component:
    return shell.admin_page(
        S,
        rx.cond(
            S.found,
            rx.fragment(
                shell.page_heading(
                    t("Door list") + " · " + S.event_title,
                    rx.link(t("Messages"), href="/admin/events/messages?id=" + S.event_id),
                    rx.link(t("Back to the event"), href="/admin/events/edit?id=" + S.event_id),
                ),
                rx.text(
                    S.total,
                    " ",
                    t("attendees"),
                    " · ",
                    S.checked_in,
                    " ",
                    t("checked in"),
                    role="status",
                    aria_live="polite",
                ),
                rx.box(
                    shell.search_field(t("Search by name, e-mail, ticket code or order"), "door-search", S),
                    max_width="32rem",
                    width="100%",
                ),
                rx.hstack(
                    rx.link(
                        t("Download CSV"),
                        href="/api/admin/door-list.csv?" + S.export_query,
                        reload_document=True,
                        download="",
                    ),
                    rx.link(
                        t("Download PDF to print"),
                        href="/api/admin/door-list.pdf?" + S.export_query,
                        reload_document=True,
                        download="",
                    ),
                    spacing="3",
                    wrap="wrap",
                ),
                shell.admin_table(
                    [
                        msgid("Name"),
                        msgid("Ticket type"),
                        msgid("Ticket code"),
                        msgid("Order"),
                        msgid("Check-in answers"),
                        msgid("Checked in"),
                    ],
                    S.rows,
                    _row,
                    empty=msgid("No attendees match."),
                    label=t("Door list"),
                ),
                shell.pager(S),
            ),
            rx.text(t("Event not found."), role="alert"),
        ),
    )
