"""Administrators' editors for canned replies and FAQ entries (shown in the agent panel)."""

from __future__ import annotations

import reflex as rx
from reflex.vars import ObjectVar, StringVar

from ticketapp.components.forms import select_field, text_field, textarea_field
from ticketapp.components.layout import LANGUAGES
from ticketapp.state.locale import t
from ticketapp.state.support.admin import SupportAdminState as Admin


def _language_field(select_id: str, value: rx.Var[str], name: str) -> rx.Component:
    return select_field(
        t("Language"),
        select_id,
        [rx.el.option(label, value=code, lang=code) for code, label in LANGUAGES],
        value=value,
        on_change=lambda v: Admin.set_field(name, v),
    )


def _row(
    item: ObjectVar[dict[str, str]], label: StringVar[str], on_edit: rx.EventHandler, on_delete: rx.EventHandler
) -> rx.Component:
    return rx.el.li(
        rx.hstack(
            rx.text(rx.el.strong("[", item["locale"], "] "), label, flex="1"),
            rx.button(
                t("Edit"), size="1", variant="soft", on_click=on_edit(item["id"]), aria_label=t("Edit") + " " + label
            ),
            rx.button(
                t("Delete"),
                size="1",
                color_scheme="red",
                variant="soft",
                on_click=on_delete(item["id"]),
                aria_label=t("Delete") + " " + label,
            ),
            align="center",
        ),
        padding_y="0.25rem",
    )


def _canned_editor() -> rx.Component:
    return rx.vstack(
        rx.heading(t("Canned replies"), as_="h3", size="4"),
        rx.el.ul(rx.foreach(Admin.canned, lambda r: _row(r, r["title"], Admin.edit_canned, Admin.delete_canned))),
        text_field(
            t("Title"),
            "canned-title",
            value=Admin.canned_title,
            on_change=lambda v: Admin.set_field("canned_title", v),
        ),
        _language_field("canned-locale", Admin.canned_locale, "canned_locale"),
        textarea_field(
            t("Text"),
            "canned-body",
            value=Admin.canned_body,
            rows=3,
            on_change=lambda v: Admin.set_field("canned_body", v),
        ),
        rx.button(t("Save canned reply"), on_click=Admin.save_canned),
        align="stretch",
        flex="1",
    )


def _faq_editor() -> rx.Component:
    return rx.vstack(
        rx.heading(t("FAQ"), as_="h3", size="4"),
        rx.el.ul(rx.foreach(Admin.faq, lambda f: _row(f, f["question"], Admin.edit_faq, Admin.delete_faq))),
        text_field(
            t("Question"),
            "faq-question",
            value=Admin.faq_question,
            on_change=lambda v: Admin.set_field("faq_question", v),
        ),
        textarea_field(
            t("Answer"),
            "faq-answer",
            value=Admin.faq_answer,
            rows=3,
            on_change=lambda v: Admin.set_field("faq_answer", v),
        ),
        _language_field("faq-locale", Admin.faq_locale, "faq_locale"),
        text_field(
            t("Position"),
            "faq-position",
            type="number",
            value=Admin.faq_position,
            on_change=lambda v: Admin.set_field("faq_position", v),
        ),
        rx.button(t("Save FAQ entry"), on_click=Admin.save_faq),
        align="stretch",
        flex="1",
    )


def support_admin_section() -> rx.Component:
    return rx.cond(
        Admin.loaded & ~Admin.forbidden,
        rx.el.section(
            rx.heading(t("Canned replies and FAQ"), as_="h2", size="5", id="support-admin-title"),
            rx.box(rx.cond(Admin.message != "", rx.text(Admin.message, weight="medium")), role="status"),
            rx.flex(_canned_editor(), _faq_editor(), gap="6", direction=rx.breakpoints(initial="column", md="row")),
            aria_labelledby="support-admin-title",
        ),
    )
