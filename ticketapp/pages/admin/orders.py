"""/admin/orders and /admin/orders/[code]."""

from __future__ import annotations

import reflex as rx
from reflex.vars import ObjectVar

from ticketapp.components.admin import shell
from ticketapp.components.forms import DEBOUNCE_MS, select_field, text_field
from ticketapp.components.payment import invoice_links
from ticketapp.i18n import msgid
from ticketapp.state.admin.orders import AdminOrdersState, AdminOrderState
from ticketapp.state.locale import t


def _filters() -> rx.Component:
    return shell.filter_grid(
        shell.search_field(t("Code, e-mail or name"), "or-text", AdminOrdersState),
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
        shell.date_range("or", AdminOrdersState),
    )


def _order_row(row: ObjectVar[dict[str, str]]) -> rx.Component:
    return rx.el.tr(
        rx.el.td(rx.link(row["code"], href="/admin/orders/" + row["code"])),
        rx.el.td(row["date"]),
        rx.el.td(row["buyer"], class_name="email-text"),
        rx.el.td(row["status"]),
        rx.el.td(row["total"]),
    )


@shell.admin_route("/admin/orders", "Orders", AdminOrdersState)
def orders_page() -> rx.Component:
    return shell.admin_page(
        AdminOrdersState,
        shell.page_heading(t("Orders"), rx.link(t("Export CSV"), href=AdminOrdersState.csv_url, is_external=True)),
        _filters(),
        shell.admin_table(
            [msgid("Order"), msgid("Date"), msgid("Buyer"), msgid("Status"), msgid("Total")],
            AdminOrdersState.rows,
            _order_row,
            empty=msgid("No orders match these filters."),
        ),
        shell.pager(AdminOrdersState),
    )


def _ticket_row(ticket: ObjectVar[dict[str, str]]) -> rx.Component:
    control_id = "att-" + ticket["id"]
    return rx.el.tr(
        rx.el.td(ticket["code"]),
        rx.el.td(ticket["status_label"]),
        rx.el.td(
            rx.hstack(
                rx.el.label(t("Attendee name"), html_for=control_id, class_name="sr-only"),
                rx.debounce_input(
                    rx.el.input(
                        id=control_id,
                        class_name="field",
                        value=AdminOrderState.names.get(ticket["id"], ""),  # type: ignore[call-overload]  # a state dict read as a Var
                        on_change=lambda v: AdminOrderState.set_name(ticket["id"], v),
                        max_length=200,
                    ),
                    debounce_timeout=DEBOUNCE_MS,
                ),
                shell.small_button(
                    t("Save name"),
                    AdminOrderState.save_name(ticket["id"]),
                ),
            )
        ),
        rx.el.td(
            rx.cond(
                AdminOrderState.is_refundable & (ticket["status"] == "valid"),
                shell.confirm_button(
                    t("Refund ticket"),
                    t("Refund this ticket?"),
                    t("The ticket becomes void and its price is paid back."),
                    AdminOrderState.refund_ticket(ticket["id"]),
                ),
            )
        ),
    )


def _trail_entry(entry: ObjectVar[dict[str, str]]) -> rx.Component:
    return rx.el.li(
        rx.text(entry["at"], size="1", color_scheme="gray", as_="span"),
        rx.cond(entry["change"] != "", rx.text(entry["change"], weight="medium", as_="span")),
        rx.cond(entry["note"] != "", rx.text(entry["note"], as_="span")),
        rx.text(t("by"), " ", entry["who"], size="1", color_scheme="gray", as_="span"),
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
        shell.feedback(AdminOrderState.message, AdminOrderState.message_is_error),
        rx.hstack(
            rx.cond(
                AdminOrderState.is_bank_transfer,
                rx.button(t("Mark bank transfer paid"), type="button", on_click=AdminOrderState.mark_paid),
            ),
            rx.button(t("Resend e-mail"), type="button", variant="soft", on_click=AdminOrderState.resend),
            rx.cond(
                AdminOrderState.is_unpaid,
                shell.confirm_button(
                    t("Cancel order"),
                    t("Cancel this order?"),
                    t("Its seats are released at once."),
                    AdminOrderState.cancel,
                ),
            ),
            rx.cond(
                AdminOrderState.is_refundable,
                shell.confirm_button(
                    t("Refund whole order"),
                    t("Refund the whole order?"),
                    t("Every ticket becomes void and the rest of the amount is paid back."),
                    AdminOrderState.refund_all,
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
        rx.heading(t("Answers"), as_="h2", size="4"),
        rx.cond(
            AdminOrderState.answers.length() > 0,
            rx.el.dl(
                rx.foreach(
                    AdminOrderState.answers,
                    lambda a: rx.fragment(
                        rx.el.dt(a["question"], rx.cond(a["who"] != "", rx.text(" (", a["who"], ")", as_="span"))),
                        rx.el.dd(a["value"]),
                    ),
                ),
                class_name="summary-list",
                aria_label=t("Answers"),
            ),
            rx.text(t("No answers to custom questions."), color_scheme="gray"),
        ),
        rx.heading(t("Tickets"), as_="h2", size="4"),
        shell.admin_table(
            [msgid("Ticket"), msgid("Status"), msgid("Attendee name"), msgid("Refund")],
            AdminOrderState.tickets,
            _ticket_row,
            empty=msgid("No tickets issued yet."),
            label=t("Tickets"),
        ),
        rx.heading(t("Payments"), as_="h2", size="4"),
        rx.cond(
            AdminOrderState.payments.length() > 0,
            rx.el.ul(rx.foreach(AdminOrderState.payments, lambda p: rx.el.li(p["line"]))),
            rx.text(t("No payments yet."), color_scheme="gray"),
        ),
        invoice_links(AdminOrderState.invoices),
        rx.heading(t("Audit trail"), as_="h2", size="4"),
        rx.el.ol(rx.foreach(AdminOrderState.log, _trail_entry), class_name="audit-trail", aria_label=t("Audit trail")),
        spacing="3",
        width="100%",
    )


@shell.admin_route("/admin/orders/[code]", "Order", AdminOrderState)
def order_page() -> rx.Component:
    return shell.admin_page(AdminOrderState, rx.cond(AdminOrderState.found, _detail(), rx.text(t("Order not found."))))
