"""/admin/customers and /admin/staff."""

from __future__ import annotations

import reflex as rx
from reflex.vars import ArrayVar, ObjectVar

from ticketapp.components.admin.shell import admin_page, confirm_button, feedback, pager
from ticketapp.components.forms import select_field, text_field
from ticketapp.i18n import msgid
from ticketapp.state.admin.guard import AdminGateState
from ticketapp.state.admin.people import PAGE_SIZE, AdminCustomersState, AdminStaffState
from ticketapp.state.locale import LocaleState, t


def _customer_row(row: ObjectVar[dict[str, str]]) -> rx.Component:
    return rx.el.tr(
        rx.el.td(row["name"]),
        rx.el.td(row["email"]),
        rx.el.td(row["orders"]),
        rx.el.td(rx.cond(row["blocked"] == "yes", t("Blocked"), t("Active"))),
        rx.el.td(
            rx.hstack(
                rx.button(
                    t("Details"), type="button", size="1", variant="soft", on_click=AdminCustomersState.show(row["id"])
                ),
                rx.cond(
                    row["blocked"] == "yes",
                    rx.button(
                        t("Unblock"),
                        type="button",
                        size="1",
                        variant="soft",
                        on_click=AdminCustomersState.unblock(row["id"]),
                    ),
                    confirm_button(
                        t("Block"),
                        t("Block this account?"),
                        text_field(
                            t("Reason (required)"),
                            "block-reason",
                            value=AdminCustomersState.reason,
                            on_change=AdminCustomersState.set_reason,
                            max_length=300,
                        ),
                        AdminCustomersState.block(row["id"]),
                        confirm_label=t("Block"),
                    ),
                ),
                spacing="2",
            )
        ),
    )


def _simple_table(
    caption: rx.Var[str] | str, headers: list[str], rows: ArrayVar[list[dict[str, str]]], keys: list[str]
) -> rx.Component:
    return rx.cond(
        rows.length() > 0,
        rx.box(
            rx.el.table(
                rx.el.thead(rx.el.tr(*[rx.el.th(t(h), scope="col") for h in headers])),
                rx.el.tbody(rx.foreach(rows, lambda row: rx.el.tr(*[rx.el.td(row[k]) for k in keys]))),
                class_name="data-table",
                aria_label=caption,
            ),
            class_name="table-scroll",
            width="100%",
        ),
        rx.text(t("None yet."), color_scheme="gray"),
    )


def _customer_detail() -> rx.Component:
    state = AdminCustomersState
    return rx.el.section(
        rx.vstack(
            rx.heading(state.selected_title, as_="h2", size="5"),
            rx.button(
                t("Send password reset e-mail"),
                type="button",
                size="1",
                variant="soft",
                on_click=state.send_password_reset(state.selected),
            ),
            rx.heading(t("Orders of this customer"), as_="h3", size="4"),
            rx.cond(
                state.selected_orders.length() > 0,
                rx.el.ul(
                    rx.foreach(
                        state.selected_orders,
                        lambda o: rx.el.li(
                            rx.link(o["code"], href="/admin/orders/" + o["code"]), " · ", o["status"], " · ", o["total"]
                        ),
                    )
                ),
                rx.text(t("None yet."), color_scheme="gray"),
            ),
            rx.heading(t("Sign-in history"), as_="h3", size="4"),
            _simple_table(
                t("Sign-in history"),
                [msgid("Date (UTC)"), msgid("What happened"), msgid("IP address")],
                state.selected_sign_ins,
                ["at", "what", "ip"],
            ),
            rx.heading(t("Support requests"), as_="h3", size="4"),
            _simple_table(
                t("Support requests"),
                [msgid("Reference"), msgid("Subject"), msgid("Status"), msgid("Date (UTC)")],
                state.selected_support,
                ["reference", "subject", "status", "date"],
            ),
            spacing="3",
            width="100%",
        ),
        aria_label=t("Customer details"),
        width="100%",
    )


@rx.page(
    route="/admin/customers",
    title="Customers · Ticketapp admin",
    on_load=[LocaleState.apply, AdminGateState.check, AdminCustomersState.load],
)
def customers_page() -> rx.Component:
    return admin_page(
        rx.vstack(
            rx.heading(t("Customers"), as_="h1", size="7"),
            text_field(
                t("Name or e-mail"),
                "cu-text",
                type="search",
                value=AdminCustomersState.text,
                on_change=AdminCustomersState.set_text.debounce(400),
            ),
            feedback(AdminCustomersState.message, AdminCustomersState.message_is_error),
            rx.cond(
                AdminCustomersState.rows.length() > 0,
                rx.box(
                    rx.el.table(
                        rx.el.thead(
                            rx.el.tr(
                                *[
                                    rx.el.th(t(h), scope="col")
                                    for h in (
                                        msgid("Name"),
                                        msgid("E-mail"),
                                        msgid("Orders"),
                                        msgid("Status"),
                                        msgid("Actions"),
                                    )
                                ]
                            )
                        ),
                        rx.el.tbody(rx.foreach(AdminCustomersState.rows, _customer_row)),
                        class_name="data-table",
                    ),
                    class_name="table-scroll",
                    width="100%",
                ),
                rx.text(t("No customers match."), color_scheme="gray"),
            ),
            pager(
                AdminCustomersState.page,
                AdminCustomersState.total,
                PAGE_SIZE,
                AdminCustomersState.previous_page,
                AdminCustomersState.next_page,
            ),
            rx.cond(AdminCustomersState.selected != "", _customer_detail()),
            spacing="4",
            width="100%",
        ),
        forbidden=AdminCustomersState.forbidden,
        on_language_change=[AdminCustomersState.load],
    )


def _staff_row(row: ObjectVar[dict[str, str]]) -> rx.Component:
    control_id = "role-" + row["id"]
    return rx.el.tr(
        rx.el.td(row["name"]),
        rx.el.td(row["email"]),
        rx.el.td(
            rx.el.label(t("Role"), html_for=control_id, class_name="sr-only"),
            rx.el.select(
                rx.el.option(t("Admin"), value="admin"),
                rx.el.option(t("Support agent"), value="agent"),
                rx.el.option(t("Customer"), value="customer"),
                id=control_id,
                class_name="field",
                value=row["role"],
                on_change=lambda v: AdminStaffState.change_role(row["id"], v),
            ),
        ),
        rx.el.td(
            confirm_button(
                t("Deactivate"),
                t("Deactivate this staff account?"),
                t("The account is blocked and loses its staff role."),
                AdminStaffState.deactivate(row["id"]),
                confirm_label=t("Deactivate"),
            )
        ),
    )


@rx.page(
    route="/admin/staff",
    title="Staff · Ticketapp admin",
    on_load=[LocaleState.apply, AdminGateState.check, AdminStaffState.load],
)
def staff_page() -> rx.Component:
    return admin_page(
        rx.vstack(
            rx.heading(t("Staff"), as_="h1", size="7"),
            feedback(AdminStaffState.message, AdminStaffState.message_is_error),
            rx.box(
                rx.el.table(
                    rx.el.thead(
                        rx.el.tr(
                            *[
                                rx.el.th(t(h), scope="col")
                                for h in (msgid("Name"), msgid("E-mail"), msgid("Role"), msgid("Actions"))
                            ]
                        )
                    ),
                    rx.el.tbody(rx.foreach(AdminStaffState.rows, _staff_row)),
                    class_name="data-table",
                ),
                class_name="table-scroll",
                width="100%",
            ),
            rx.heading(t("Invite a staff member"), as_="h2", size="4"),
            rx.el.form(
                rx.grid(
                    text_field(
                        t("E-mail"),
                        "st-email",
                        type="email",
                        value=AdminStaffState.invite_email,
                        on_change=AdminStaffState.set_invite_email,
                        required=True,
                    ),
                    text_field(
                        t("Name"),
                        "st-name",
                        value=AdminStaffState.invite_name,
                        on_change=AdminStaffState.set_invite_name,
                    ),
                    select_field(
                        t("Role"),
                        "st-role",
                        [rx.el.option(t("Support agent"), value="agent"), rx.el.option(t("Admin"), value="admin")],
                        value=AdminStaffState.invite_role,
                        on_change=AdminStaffState.set_invite_role,
                    ),
                    columns=rx.breakpoints(initial="1", sm="3"),
                    spacing="3",
                ),
                rx.button(t("Invite"), type="submit", margin_top="0.75rem"),
                on_submit=AdminStaffState.invite,
                aria_label=t("Invite a staff member"),
            ),
            spacing="4",
            width="100%",
        ),
        forbidden=AdminStaffState.forbidden,
        on_language_change=[AdminStaffState.load],
    )
