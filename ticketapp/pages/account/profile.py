"""The account area: profile, purchase history, one order, two-factor set-up."""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex.vars import ObjectVar

from ticketapp.components.forms import (
    email_field,
    error_region,
    form_card,
    password_field,
    select_field,
    status_region,
    submit_button,
    text_field,
)
from ticketapp.components.layout import LANGUAGES, page_layout, page_title
from ticketapp.components.payment import invoice_links
from ticketapp.components.self_service import self_service_panel
from ticketapp.services.accounts.profile import SUPPORTED_CURRENCIES
from ticketapp.state.account.auth import AuthState
from ticketapp.state.account.profile import (
    FORM_ERROR_IDS,
    OrderDetailState,
    OrdersState,
    ProfileState,
    SecurityState,
)
from ticketapp.state.account.sessions import SessionsState
from ticketapp.state.locale import LocaleState, t
from ticketapp.state.shop.self_service import SelfServiceState


def account_nav() -> rx.Component:
    return rx.el.nav(
        rx.hstack(
            rx.link(t("Profile"), href="/account"),
            rx.link(t("My orders"), href="/account/orders"),
            rx.link(t("My tickets"), href="/account/tickets"),
            rx.cond(AuthState.is_staff, rx.link(t("Security"), href="/account/security"), rx.fragment()),
            spacing="4",
        ),
        aria_label=t("Account"),
    )


def _section(title: rx.Var[str], *children: rx.Component) -> rx.Component:
    return rx.el.section(
        form_card(rx.heading(title, as_="h2", size="4"), *children, max_width="40rem"),
        aria_label=title,
        width="100%",
    )


def _marks(form: str, control_id: str) -> dict[str, Any]:
    """A field of an account form: invalid, and described by its form's message, while a refusal is about it."""
    return {"invalid": ProfileState.error_field == control_id, "error_id": FORM_ERROR_IDS[form]}


def _form_error(form: str) -> rx.Component:
    """The refusal or confirmation of one form, shown in it next to its fields (their descriptions point here)."""
    return rx.box(
        error_region(rx.cond(ProfileState.error_form == form, ProfileState.error, ""), FORM_ERROR_IDS[form]),
        status_region(rx.cond(ProfileState.success_form == form, ProfileState.success, "")),
        id=f"{form}-feedback",
        tab_index=-1,  # focused after a confirmation, so it is in view and read out
        width="100%",
    )


def _profile_form() -> rx.Component:
    return _section(
        t("Profile"),
        rx.form(
            rx.vstack(
                text_field(
                    t("Name"),
                    "field-display_name",
                    name="display_name",
                    **_marks("profile", "field-display_name"),
                    auto_complete="name",
                    required=True,
                    default_value=ProfileState.display_name,
                ),
                select_field(
                    t("Language"),
                    "field-language",
                    [rx.el.option(label, value=code, lang=code) for code, label in LANGUAGES],
                    name="language",
                    # The language the visitor uses now (the header's menu, the cookie), not only the stored one:
                    # saving sets both. Keyed on it: the uncontrolled select follows a switch in the header.
                    default_value=LocaleState.lang,
                    key=LocaleState.lang,
                ),
                select_field(
                    t("Preferred currency"),
                    "field-currency",
                    [
                        rx.el.option(t("Event currency"), value=""),
                        *[rx.el.option(code, value=code) for code in SUPPORTED_CURRENCIES],
                    ],
                    **_marks("profile", "field-currency"),
                    name="currency",
                    default_value=ProfileState.currency,
                    key=ProfileState.currency,
                ),
                text_field(
                    t("Phone"),
                    "field-phone",
                    name="phone",
                    **_marks("profile", "field-phone"),
                    type="tel",
                    auto_complete="tel",
                    default_value=ProfileState.phone,
                ),
                _form_error("profile"),
                submit_button(t("Save profile")),
                spacing="3",
                width="100%",
            ),
            on_submit=ProfileState.save_profile,
            reset_on_submit=False,
            width="100%",
        ),
    )


def _email_form() -> rx.Component:
    return _section(
        t("E-mail address"),
        rx.text(t("Current address:"), " ", rx.text.strong(ProfileState.email, class_name="email-text")),
        rx.form(
            rx.vstack(
                email_field(
                    t("New e-mail address"),
                    "field-new_email",
                    name="new_email",
                    auto_complete="email",
                    required=True,
                    **_marks("email", "field-new_email"),
                ),
                rx.cond(
                    ProfileState.has_password,
                    password_field(
                        t("Current password"),
                        "email-change-password",
                        name="password",
                        **_marks("email", "email-change-password"),
                        auto_complete="current-password",
                        required=True,
                    ),
                    rx.fragment(),
                ),
                _form_error("email"),
                submit_button(t("Change e-mail address")),
                spacing="3",
                width="100%",
            ),
            on_submit=ProfileState.change_email,
            reset_on_submit=True,
            width="100%",
        ),
    )


def _password_form() -> rx.Component:
    return _section(
        t("Password"),
        rx.form(
            rx.vstack(
                password_field(
                    t("Current password"),
                    "field-current_password",
                    **_marks("password", "field-current_password"),
                    name="current_password",
                    auto_complete="current-password",
                    required=True,
                ),
                password_field(
                    t("New password"),
                    "field-new_password",
                    **_marks("password", "field-new_password"),
                    name="new_password",
                    auto_complete="new-password",
                    required=True,
                    hint=t("At least 10 characters, not your e-mail address, and not a common password."),
                ),
                password_field(
                    t("Repeat the new password"),
                    "field-new_password_confirm",
                    **_marks("password", "field-new_password_confirm"),
                    name="new_password_confirm",
                    auto_complete="new-password",
                    required=True,
                ),
                _form_error("password"),
                submit_button(t("Change password")),
                spacing="3",
                width="100%",
            ),
            on_submit=ProfileState.change_password,
            reset_on_submit=True,
            width="100%",
        ),
    )


def _delete_dialog() -> rx.Component:
    return _section(
        t("Delete account"),
        rx.text(t("Your personal data is erased. Past orders are kept anonymously for accounting.")),
        rx.alert_dialog.root(
            rx.alert_dialog.trigger(rx.button(t("Delete my account…"), color_scheme="red", variant="soft")),
            rx.alert_dialog.content(
                rx.alert_dialog.title(t("Delete your account?")),
                rx.alert_dialog.description(t("This cannot be undone. Enter your password to confirm.")),
                rx.form(
                    rx.vstack(
                        rx.cond(
                            ProfileState.has_password,
                            password_field(
                                t("Password"),
                                "delete-password",
                                name="password",
                                auto_complete="current-password",
                                required=True,
                            ),
                            rx.fragment(),
                        ),
                        rx.hstack(
                            rx.alert_dialog.cancel(rx.button(t("Cancel"), variant="soft", color_scheme="gray")),
                            rx.button(t("Delete my account for good"), type="submit", color_scheme="red"),
                            spacing="3",
                            justify="end",
                            width="100%",
                        ),
                        spacing="3",
                        width="100%",
                    ),
                    on_submit=ProfileState.delete_account,
                    width="100%",
                ),
                error_region(ProfileState.error),
            ),
        ),
    )


def _session_row(row: ObjectVar[dict[str, str]]) -> rx.Component:
    return rx.table.row(
        rx.table.cell(row["signed_in"]),
        rx.table.cell(row["device"]),
        rx.table.cell(row["ip"]),
        rx.table.cell(
            rx.cond(
                row["current"] == "1",
                rx.badge(t("This browser"), color_scheme="green"),
                rx.button(
                    t("End session"),
                    on_click=SessionsState.sign_out_session(row["id"]),
                    variant="soft",
                    size="1",
                    aria_label=t("End the session of this browser"),
                ),
            )
        ),
    )


def _sessions_section() -> rx.Component:
    return _section(
        t("Where you are signed in"),
        rx.text(t("Ending a session signs that browser out at once. Ending all of them signs you out here too.")),
        rx.table.root(
            rx.table.header(
                rx.table.row(
                    rx.table.column_header_cell(t("Signed in")),
                    rx.table.column_header_cell(t("Browser")),
                    rx.table.column_header_cell(t("IP address")),
                    rx.table.column_header_cell(rx.el.span(t("Action"), class_name="visually-hidden")),
                )
            ),
            rx.table.body(rx.foreach(SessionsState.sessions, _session_row)),
            width="100%",
        ),
        status_region(SessionsState.message),
        rx.button(
            t("End all sessions"), on_click=SessionsState.sign_out_everywhere, color_scheme="red", variant="soft"
        ),
    )


@rx.page(
    route="/account",
    title=page_title(t("My account")),
    on_load=[ProfileState.load, SessionsState.load],
)
def account() -> rx.Component:
    return page_layout(
        rx.vstack(
            rx.heading(t("My account"), as_="h1", size="7"),
            account_nav(),
            rx.cond(
                ProfileState.welcome,
                rx.callout(t("Welcome! Your account is ready."), icon="party_popper", color_scheme="green"),
                rx.fragment(),
            ),
            # Refusals of the page itself (one form's own appear in that form).
            error_region(rx.cond(ProfileState.error_form == "", ProfileState.error, "")),
            status_region(rx.cond(ProfileState.success_form == "", ProfileState.success, "")),
            _profile_form(),
            _email_form(),
            rx.cond(ProfileState.has_password, _password_form(), rx.fragment()),
            _sessions_section(),
            _delete_dialog(),
            spacing="4",
            width="100%",
        )
    )


def _order_row(order: ObjectVar[dict[str, str]]) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.link(order["code"], href=order["href"])),
        rx.table.cell(order["date"]),
        rx.table.cell(order["event"]),
        rx.table.cell(order["tickets"]),
        rx.table.cell(order["total"]),
        rx.table.cell(order["status"]),
    )


def _orders_table() -> rx.Component:
    return rx.table.root(
        rx.table.header(
            rx.table.row(
                rx.table.column_header_cell(t("Order")),
                rx.table.column_header_cell(t("Date")),
                rx.table.column_header_cell(t("Event")),
                rx.table.column_header_cell(t("Tickets")),
                rx.table.column_header_cell(t("Total")),
                rx.table.column_header_cell(t("Status")),
            )
        ),
        rx.table.body(rx.foreach(OrdersState.orders, _order_row)),
        width="100%",
    )


@rx.page(route="/account/orders", title=page_title(t("My orders")), on_load=[OrdersState.load])
def orders() -> rx.Component:
    return page_layout(
        rx.vstack(
            rx.heading(t("My orders"), as_="h1", size="7"),
            account_nav(),
            rx.cond(
                OrdersState.loaded,
                rx.cond(
                    OrdersState.orders.length() > 0,
                    _orders_table(),
                    rx.callout(
                        rx.text(t("You have no orders yet."), " ", rx.link(t("Browse the events"), href="/")),
                        icon="info",
                    ),
                ),
                rx.text(t("Loading…"), role="status"),
            ),
            spacing="4",
            width="100%",
        ),
        on_language_change=[OrdersState.load],
    )


def _line_row(line: ObjectVar[dict[str, str]]) -> rx.Component:
    return rx.table.row(
        rx.table.cell(line["event"]),
        rx.table.cell(line["ticket_type"]),
        rx.table.cell(line["quantity"]),
        rx.table.cell(line["price"]),
        rx.table.cell(line["subtotal"]),
    )


def _order_detail() -> rx.Component:
    return rx.vstack(
        rx.heading(t("Order"), " ", OrderDetailState.code, as_="h1", size="7"),
        rx.el.dl(
            rx.el.dt(t("Date")),
            rx.el.dd(OrderDetailState.date),
            rx.el.dt(t("Status")),
            rx.el.dd(OrderDetailState.status),
            rx.el.dt(t("Tickets")),
            rx.el.dd(OrderDetailState.tickets),
            rx.el.dt(t("Total")),
            rx.el.dd(OrderDetailState.total),
            rx.el.dt(t("Buyer")),
            rx.el.dd(OrderDetailState.buyer, class_name="email-text"),
            class_name="order-facts",
        ),
        rx.table.root(
            rx.table.header(
                rx.table.row(
                    rx.table.column_header_cell(t("Event")),
                    rx.table.column_header_cell(t("Ticket type")),
                    rx.table.column_header_cell(t("Quantity")),
                    rx.table.column_header_cell(t("Unit price")),
                    rx.table.column_header_cell(t("Subtotal")),
                )
            ),
            rx.table.body(rx.foreach(OrderDetailState.lines, _line_row)),
            width="100%",
        ),
        invoice_links(OrderDetailState.invoices),
        self_service_panel(),
        rx.link(t("← All my orders"), href="/account/orders"),
        spacing="4",
        width="100%",
    )


@rx.page(
    route="/account/orders/[code]",
    title=page_title(t("Order")),
    on_load=[OrderDetailState.load, SelfServiceState.load],
)
def order_detail() -> rx.Component:
    return page_layout(
        rx.cond(
            OrderDetailState.loaded,
            rx.cond(
                OrderDetailState.found,
                _order_detail(),
                rx.vstack(
                    rx.heading(t("Order not found"), as_="h1", size="7"),
                    rx.link(t("← All my orders"), href="/account/orders"),
                ),
            ),
            rx.text(t("Loading…"), role="status"),
        ),
        on_language_change=[OrderDetailState.load, SelfServiceState.load],
    )


def _enrolment() -> rx.Component:
    return rx.vstack(
        rx.text(
            t(
                "Staff accounts need two-factor authentication. "
                "Scan this QR code with an authenticator app, then enter the code it shows."
            )
        ),
        rx.image(src=SecurityState.qr_data_uri, alt=t("QR code for your authenticator app"), width="12rem"),
        rx.text(t("Can't scan? Enter this key:"), " ", rx.code(SecurityState.secret, aria_label=t("Set-up key"))),
        rx.form(
            rx.vstack(
                text_field(
                    t("Authentication code"), "field-code", name="code", auto_complete="one-time-code", required=True
                ),
                submit_button(t("Turn on two-factor authentication")),
                spacing="3",
                width="100%",
            ),
            on_submit=SecurityState.confirm,
            width="100%",
        ),
        spacing="3",
        width="100%",
    )


def _recovery_codes() -> rx.Component:
    return rx.cond(
        SecurityState.recovery_codes.length() > 0,
        rx.vstack(
            rx.heading(t("Your recovery codes"), as_="h2", size="4"),
            rx.text(
                t(
                    "Keep these codes somewhere safe. Each one works once if you lose your phone. "
                    "They are shown only now."
                )
            ),
            rx.el.ul(
                rx.foreach(SecurityState.recovery_codes, lambda code: rx.el.li(rx.code(code))),
                aria_label=t("Recovery codes"),
            ),
            rx.link(t("Continue"), href=SecurityState.next_path),
            spacing="2",
            width="100%",
        ),
        rx.fragment(),
    )


@rx.page(route="/account/security", title=page_title(t("Security")), on_load=[SecurityState.load])
def security() -> rx.Component:
    return page_layout(
        rx.vstack(
            rx.heading(t("Security"), as_="h1", size="7"),
            account_nav(),
            error_region(SecurityState.error),
            status_region(SecurityState.success),
            form_card(
                rx.heading(t("Two-factor authentication"), as_="h2", size="4"),
                rx.cond(
                    SecurityState.enabled,
                    rx.text(t("Two-factor authentication is on for your account.")),
                    rx.cond(
                        SecurityState.is_staff,
                        _enrolment(),
                        rx.text(t("Two-factor authentication is used for staff accounts.")),
                    ),
                ),
                _recovery_codes(),
                max_width="40rem",
            ),
            spacing="4",
            width="100%",
        )
    )
