"""/admin/rates (admins): exchange rates per euro for approximate prices; edit, add, remove, import a file."""

from __future__ import annotations

import reflex as rx
from reflex.vars import ObjectVar

from ticketapp.components.admin import shell
from ticketapp.components.forms import text_field, textarea_field
from ticketapp.i18n import msgid
from ticketapp.state.admin.rates import AdminRatesState
from ticketapp.state.locale import t


def _rate_row(row: ObjectVar[dict[str, str]]) -> rx.Component:
    return rx.el.tr(
        rx.el.td(row["currency"]),
        rx.el.td(row["rate"]),
        rx.el.td(row["as_of"]),
        rx.el.td(rx.cond(row["stale"] != "", rx.badge(row["age"], color_scheme="amber"), rx.text(row["age"]))),
        rx.el.td(row["source"]),
        rx.el.td(
            shell.confirm_button(
                t("Remove"), t("Remove this rate?"), row["currency"], AdminRatesState.remove(row["currency"])
            )
        ),
    )


def _rate_form() -> rx.Component:
    return rx.el.form(
        rx.grid(
            text_field(t("Currency (ISO code)"), "rate-currency", name="currency", required=True, max_length=3),
            text_field(t("Units per euro"), "rate-value", name="rate", required=True, max_length=20),
            text_field(t("Rate date"), "rate-date", name="as_of", type="date", required=True),
            columns=rx.breakpoints(initial="1", sm="3"),
            spacing="3",
            width="100%",
        ),
        rx.button(t("Save rate"), type="submit", margin_top="0.75rem"),
        on_submit=AdminRatesState.save,
        reset_on_submit=True,
        aria_label=t("Set a rate"),
        width="100%",
    )


def _import_form() -> rx.Component:
    return rx.el.details(
        rx.el.summary(t("Import a rate file")),
        rx.el.form(
            textarea_field(
                t("Rate file (CSV with the columns currency, per_eur, as_of)"), "rates-file", name="rates", rows="6"
            ),
            rx.button(t("Import"), type="submit", margin_top="0.75rem"),
            on_submit=AdminRatesState.import_file,
            reset_on_submit=True,
            aria_label=t("Import a rate file"),
            width="100%",
        ),
        width="100%",
    )


@shell.admin_route("/admin/rates", "Exchange rates", AdminRatesState)
def rates_page() -> rx.Component:
    return shell.admin_page(
        AdminRatesState,
        rx.heading(t("Exchange rates"), as_="h1", size="7"),
        rx.text(
            t(
                "Visitors who choose another currency see approximate prices converted with these rates; "
                "they always pay in the event's currency."
            ),
            color_scheme="gray",
        ),
        rx.cond(
            AdminRatesState.stale_count > 0,
            rx.callout(
                t("Some rates are older than the limit: prices converted with them show the rates' date."),
                icon="clock",
                color_scheme="amber",
            ),
        ),
        _rate_form(),
        _import_form(),
        shell.feedback(AdminRatesState.message, AdminRatesState.message_is_error),
        shell.admin_table(
            [msgid("Currency"), msgid("Per euro"), msgid("Rate date"), msgid("Age"), msgid("Source"), msgid("Actions")],
            AdminRatesState.rows,
            _rate_row,
            empty=msgid("No exchange rates: visitors see prices in the event's currency only."),
            label=t("Exchange rates"),
        ),
    )
