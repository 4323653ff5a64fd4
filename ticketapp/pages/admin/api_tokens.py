"""/admin/api-tokens (admins): API tokens for staff members and integrations, per-area permissions."""

from __future__ import annotations

import reflex as rx
from reflex.vars import ObjectVar

from ticketapp.components.admin import shell
from ticketapp.components.forms import select_field, text_field
from ticketapp.i18n import msgid
from ticketapp.state.admin.api_tokens import AREA_LABELS, AdminApiTokensState
from ticketapp.state.locale import t


def _token_row(row: ObjectVar[dict[str, str]]) -> rx.Component:
    return rx.el.tr(
        rx.el.td(row["name"]),
        rx.el.td(row["holder"]),
        rx.el.td(rx.code(row["scopes"])),
        rx.el.td(row["created"]),
        rx.el.td(row["last_used"]),
        rx.el.td(
            rx.cond(
                row["revoked"] != "",
                rx.badge(row["status"], color_scheme="gray"),
                rx.badge(row["status"], color_scheme="grass"),
            )
        ),
        rx.el.td(
            rx.cond(
                row["revoked"] == "",
                shell.confirm_button(
                    t("Revoke"),
                    t("Revoke this token?"),
                    t("Integrations using it stop working at once. This cannot be undone."),
                    AdminApiTokensState.revoke(row["id"]),
                ),
            )
        ),
    )


def _permission(area: str, label: str) -> rx.Component:
    return select_field(
        t(label),
        f"scope-{area}",
        [
            rx.el.option(t("No access"), value=""),
            rx.el.option(t("Read"), value="read"),
            rx.el.option(t("Read and write"), value="write"),
        ],
        name=f"scope_{area}",
    )


def _create_form() -> rx.Component:
    return rx.el.form(
        rx.grid(
            text_field(t("Name"), "token-name", name="name", required=True, max_length=120),
            select_field(
                t("Held by"),
                "token-holder",
                [
                    rx.el.option(t("An integration (no person)"), value=""),
                    rx.foreach(AdminApiTokensState.staff, lambda s: rx.el.option(s["label"], value=s["id"])),
                ],
                name="holder",
            ),
            columns=rx.breakpoints(initial="1", sm="2"),
            spacing="3",
            width="100%",
        ),
        rx.el.fieldset(
            rx.el.legend(t("Permissions")),
            rx.grid(
                *[_permission(area, label) for area, label in AREA_LABELS.items()],
                columns=rx.breakpoints(initial="1", sm="2", md="4"),
                spacing="3",
                width="100%",
            ),
            border="none",
            padding="0",
            margin_top="0.75rem",
        ),
        rx.button(t("Create token"), type="submit", margin_top="0.75rem"),
        on_submit=AdminApiTokensState.create,
        reset_on_submit=True,
        aria_label=t("Create an API token"),
        width="100%",
    )


def _new_token() -> rx.Component:
    return rx.cond(
        AdminApiTokensState.new_token != "",
        rx.callout.root(
            rx.callout.text(t("Copy this token now: it is stored hashed and will not be shown again.")),
            rx.el.label(t("New token"), html_for="new-token", font_weight="bold"),
            rx.el.input(
                id="new-token",
                value=AdminApiTokensState.new_token,
                read_only=True,
                width="100%",
                font_family="monospace",
            ),
            rx.button(t("I have copied it"), on_click=AdminApiTokensState.dismiss, size="1", variant="soft"),
            color_scheme="amber",
            width="100%",
        ),
    )


@shell.admin_route("/admin/api-tokens", "API tokens", AdminApiTokensState)
def api_tokens_page() -> rx.Component:
    return shell.admin_page(
        AdminApiTokensState,
        rx.heading(t("API tokens"), as_="h1", size="7"),
        rx.text(
            t(
                "Tokens let your other tools (CRM, mailing, accounting, your website) use the REST API at /api/v1/. "
                "Give each integration its own token with only the permissions it needs."
            ),
            color_scheme="gray",
        ),
        rx.link(t("API reference"), href="/api/v1/docs", is_external=True),
        _create_form(),
        shell.feedback(AdminApiTokensState.message, AdminApiTokensState.message_is_error),
        _new_token(),
        shell.admin_table(
            [
                msgid("Name"),
                msgid("Held by"),
                msgid("Permissions"),
                msgid("Created"),
                msgid("Last used"),
                msgid("Status"),
                msgid("Actions"),
            ],
            AdminApiTokensState.rows,
            _token_row,
            empty=msgid("No API tokens yet."),
            label=t("API tokens"),
        ),
    )
