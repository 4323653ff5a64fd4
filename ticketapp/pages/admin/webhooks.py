"""/admin/webhooks (admins): outgoing webhook endpoints, their secret (once), and each one's delivery log."""

from __future__ import annotations

import reflex as rx
from reflex.vars import ObjectVar

from ticketapp.components.admin import shell
from ticketapp.components.forms import checkbox_field, text_field
from ticketapp.i18n import msgid
from ticketapp.state.admin.webhooks import AdminWebhooksState as S
from ticketapp.state.locale import t


def _endpoint_row(row: ObjectVar[dict[str, str]]) -> rx.Component:
    return rx.el.tr(
        rx.el.td(
            rx.el.strong(row["url"], style={"overflow_wrap": "anywhere"}),
            rx.el.div(row["description"], class_name="muted"),
        ),
        rx.el.td(row["events"]),
        rx.el.td(
            rx.badge(row["status"], color_scheme=rx.cond(row["enabled"] != "", "green", "tomato")),
            rx.cond(row["reason"] != "", rx.el.div(row["reason"], class_name="muted")),
        ),
        rx.el.td(row["counts"]),
        rx.el.td(
            rx.hstack(
                shell.small_button(
                    t("Delivery log"), on_click=S.show_log(row["id"]), aria_label=t("Delivery log") + " " + row["url"]
                ),
                shell.small_button(t("Edit"), on_click=S.edit(row["id"]), aria_label=t("Edit") + " " + row["url"]),
                shell.confirm_button(
                    t("Rotate secret"),
                    t("Make a new signing secret? The old one stops working at once."),
                    row["url"],
                    S.rotate(row["id"]),
                ),
                rx.cond(
                    row["enabled"] != "",
                    shell.confirm_button(
                        t("Disable"), t("Disable this endpoint?"), row["url"], S.set_enabled(row["id"], False)
                    ),
                    shell.small_button(
                        t("Enable"), on_click=S.set_enabled(row["id"], True), aria_label=t("Enable") + " " + row["url"]
                    ),
                ),
                spacing="2",
                wrap="wrap",
            )
        ),
    )


def _type_box(kind: ObjectVar[dict[str, str]]) -> rx.Component:
    name = "type-" + kind["name"]
    return checkbox_field(
        rx.text(rx.el.code(kind["name"]), " — ", kind["label"], as_="span"),
        "webhook-" + name,
        name=name,
        default_checked=S.draft_types.contains(kind["name"]),
    )


def _form() -> rx.Component:
    return rx.el.form(
        rx.heading(rx.cond(S.editing != "", t("Edit the endpoint"), t("New endpoint")), as_="h2", size="4"),
        rx.grid(
            text_field(
                t("Endpoint URL"),
                "webhook-url",
                name="url",
                type="url",
                required=True,
                max_length=2000,
                placeholder="https://crm.example.com/ticketapp-hooks",
                default_value=S.draft.get("url", ""),
            ),
            text_field(
                t("Description (optional)"),
                "webhook-description",
                name="description",
                max_length=200,
                default_value=S.draft.get("description", ""),
            ),
            columns=rx.breakpoints(initial="1", md="2"),
            spacing="3",
            width="100%",
        ),
        rx.el.fieldset(
            rx.el.legend(t("Events to send")),
            rx.grid(rx.foreach(S.types, _type_box), columns=rx.breakpoints(initial="1", md="2"), spacing="2"),
            margin_top="0.75rem",
        ),
        rx.hstack(
            rx.button(t("Save endpoint"), type="submit"),
            rx.cond(S.editing != "", rx.button(t("Cancel"), type="button", variant="soft", on_click=S.cancel_edit)),
            spacing="3",
            margin_top="0.75rem",
        ),
        on_submit=S.save,
        key=S.editing + ":" + S.draft.get("url", ""),
        aria_label=t("Webhook endpoint"),
        width="100%",
    )


def _secret() -> rx.Component:
    return rx.cond(
        S.secret != "",
        rx.callout.root(
            rx.callout.text(
                rx.text(t("Signing secret for"), " ", rx.el.strong(S.secret_for), ":"),
                rx.el.code(S.secret, id="webhook-secret", style={"word_break": "break-all"}),
                rx.text(t("It is shown only this once. See docs/webhooks.md for how receivers verify it."), size="2"),
                rx.button(t("I have copied it"), size="1", variant="soft", on_click=S.hide_secret),
            ),
            color_scheme="amber",
            role="status",
        ),
    )


def _delivery_row(row: ObjectVar[dict[str, str]]) -> rx.Component:
    return rx.el.tr(
        rx.el.td(row["created"]),
        rx.el.td(rx.el.code(row["type"])),
        rx.el.td(
            rx.badge(
                row["status"],
                color_scheme=rx.match(row["state"], ("delivered", "green"), ("failed", "tomato"), "amber"),
            )
        ),
        rx.el.td(row["attempts"]),
        rx.el.td(row["response"]),
        rx.el.td(
            rx.el.details(
                rx.el.summary(rx.el.code(row["event_id"])),
                rx.el.p(t("Last try:"), " ", row["last"], rx.cond(row["next"] != "", " · " + row["next"], "")),
                rx.el.pre(row["payload"], style={"white_space": "pre-wrap", "word_break": "break-all"}),
                rx.el.p(t("Response:"), " ", row["excerpt"]),
            )
        ),
        rx.el.td(
            shell.small_button(
                t("Replay"), on_click=S.replay(row["id"]), aria_label=t("Replay") + " " + row["event_id"]
            )
        ),
    )


def _log() -> rx.Component:
    return rx.cond(
        S.log_for != "",
        rx.el.section(
            shell.page_heading(
                rx.text(t("Delivery log"), " · ", S.log_url, as_="span", style={"overflow_wrap": "anywhere"}),
                rx.button(t("Refresh"), variant="soft", on_click=S.reload_log),
            ),
            shell.admin_table(
                [
                    msgid("Created"),
                    msgid("Event"),
                    msgid("Status"),
                    msgid("Attempts"),
                    msgid("Response"),
                    msgid("Event id and payload"),
                    msgid("Actions"),
                ],
                S.deliveries,
                _delivery_row,
                empty=msgid("No delivery yet: events the endpoint chose appear here as they happen."),
                label=t("Delivery log"),
            ),
            shell.pager(S),
            aria_label=t("Delivery log"),
            width="100%",
        ),
    )


def _site_row(origin: rx.Var[str]) -> rx.Component:
    return rx.el.li(
        rx.hstack(
            rx.el.code(origin),
            shell.confirm_button(
                t("Remove"), t("Stop this site from embedding the widget?"), origin, S.remove_site(origin)
            ),
            align="center",
            spacing="3",
        )
    )


def _widget() -> rx.Component:
    return rx.el.section(
        rx.heading(t("Embeddable widget"), as_="h2", size="5"),
        rx.text(
            t("Paste this on your site to sell an event's tickets there (replace the event's address name):"),
        ),
        rx.el.pre(
            '<script src="' + S.shop_url + '/widget/v1/ticketapp.js" data-event="EVENT-SLUG" async></script>',
            style={"white_space": "pre-wrap", "word_break": "break-all"},
        ),
        rx.text(t("Only the sites listed here may show the widget; see the README for its CSS variables."), size="2"),
        rx.cond(
            S.widget_sites.length() > 0,
            rx.el.ul(rx.foreach(S.widget_sites, _site_row), aria_label=t("Sites allowed to embed the widget")),
            rx.text(t("No site may embed the widget yet."), color_scheme="gray"),
        ),
        rx.el.form(
            rx.hstack(
                text_field(
                    t("Site address"),
                    "widget-origin",
                    name="origin",
                    type="url",
                    required=True,
                    max_length=300,
                    placeholder="https://www.example.org",
                ),
                rx.button(t("Allow this site"), type="submit"),
                align="end",
                spacing="3",
                wrap="wrap",
            ),
            on_submit=S.add_site,
            reset_on_submit=True,
            aria_label=t("Allow a site to embed the widget"),
        ),
        margin_top="2rem",
        width="100%",
    )


@shell.admin_route("/admin/webhooks", "Webhooks", S)
def webhooks_page() -> rx.Component:
    return shell.admin_page(
        S,
        rx.heading(t("Webhooks"), as_="h1", size="7"),
        rx.text(
            t(
                "Ticketapp POSTs signed JSON to these URLs when the events they chose happen, and retries for "
                "three days when they fail."
            ),
            color_scheme="gray",
        ),
        shell.feedback(S.message, S.message_is_error),
        _secret(),
        _form(),
        shell.admin_table(
            [msgid("Endpoint"), msgid("Events"), msgid("Status"), msgid("Deliveries"), msgid("Actions")],
            S.endpoints,
            _endpoint_row,
            empty=msgid("No endpoint yet: register one above."),
            label=t("Webhooks"),
        ),
        _log(),
        _widget(),
    )
