"""/admin/codes (admins): promo codes, their uses and the discounts they gave; create, edit, deactivate."""

from __future__ import annotations

import reflex as rx
from reflex.vars import ObjectVar

from ticketapp.components.admin import shell
from ticketapp.components.forms import select_field, text_field
from ticketapp.i18n import msgid
from ticketapp.state.admin.codes import AdminCodesState as S
from ticketapp.state.locale import t


def _code_row(row: ObjectVar[dict[str, str]]) -> rx.Component:
    return rx.el.tr(
        rx.el.td(
            rx.el.strong(row["code"]),
            rx.cond(row["sent_to"] != "", rx.text(row["sent_to"], size="1", color_scheme="gray", as_="p")),
        ),
        rx.el.td(row["event"]),
        rx.el.td(row["kind"]),
        rx.el.td(row["uses"]),
        rx.el.td(row["discount"]),
        rx.el.td(row["revenue"]),
        rx.el.td(rx.badge(row["status"], color_scheme=rx.cond(row["active"] != "", "green", "gray"))),
        rx.el.td(
            rx.hstack(
                shell.small_button(t("Edit"), on_click=S.edit(row["id"]), aria_label=t("Edit") + " " + row["code"]),
                rx.link(t("Sales"), href=row["analytics"], aria_label=t("Sales with") + " " + row["code"], size="2"),
                rx.cond(
                    row["active"] != "",
                    shell.confirm_button(
                        t("Deactivate"), t("Deactivate this code?"), row["code"], S.set_active(row["id"], False)
                    ),
                    shell.small_button(
                        t("Activate"),
                        on_click=S.set_active(row["id"], True),
                        aria_label=t("Activate") + " " + row["code"],
                    ),
                ),
                spacing="2",
            )
        ),
    )


def _field(label: str, name: str, **props: object) -> rx.Component:
    return text_field(t(label), f"code-{name}", name=name, default_value=S.draft.get(name, ""), **props)


def _code_form() -> rx.Component:
    return rx.el.form(
        rx.heading(rx.cond(S.editing != "", t("Edit the code"), t("New promo code")), as_="h2", size="4"),
        rx.grid(
            _field(msgid("Code"), "code", required=True, max_length=40, auto_complete="off"),
            select_field(
                t("Event"),
                "code-event_id",
                [
                    rx.el.option(t("All events"), value=""),
                    rx.foreach(S.events, lambda e: rx.el.option(e["title"], value=e["id"])),
                ],
                name="event_id",
                default_value=S.draft.get("event_id", ""),
            ),
            select_field(
                t("Discount"),
                "code-kind",
                rx.foreach(S.kinds, lambda k: rx.el.option(k["label"], value=k["value"])),
                name="kind",
                default_value=S.draft.get("kind", "percent_off"),
            ),
            _field(msgid("Value (percentage, or amount in the event's currency)"), "value", required=True),
            _field(msgid("Only these ticket type numbers (comma-separated; empty for all)"), "ticket_type_ids"),
            _field(
                msgid("Unlocks these hidden ticket types (names, comma-separated; empty for none)"),
                "unlocks_ticket_type_ids",
                auto_complete="off",
            ),
            _field(msgid("Maximum uses (empty for no limit)"), "max_uses", type="number", min="1"),
            _field(msgid("Maximum uses per buyer (empty for no limit)"), "max_uses_per_buyer", type="number", min="1"),
            _field(msgid("Minimum quantity"), "min_quantity", type="number", min="1"),
            _field(msgid("Valid from (UTC)"), "valid_from", type="datetime-local"),
            _field(msgid("Valid until (UTC)"), "valid_until", type="datetime-local"),
            rx.cond(
                S.editing == "",
                _field(
                    msgid("How many codes (more than 1: random codes that start with the code above)"),
                    "count",
                    type="number",
                    min="1",
                    max="1000",
                ),
            ),
            columns=rx.breakpoints(initial="1", sm="2", md="3"),
            spacing="3",
            width="100%",
        ),
        rx.hstack(
            rx.button(t("Save code"), type="submit"),
            rx.cond(S.editing != "", rx.button(t("Cancel"), type="button", variant="soft", on_click=S.cancel_edit)),
            spacing="3",
            margin_top="0.75rem",
        ),
        on_submit=S.save,
        # Remounted (so the fields take their starting values) when another code is edited or a save is refused.
        key=S.editing + ":" + S.draft.get("code", ""),
        aria_label=t("Promo code"),
        width="100%",
    )


def _mail_form() -> rx.Component:
    """Bulk e-mail: each pasted address gets one unsent code of a batch made by the bulk creation."""
    return rx.el.form(
        rx.heading(t("E-mail codes to a list"), as_="h2", size="4"),
        rx.text(
            t("Each address gets one unsent code of the batch, by e-mail, with a link to the event."),
            size="2",
            color_scheme="gray",
        ),
        rx.grid(
            text_field(
                t("Codes starting with"),
                "mail-prefix",
                name="prefix",
                required=True,
                max_length=40,
                auto_complete="off",
                default_value=S.mail_draft.get("prefix", ""),
                hint=t("The code you typed for the bulk creation, e.g. PARTNER"),
            ),
            select_field(
                t("Language of the e-mails"),
                "mail-lang",
                rx.foreach(S.languages, lambda lang: rx.el.option(lang["name"], value=lang["code"])),
                name="lang",
                default_value=S.mail_draft.get("lang", "en"),
            ),
            columns=rx.breakpoints(initial="1", sm="2"),
            spacing="3",
            width="100%",
        ),
        rx.el.label(t("E-mail addresses (one per line, or separated by commas)"), html_for="mail-addresses"),
        rx.text_area(
            id="mail-addresses",
            name="addresses",
            required=True,
            rows="5",
            default_value=S.mail_draft.get("addresses", ""),
            width="100%",
        ),
        rx.button(t("Send the codes"), type="submit", margin_top="0.75rem"),
        on_submit=S.mail_codes,
        key="mail:" + S.mail_draft.get("addresses", ""),
        aria_label=t("E-mail codes to a list"),
        width="100%",
        margin_top="1.5rem",
    )


@shell.admin_route("/admin/codes", "Promo codes", S)
def codes_page() -> rx.Component:
    return shell.admin_page(
        S,
        shell.page_heading(t("Promo codes"), rx.button(t("Export CSV"), variant="soft", on_click=S.export_csv)),
        rx.text(
            t("A use is one order placed with the code; an order that expires or is cancelled gives its use back."),
            color_scheme="gray",
        ),
        _code_form(),
        _mail_form(),
        shell.feedback(S.message, S.message_is_error),
        shell.admin_table(
            [
                msgid("Code"),
                msgid("Event"),
                msgid("Discount"),
                msgid("Uses"),
                msgid("Discount given"),
                msgid("Revenue"),
                msgid("Status"),
                msgid("Actions"),
            ],
            S.rows,
            _code_row,
            empty=msgid("No promo codes yet."),
            label=t("Promo codes"),
        ),
    )
