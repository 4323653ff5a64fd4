"""/admin/invoicing (admins): the organiser's invoice details, the tax report with CSV, a corrected invoice."""

from __future__ import annotations

import reflex as rx
from reflex.vars import ObjectVar

from ticketapp.components.admin import shell
from ticketapp.components.forms import text_field, textarea_field
from ticketapp.i18n import msgid
from ticketapp.state.admin.invoicing import AdminInvoicingState as S
from ticketapp.state.locale import t


def _settings_form() -> rx.Component:
    return rx.el.form(
        rx.heading(t("Invoice details"), as_="h2", size="5"),
        rx.grid(
            text_field(
                t("Legal name"), "inv-legal-name", name="legal_name", default_value=S.form.get("legal_name", ""),
                key=S.form.get("legal_name", ""), max_length=200, required=True,
            ),
            text_field(
                t("VAT id"), "inv-vat-id", name="vat_id", default_value=S.form.get("vat_id", ""),
                key=S.form.get("vat_id", ""), max_length=20,
                hint=t("With its country prefix, e.g. FR12345678901 (format check only, no online check)."),
            ),
            text_field(
                t("Number prefix"), "inv-prefix", name="prefix", default_value=S.form.get("prefix", ""),
                key=S.form.get("prefix", ""), max_length=12, required=True,
                hint=t("Invoices and credit notes share one gap-free sequence per prefix, e.g. INV-000042."),
            ),
            columns=rx.breakpoints(initial="1", md="3"),
            spacing="3",
            width="100%",
        ),
        textarea_field(
            t("Address"), "inv-address", name="address", default_value=S.form.get("address", ""),
            key=S.form.get("address", ""), rows=3, max_length=500,
        ),
        textarea_field(
            t("Invoice footer"), "inv-footer", name="footer", default_value=S.form.get("footer", ""),
            key=S.form.get("footer", ""), rows=2, max_length=500,
        ),
        rx.button(t("Save invoice details"), type="submit", margin_top="0.75rem"),
        on_submit=S.save_settings,
        reset_on_submit=False,
        aria_label=t("Invoice details"),
        width="100%",
    )  # fmt: skip


def _report_row(row: ObjectVar[dict[str, str]]) -> rx.Component:
    return rx.el.tr(
        rx.el.td(row["currency"]),
        rx.el.td(row["rate"]),
        rx.el.td(row["reverse"]),
        rx.el.td(row["documents"]),
        rx.el.td(row["net"]),
        rx.el.td(row["tax"]),
        rx.el.td(row["gross"]),
    )


def _report() -> rx.Component:
    return rx.el.section(
        rx.heading(t("Tax report"), as_="h2", size="5", id="tax-report-heading"),
        rx.text(
            t("Invoices count positive and credit notes negative, in the period they were issued (UTC dates)."),
            color_scheme="gray",
            size="2",
        ),
        rx.el.form(
            rx.hstack(
                text_field(t("From"), "report-start", name="start", type="date", default_value=S.start, key=S.start),
                text_field(t("To"), "report-end", name="end", type="date", default_value=S.end, key=S.end),
                rx.button(t("Show report"), type="submit"),
                align="end",
                wrap="wrap",
                spacing="3",
            ),
            on_submit=S.show_report,
            reset_on_submit=False,
            aria_label=t("Tax report period"),
        ),
        rx.cond(
            S.report_shown,
            rx.vstack(
                shell.admin_table(
                    [
                        msgid("Currency"),
                        msgid("VAT rate"),
                        msgid("Reverse charge"),
                        msgid("Documents"),
                        msgid("Net"),
                        msgid("VAT"),
                        msgid("Gross"),
                    ],
                    S.report_rows,
                    _report_row,
                    empty=msgid("No invoices or credit notes in this period."),
                    label=t("Tax report"),
                ),
                rx.link(t("Download the tax report (CSV)"), href=S.csv_href, reload_document=True, download=""),
                width="100%",
            ),
        ),
        aria_labelledby="tax-report-heading",
        width="100%",
    )


def _correction_form() -> rx.Component:
    return rx.el.details(
        rx.el.summary(t("Correct an invoice's company or address")),
        rx.el.form(
            rx.text(
                t("A corrected invoice is a new invoice with its own number; the earlier one gets a credit note."),
                size="2",
                color_scheme="gray",
            ),
            text_field(t("Order code"), "fix-order", name="order", max_length=16, required=True),
            text_field(t("Company name"), "fix-company", name="company", max_length=200, required=True),
            textarea_field(t("Billing address"), "fix-address", name="address", rows=3, max_length=500),
            text_field(t("VAT id (optional)"), "fix-vat", name="vat_id", max_length=20),
            rx.button(t("Issue corrected invoice"), type="submit", margin_top="0.75rem"),
            on_submit=S.regenerate,
            reset_on_submit=False,
            aria_label=t("Correct an invoice's company or address"),
            width="100%",
        ),
        width="100%",
    )


@shell.admin_route("/admin/invoicing", "Invoicing", S)
def invoicing_page() -> rx.Component:
    return shell.admin_page(
        S,
        rx.heading(t("Invoicing"), as_="h1", size="7"),
        shell.feedback(S.message, S.message_is_error),
        _settings_form(),
        _report(),
        _correction_form(),
    )
