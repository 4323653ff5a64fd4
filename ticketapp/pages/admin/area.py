"""The staff home page /admin (guarded: agent or admin + 2FA), the 403 page and the mail outbox."""

from __future__ import annotations

import reflex as rx
from reflex.vars import ObjectVar

from ticketapp.components.admin.shell import ADMIN_AREAS, AGENT_AREAS
from ticketapp.components.layout import page_layout, page_title
from ticketapp.i18n import msgid
from ticketapp.state.account.auth import AuthState
from ticketapp.state.admin.area import AdminHomeState, OutboxState
from ticketapp.state.locale import t


def _area_links(label: str, areas: list[tuple[str, str]]) -> rx.Component:
    return rx.el.nav(
        rx.el.ul(
            *[rx.el.li(rx.link(t(name), href=href)) for name, href in areas],
            class_name="area-links",
        ),
        aria_label=t(label),
    )


def _sales() -> rx.Component:
    return rx.el.section(
        rx.heading(t("Today's sales"), as_="h2", size="4"),
        rx.cond(
            AdminHomeState.sales.length() > 0,
            rx.el.table(
                rx.el.thead(
                    rx.el.tr(
                        *[
                            rx.el.th(t(h), scope="col")
                            for h in (msgid("Currency"), msgid("Paid orders"), msgid("Amount"))
                        ]
                    )
                ),
                rx.el.tbody(
                    rx.foreach(
                        AdminHomeState.sales,
                        lambda line: rx.el.tr(
                            rx.el.td(line["currency"]), rx.el.td(line["orders"]), rx.el.td(line["amount"])
                        ),
                    )
                ),
                class_name="data-table",
                aria_label=t("Today's sales"),
            ),
            rx.text(t("No paid orders yet today."), color_scheme="gray"),
        ),
        rx.text(t("Since midnight UTC."), size="1", color_scheme="gray"),
        aria_label=t("Today's sales"),
        class_name="dashboard-card",
    )


def _attention() -> rx.Component:
    return rx.el.section(
        rx.heading(t("Needs attention"), as_="h2", size="4"),
        rx.el.ul(
            rx.foreach(
                AdminHomeState.attention,
                lambda row: rx.el.li(
                    rx.link(row["label"], href=row["href"]),
                    rx.badge(row["count"], color_scheme=rx.cond(row["count"] == "0", "gray", "amber")),
                    class_name="attention-row",
                ),
            ),
            class_name="attention-list",
        ),
        aria_label=t("Needs attention"),
        class_name="dashboard-card",
    )


def _home() -> rx.Component:
    return rx.vstack(
        rx.heading(rx.cond(AdminHomeState.is_admin, t("Administration"), t("Staff area")), as_="h1", size="7"),
        rx.text(
            t("Signed in as"),
            " ",
            rx.el.span(AuthState.user_email, class_name="email-text"),
            color_scheme="gray",
            size="2",
        ),
        rx.grid(
            rx.cond(AdminHomeState.is_admin, _sales()),
            _attention(),
            columns=rx.breakpoints(initial="1", md="2"),
            spacing="4",
            width="100%",
        ),
        rx.heading(t("Work areas"), as_="h2", size="4"),
        rx.cond(
            AdminHomeState.is_admin,
            _area_links(msgid("Admin areas"), [*ADMIN_AREAS, *AGENT_AREAS, (msgid("Mail outbox"), "/dev/outbox")]),
            _area_links(msgid("Staff areas"), AGENT_AREAS),
        ),
        spacing="4",
        width="100%",
    )


@rx.page(route="/admin", title=page_title(t("Administration")), on_load=[AdminHomeState.load])
def admin_home() -> rx.Component:
    return page_layout(
        rx.cond(AdminHomeState.ready, _home(), rx.text(t("Checking your access…"), role="status")),
        on_language_change=[AdminHomeState.load],
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
