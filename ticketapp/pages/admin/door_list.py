"""/admin/events/door-list?id=N (admins): who is coming, searchable, a page at a time, with CSV and a
printable PDF for the door when the scanners are down."""

from __future__ import annotations

import reflex as rx
from reflex.vars import ObjectVar

from ticketapp.components.admin import shell
from ticketapp.components.forms import checkbox_field, text_field
from ticketapp.i18n import msgid
from ticketapp.state.admin.door_list import TYPE_PREFIX
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


def _gate_row(row: ObjectVar[dict[str, str]]) -> rx.Component:
    return rx.el.tr(
        rx.el.td(rx.el.strong(row["name"])),
        rx.el.td(row["types"]),
        rx.el.td(shell.confirm_button(t("Remove"), t("Remove this gate?"), row["name"], S.remove_gate(row["id"]))),
    )


def _gates() -> rx.Component:
    return rx.el.section(
        rx.heading(t("Gates and re-entry"), as_="h2", size="5", id="gates-heading"),
        rx.text(
            t(
                "A gate admits the ticket types ticked (none ticked: every type). "
                "Door staff pick their gate on the check-in page."
            ),
            color_scheme="gray",
        ),
        rx.el.label(
            rx.el.input(
                type="checkbox",
                id="reentry",
                checked=S.reentry_allowed,
                on_change=S.set_reentry,
                style={"width": "1.25rem", "height": "1.25rem"},
            ),
            " ",
            t("Allow re-entry after an exit scan (otherwise a ticket enters once)"),
            html_for="reentry",
            style={"display": "flex", "gap": "0.5rem", "alignItems": "center"},
        ),
        shell.admin_table(
            [msgid("Gate"), msgid("Ticket types"), msgid("Actions")],
            S.gate_rows,
            _gate_row,
            empty=msgid("No gates: every ticket enters at any door."),
            label=t("Gates"),
        ),
        rx.el.form(
            text_field(t("Gate name"), "gate-name", name="name", required=True, max_length=80),
            rx.el.fieldset(
                rx.el.legend(t("Ticket types that enter here")),
                rx.flex(
                    rx.foreach(
                        S.ticket_types,
                        lambda x: checkbox_field(x["name"], "gt-" + x["id"], name=TYPE_PREFIX + x["id"]),
                    ),
                    spacing="3",
                    wrap="wrap",
                ),
                class_name="ticket-type-fieldset",
            ),
            rx.button(t("Add gate"), type="submit", align_self="start"),
            on_submit=S.add_gate,
            key=S.gate_version.to_string(),
            aria_label=t("New gate"),
            class_name="admin-form",
            display="flex",
            flex_direction="column",
            gap="0.75rem",
            width="100%",
        ),
        aria_labelledby="gates-heading",
        style={"display": "flex", "flexDirection": "column", "gap": "0.75rem", "width": "100%"},
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
                shell.feedback(S.message, S.message_is_error),
                _gates(),
            ),
            rx.text(t("Event not found."), role="alert"),
        ),
    )
