"""/admin/orders and /admin/orders/[code]."""

from __future__ import annotations

import reflex as rx
from reflex.vars import ObjectVar

from ticketapp.components.admin.shell import admin_page, confirm_button, feedback, pager
from ticketapp.components.forms import select_field, text_field
from ticketapp.i18n import msgid
from ticketapp.state.admin.guard import AdminGateState
from ticketapp.state.admin.orders import PAGE_SIZE, AdminOrdersState, AdminOrderState
from ticketapp.state.locale import LocaleState, t


def _filters() -> rx.Component:
    return rx.grid(
        text_field(
            t("Code, e-mail or name"),
            "or-text",
            type="search",
            value=AdminOrdersState.text,
            on_change=AdminOrdersState.set_text.debounce(400),
        ),
        select_field(
            t("Status"),
            "or-status",
            [
                rx.el.option(t("All statuses"), value=""),
                rx.foreach(AdminOrdersState.status_options, lambda o: rx.el.option(o["label"], value=o["value"])),
            ],
            value=AdminOrdersState.status,
            on_change=AdminOrdersState.set_status,
        ),
        text_field(
            t("From date"),
            "or-from",
            type="date",
            value=AdminOrdersState.date_from,
            on_change=AdminOrdersState.set_date_from,
        ),
        text_field(
            t("To date"), "or-to", type="date", value=AdminOrdersState.date_to, on_change=AdminOrdersState.set_date_to
        ),
        columns=rx.breakpoints(initial="1", sm="2", md="4"),
        spacing="3",
        width="100%",
    )


def _table() -> rx.Component:
    return rx.cond(
        AdminOrdersState.rows.length() > 0,
        rx.box(
            rx.el.table(
                rx.el.thead(
                    rx.el.tr(
                        *[
                            rx.el.th(t(h), scope="col")
                            for h in (msgid("Order"), msgid("Date"), msgid("Buyer"), msgid("Status"), msgid("Total"))
                        ]
                    )
                ),
                rx.el.tbody(
                    rx.foreach(
                        AdminOrdersState.rows,
                        lambda row: rx.el.tr(
                            rx.el.td(rx.link(row["code"], href="/admin/orders/" + row["code"])),
                            rx.el.td(row["date"]),
                            rx.el.td(row["buyer"]),
                            rx.el.td(row["status"]),
                            rx.el.td(row["total"]),
                        ),
                    )
                ),
                class_name="data-table",
            ),
            class_name="table-scroll",
            width="100%",
        ),
        rx.text(t("No orders match these filters."), color_scheme="gray"),
    )


@rx.page(
    route="/admin/orders",
    title="Orders · Ticketapp admin",
    on_load=[LocaleState.apply, AdminGateState.check, AdminOrdersState.load],
)
def orders_page() -> rx.Component:
    return admin_page(
        rx.vstack(
            rx.hstack(
                rx.heading(t("Orders"), as_="h1", size="7"),
                rx.spacer(),
                rx.link(t("Export CSV"), href=AdminOrdersState.csv_url, is_external=True),
                width="100%",
                align="center",
            ),
            _filters(),
            _table(),
            pager(
                AdminOrdersState.page,
                AdminOrdersState.total,
                PAGE_SIZE,
                AdminOrdersState.previous_page,
                AdminOrdersState.next_page,
            ),
            spacing="4",
            width="100%",
        ),
        forbidden=AdminOrdersState.forbidden,
        on_language_change=[AdminOrdersState.load],
    )


def _ticket_row(ticket: ObjectVar[dict[str, str]]) -> rx.Component:
    control_id = "att-" + ticket["id"]
    return rx.el.tr(
        rx.el.td(ticket["code"]),
        rx.el.td(ticket["status_label"]),
        rx.el.td(
            rx.hstack(
                rx.el.label(t("Attendee name"), html_for=control_id, class_name="sr-only"),
                rx.el.input(
                    id=control_id,
                    class_name="field",
                    value=AdminOrderState.names.get(ticket["id"], ""),
                    on_change=lambda v: AdminOrderState.set_name(ticket["id"], v),
                    max_length=200,
                ),
                rx.button(
                    t("Save name"),
                    type="button",
                    size="1",
                    variant="soft",
                    on_click=AdminOrderState.save_name(ticket["id"]),
                ),
            )
        ),
        rx.el.td(
            rx.cond(
                AdminOrderState.is_refundable & (ticket["status"] == "valid"),
                confirm_button(
                    t("Refund ticket"),
                    t("Refund this ticket?"),
                    t("The ticket becomes void and its price is paid back."),
                    AdminOrderState.refund_ticket(ticket["id"]),
                    confirm_label=t("Refund ticket"),
                ),
            )
        ),
    )


def _detail() -> rx.Component:
    s = AdminOrderState.summary
    return rx.vstack(
        rx.heading(t("Order"), " ", s["code"], as_="h1", size="7"),
        rx.el.dl(
            *[
                rx.fragment(rx.el.dt(t(label)), rx.el.dd(s[key]))
                for label, key in (
                    (msgid("Status"), "status"),
                    (msgid("Buyer"), "buyer"),
                    (msgid("Total"), "total"),
                    (msgid("Refunded"), "refunded"),
                    (msgid("Payment method"), "method"),
                    (msgid("Created"), "created"),
                    (msgid("Flag"), "flag"),
                )
            ],
            class_name="summary-list",
        ),
        feedback(AdminOrderState.message, AdminOrderState.message_is_error),
        rx.hstack(
            rx.cond(
                AdminOrderState.is_bank_transfer,
                rx.button(t("Mark bank transfer paid"), type="button", on_click=AdminOrderState.mark_paid),
            ),
            rx.button(t("Resend e-mail"), type="button", variant="soft", on_click=AdminOrderState.resend),
            rx.cond(
                AdminOrderState.is_unpaid,
                confirm_button(
                    t("Cancel order"),
                    t("Cancel this order?"),
                    t("Its seats are released at once."),
                    AdminOrderState.cancel,
                    confirm_label=t("Cancel order"),
                ),
            ),
            rx.cond(
                AdminOrderState.is_refundable,
                confirm_button(
                    t("Refund whole order"),
                    t("Refund the whole order?"),
                    t("Every ticket becomes void and the rest of the amount is paid back."),
                    AdminOrderState.refund_all,
                    confirm_label=t("Refund whole order"),
                ),
            ),
            spacing="3",
            wrap="wrap",
        ),
        text_field(
            t("Refund reason (optional)"),
            "refund-reason",
            value=AdminOrderState.refund_reason,
            on_change=AdminOrderState.set_refund_reason,
            max_length=200,
        ),
        rx.heading(t("Items"), as_="h2", size="4"),
        rx.el.ul(rx.foreach(AdminOrderState.items, lambda i: rx.el.li(i["line"], " — ", i["price"]))),
        rx.heading(t("Tickets"), as_="h2", size="4"),
        rx.cond(
            AdminOrderState.tickets.length() > 0,
            rx.box(
                rx.el.table(
                    rx.el.thead(
                        rx.el.tr(
                            *[
                                rx.el.th(t(h), scope="col")
                                for h in (msgid("Ticket"), msgid("Status"), msgid("Attendee name"), msgid("Refund"))
                            ]
                        )
                    ),
                    rx.el.tbody(rx.foreach(AdminOrderState.tickets, _ticket_row)),
                    class_name="data-table",
                    aria_label=t("Tickets"),
                ),
                class_name="table-scroll",
                width="100%",
            ),
            rx.text(t("No tickets issued yet."), color_scheme="gray"),
        ),
        rx.heading(t("Payments"), as_="h2", size="4"),
        rx.cond(
            AdminOrderState.payments.length() > 0,
            rx.el.ul(rx.foreach(AdminOrderState.payments, lambda p: rx.el.li(p["line"]))),
            rx.text(t("No payments yet."), color_scheme="gray"),
        ),
        rx.heading(t("Audit trail"), as_="h2", size="4"),
        rx.el.ol(
            rx.foreach(
                AdminOrderState.log, lambda e: rx.el.li(e["at"], " · ", e["line"], " · ", t("by"), " ", e["who"])
            )
        ),
        spacing="3",
        width="100%",
    )


@rx.page(
    route="/admin/orders/[code]",
    title="Order · Ticketapp admin",
    on_load=[LocaleState.apply, AdminGateState.check, AdminOrderState.load],
)
def order_page() -> rx.Component:
    return admin_page(
        rx.cond(AdminOrderState.found, _detail(), rx.text(t("Order not found."))),
        forbidden=AdminOrderState.forbidden,
        on_language_change=[AdminOrderState.load],
    )
