"""The admin placeholder (guarded: admin + 2FA), the 403 page and the mail outbox."""

from __future__ import annotations

import reflex as rx
from reflex.vars import ObjectVar

from ticketapp.components.layout import page_layout, page_title
from ticketapp.state.account.auth import AuthState
from ticketapp.state.admin.area import AdminHomeState, OutboxState
from ticketapp.state.locale import t


@rx.page(route="/admin", title=page_title(t("Administration")), on_load=[AdminHomeState.load])
def admin_home() -> rx.Component:
    return page_layout(
        rx.cond(
            AdminHomeState.ready,
            rx.vstack(
                rx.heading(t("Administration"), as_="h1", size="7"),
                rx.text(t("Signed in as"), " ", AuthState.user_email),
                rx.text(t("Accounts:"), " ", AdminHomeState.user_count.to_string()),
                rx.link(t("Mail outbox"), href="/dev/outbox"),
                spacing="3",
            ),
            rx.text(t("Checking your access…"), role="status"),
        )
    )


@rx.page(route="/403", title=page_title(t("Access denied")))
def forbidden() -> rx.Component:
    return page_layout(
        rx.vstack(
            rx.heading(t("Access denied"), as_="h1", size="7"),
            rx.text(t("Your account does not have access to this page.")),
            rx.link(t("Back to the events"), href="/"),
            spacing="3",
        )
    )


def _mail(mail: ObjectVar[dict[str, str]]) -> rx.Component:
    return rx.el.article(
        rx.card(
            rx.vstack(
                rx.heading(mail["subject"], as_="h2", size="3"),
                rx.text(t("To:"), " ", mail["to"], " · ", mail["sent_at"], size="2", color_scheme="gray"),
                rx.el.pre(mail["text"], white_space="pre-wrap", font_size="0.85rem"),
                spacing="2",
                align="start",
            ),
            width="100%",
        ),
        width="100%",
    )


@rx.page(route="/dev/outbox", title=page_title(t("Mail outbox")), on_load=[OutboxState.load])
def outbox() -> rx.Component:
    return page_layout(
        rx.vstack(
            rx.heading(t("Mail outbox"), as_="h1", size="7"),
            rx.text(t("Mails written here because no SMTP server is configured."), color_scheme="gray"),
            rx.cond(
                OutboxState.ready,
                rx.cond(
                    OutboxState.mails.length() > 0,
                    rx.vstack(rx.foreach(OutboxState.mails, _mail), spacing="3", width="100%"),
                    rx.text(t("No mail yet.")),
                ),
                rx.text(t("Checking your access…"), role="status"),
            ),
            spacing="4",
            width="100%",
        )
    )
