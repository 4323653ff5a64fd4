"""/admin/customers and /admin/staff."""

from __future__ import annotations

import reflex as rx
from reflex.vars import ObjectVar

from ticketapp.components.admin import shell
from ticketapp.components.forms import select_field, text_field
from ticketapp.i18n import msgid
from ticketapp.state.admin.people import AdminCustomersState, AdminStaffState
from ticketapp.state.locale import t

ROLE_LABELS = {"admin": msgid("Admin"), "agent": msgid("Support agent"), "customer": msgid("Customer")}


def _customer_row(row: ObjectVar[dict[str, str]]) -> rx.Component:
    return rx.el.tr(
        rx.el.td(row["name"]),
        rx.el.td(row["email"], class_name="email-text"),
        rx.el.td(row["orders"]),
        rx.el.td(rx.cond(row["blocked"] == "yes", t("Blocked"), t("Active"))),
        rx.el.td(
            rx.hstack(
                shell.small_button(t("Details"), AdminCustomersState.show(row["id"])),
                rx.cond(
                    row["blocked"] == "yes",
                    shell.small_button(
                        t("Unblock"),
                        AdminCustomersState.unblock(row["id"]),
                    ),
                    shell.confirm_button(
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
                    ),
                ),
                spacing="2",
            )
        ),
    )


def _customer_detail() -> rx.Component:
    state = AdminCustomersState
    return rx.el.section(
        rx.vstack(
            rx.heading(state.selected_title, as_="h2", size="5"),
            shell.small_button(
                t("Send password reset e-mail"),
                state.send_password_reset(state.selected),
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
            shell.admin_table(
                [msgid("Date (UTC)"), msgid("What happened"), msgid("IP address")],
                state.selected_sign_ins,
                shell.cells("at", "what", "ip"),
                empty=msgid("None yet."),
                label=t("Sign-in history"),
            ),
            rx.heading(t("Support requests"), as_="h3", size="4"),
            shell.admin_table(
                [msgid("Reference"), msgid("Subject"), msgid("Status"), msgid("Date (UTC)")],
                state.selected_support,
                shell.cells("reference", "subject", "status", "date"),
                empty=msgid("None yet."),
                label=t("Support requests"),
            ),
            spacing="3",
            width="100%",
        ),
        aria_label=t("Customer details"),
        width="100%",
    )


@shell.admin_route("/admin/customers", "Customers", AdminCustomersState)
def customers_page() -> rx.Component:
    return shell.admin_page(
        AdminCustomersState,
        rx.heading(t("Customers"), as_="h1", size="7"),
        shell.search_field(t("Name or e-mail"), "cu-text", AdminCustomersState),
        shell.feedback(AdminCustomersState.message, AdminCustomersState.message_is_error),
        shell.admin_table(
            [msgid("Name"), msgid("E-mail"), msgid("Orders"), msgid("Status"), msgid("Actions")],
            AdminCustomersState.rows,
            _customer_row,
            empty=msgid("No customers match."),
        ),
        shell.pager(AdminCustomersState),
        rx.cond(AdminCustomersState.selected != "", _customer_detail()),
    )


def _staff_row(row: ObjectVar[dict[str, str]]) -> rx.Component:
    control_id = "role-" + row["id"]
    return rx.el.tr(
        rx.el.td(row["name"]),
        rx.el.td(row["email"], class_name="email-text"),
        rx.el.td(
            rx.el.label(t("Role"), html_for=control_id, class_name="sr-only"),
            rx.el.select(
                *shell.options(list(ROLE_LABELS.items())),
                id=control_id,
                class_name="field",
                value=row["role"],
                on_change=lambda v: AdminStaffState.change_role(row["id"], v),
            ),
        ),
        rx.el.td(
            shell.confirm_button(
                t("Deactivate"),
                t("Deactivate this staff account?"),
                t("The account is blocked and loses its staff role."),
                AdminStaffState.deactivate(row["id"]),
            )
        ),
    )


def _invite_form() -> rx.Component:
    return rx.el.form(
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
                shell.options([("agent", ROLE_LABELS["agent"]), ("admin", ROLE_LABELS["admin"])]),
                value=AdminStaffState.invite_role,
                on_change=AdminStaffState.set_invite_role,
            ),
            columns=rx.breakpoints(initial="1", sm="3"),
            spacing="3",
        ),
        rx.button(t("Invite"), type="submit", margin_top="0.75rem"),
        on_submit=AdminStaffState.invite,
        aria_label=t("Invite a staff member"),
    )


@shell.admin_route("/admin/staff", "Staff", AdminStaffState)
def staff_page() -> rx.Component:
    return shell.admin_page(
        AdminStaffState,
        rx.heading(t("Staff"), as_="h1", size="7"),
        shell.feedback(AdminStaffState.message, AdminStaffState.message_is_error),
        shell.admin_table(
            [msgid("Name"), msgid("E-mail"), msgid("Role"), msgid("Actions")],
            AdminStaffState.rows,
            _staff_row,
            empty=msgid("None yet."),
        ),
        rx.heading(t("Invite a staff member"), as_="h2", size="4"),
        _invite_form(),
    )
