"""/admin/events and /admin/events/edit."""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex.vars import NumberVar, ObjectVar

from ticketapp.components.admin import shell
from ticketapp.components.forms import checkbox_field, labelled_upload, select_field, text_field, textarea_field
from ticketapp.i18n import msgid
from ticketapp.i18n.languages import LANGUAGES
from ticketapp.services.catalog.events import CATEGORIES
from ticketapp.services.catalog.public import category_msgid
from ticketapp.state.admin.event_form import AdminEventFormState
from ticketapp.state.admin.events import STATUS_LABELS, AdminEventsState
from ticketapp.state.locale import colon, t


def _category_options() -> list[rx.Component]:
    return [rx.el.option(t(category_msgid(code)), value=code) for code in CATEGORIES]


def _filters() -> rx.Component:
    return shell.filter_grid(
        shell.search_field(t("Search"), "ev-text", AdminEventsState),
        select_field(
            t("Status"),
            "ev-status",
            shell.options([("", msgid("All statuses")), *STATUS_LABELS.items()]),
            value=AdminEventsState.status,
            on_change=AdminEventsState.set_status,
        ),
        select_field(
            t("Category"),
            "ev-category",
            [rx.el.option(t("All categories"), value=""), *_category_options()],
            value=AdminEventsState.category,
            on_change=AdminEventsState.set_category,
        ),
        text_field(
            t("Starting from"),
            "ev-from",
            type="date",
            value=AdminEventsState.starts_from,
            on_change=AdminEventsState.set_starts_from,
        ),
    )


def _actions(row: ObjectVar[dict[str, str]]) -> rx.Component:
    return rx.hstack(
        rx.link(t("Edit"), href="/admin/events/edit?id=" + row["id"]),
        rx.link(t("Questions"), href="/admin/events/questions?id=" + row["id"]),
        rx.link(t("Messages"), href="/admin/events/messages?id=" + row["id"]),
        rx.link(t("Door list"), href="/admin/events/door-list?id=" + row["id"]),
        rx.cond(
            row["status"] == "draft",
            shell.small_button(t("Publish"), AdminEventsState.publish(row["id"])),
        ),
        rx.cond(
            row["status"] == "published",
            shell.small_button(t("Unpublish"), AdminEventsState.unpublish(row["id"])),
        ),
        shell.small_button(t("Duplicate"), AdminEventsState.duplicate(row["id"]), color_scheme="gray"),
        rx.cond(
            row["status"] != "cancelled",
            shell.confirm_button(
                t("Cancel event"),
                t("Cancel this event?"),
                rx.vstack(
                    rx.text(row["title"], weight="bold"),
                    rx.text(t("The event goes off sale. This cannot be undone.")),
                    rx.el.label(
                        rx.checkbox(
                            checked=AdminEventsState.refund_on_cancel,
                            on_change=AdminEventsState.set_refund_on_cancel,
                            # Radix's checkbox is a button: the wrapping label does not name it for assistive tech.
                            aria_label=t("Refund every order and cancel unpaid ones"),
                        ),
                        " ",
                        t("Refund every order and cancel unpaid ones"),
                    ),
                ),
                AdminEventsState.cancel(row["id"]),
            ),
        ),
        spacing="2",
        wrap="wrap",
    )


def _event_row(row: ObjectVar[dict[str, str]]) -> rx.Component:
    return rx.el.tr(
        rx.el.td(row["title"], rx.el.br(), rx.text(row["category"], size="1", color_scheme="gray")),
        rx.el.td(row["date"]),
        rx.el.td(row["status_label"]),
        rx.el.td(row["sold"]),
        rx.el.td(row["ratio"]),
        rx.el.td(_actions(row)),
    )


@shell.admin_route("/admin/events", "Events", AdminEventsState)
def events_page() -> rx.Component:
    return shell.admin_page(
        AdminEventsState,
        # A link that looks like a button (a button inside a link is two nested controls).
        shell.page_heading(t("Events"), rx.button(rx.link(t("New event"), href="/admin/events/edit"), as_child=True)),
        _filters(),
        shell.feedback(AdminEventsState.message, AdminEventsState.message_is_error),
        shell.admin_table(
            [msgid("Event"), msgid("Date"), msgid("Status"), msgid("Sold"), msgid("Sell-through"), msgid("Actions")],
            AdminEventsState.rows,
            _event_row,
            empty=msgid("No events match these filters."),
        ),
        shell.pager(AdminEventsState),
    )


# The form's message region: a refused save marks the field it is about, described by this message.
EVENT_FORM_MESSAGE = "event-form-message"


def _marks(control_id: rx.Var[str] | str) -> dict[str, Any]:
    return {"invalid": AdminEventFormState.error_field == control_id, "error_id": EVENT_FORM_MESSAGE}


def _field(label: str, name: str, **props: Any) -> rx.Component:
    return text_field(
        t(label),
        f"ef-{name}",
        value=AdminEventFormState.form.get(name, ""),
        on_change=lambda v: AdminEventFormState.set_field(name, v),
        **_marks(f"ef-{name}"),
        **props,
    )


def _type_row(row: ObjectVar[dict[str, str]], index: NumberVar[int]) -> rx.Component:
    def cell(label: str, name: str, **props: Any) -> rx.Component:
        control_id = f"tt-{name}-" + index.to_string()
        return text_field(
            t(label),
            control_id,
            value=row[name],
            on_change=lambda v: AdminEventFormState.set_type_field(index, name, v),
            **_marks(control_id),
            **props,
        )

    return rx.el.fieldset(
        rx.el.legend(t("Ticket type"), " ", index + 1),
        rx.grid(
            cell(msgid("Name"), "name", max_length=120),
            cell(msgid("Price"), "price", input_mode="decimal"),
            cell(msgid("Capacity"), "capacity", input_mode="numeric"),
            cell(msgid("Max per order"), "max_per_order", input_mode="numeric"),
            cell(msgid("Sales start (local time)"), "sales_start", type="datetime-local"),
            cell(msgid("Sales end (local time)"), "sales_end", type="datetime-local"),
            cell(msgid("VAT rate (%)"), "tax_rate", input_mode="decimal", hint=t("e.g. 20 or 5.5; empty for no VAT")),
            select_field(
                t("VAT mode"),  # not "The price": "Price" must name one field of the row
                "tt-tax_mode-" + index.to_string(),
                [
                    rx.el.option(t("Included in the price"), value="included"),
                    rx.el.option(t("Added to the price"), value="added"),
                ],
                value=row["tax_mode"],
                on_change=lambda v: AdminEventFormState.set_type_field(index, "tax_mode", v),
            ),
            checkbox_field(
                t("Reverse charge for EU businesses from other member states"),
                "tt-reverse_charge-" + index.to_string(),
                checked=row["reverse_charge"] == "on",
                on_change=lambda v: AdminEventFormState.set_type_field(index, "reverse_charge", rx.cond(v, "on", "")),
            ),
            checkbox_field(
                t("Hidden: shown and sold only with a promo code that unlocks it"),
                "tt-hidden-" + index.to_string(),
                checked=row["hidden"] == "on",
                on_change=lambda v: AdminEventFormState.set_type_field(index, "hidden", rx.cond(v, "on", "")),
            ),
            columns=rx.breakpoints(initial="1", sm="2", md="3"),
            spacing="2",
        ),
        rx.hstack(
            rx.text(t("Sold"), colon(), row["sold"], size="1"),
            rx.cond(
                row["sold"] == "0",
                shell.small_button(t("Remove"), AdminEventFormState.remove_type(index), color_scheme="tomato"),
            ),
            align="center",
            spacing="3",
            margin_top="0.5rem",
        ),
        class_name="ticket-type-fieldset",
    )


def _check(name: str, label: str) -> rx.Component:
    return rx.el.label(
        rx.checkbox(
            checked=AdminEventFormState.form.get(name, "") == "on",
            on_change=lambda v: AdminEventFormState.set_field(name, rx.cond(v, "on", "")),
            aria_label=t(label),
        ),
        " ",
        t(label),
        # Clear of the fields above: a 16 px box needs 24 px of free space around it (WCAG 2.5.8, axe target-size).
        display="block",
        margin_top="0.75rem",
    )


def _choice(label: str, name: str, options: list[tuple[str, str]]) -> rx.Component:
    return select_field(
        t(label),
        f"ef-{name}",
        [rx.el.option(t(text), value=value) for value, text in options],
        value=AdminEventFormState.form.get(name, ""),
        on_change=lambda v: AdminEventFormState.set_field(name, v),
    )


def _self_service() -> rx.Component:
    """The buyer self-service rules: refund requests and ticket transfers (services/orders/self_service.py)."""
    return rx.el.fieldset(
        rx.el.legend(t("Refunds and transfers")),
        rx.grid(
            _choice(
                msgid("Refund requests"),
                "refund_mode",
                [
                    ("none", msgid("Not offered")),
                    ("automatic", msgid("Refunded automatically")),
                    ("approval", msgid("Need my approval")),
                ],
            ),
            _field(msgid("Until how many days before the event"), "refund_days", input_mode="numeric"),
            _choice(
                msgid("Fee kept"), "refund_fee_kind", [("fixed", msgid("Fixed amount")), ("percent", msgid("Percent"))]
            ),
            _field(msgid("Fee (amount or %)"), "refund_fee", input_mode="decimal"),
            _field(msgid("Transfers per ticket (empty = no limit)"), "transfer_limit", input_mode="numeric"),
            columns=rx.breakpoints(initial="1", sm="2", md="3"),
            spacing="3",
            width="100%",
        ),
        _check("transfers", msgid("Buyers may transfer tickets to someone else")),
        class_name="ticket-type-fieldset",
        width="100%",
    )


def _language_options() -> list[rx.Component]:
    return [rx.el.option(language.native_name, value=language.code, lang=language.code) for language in LANGUAGES]


def _texts_in(code: str, native_name: str) -> rx.Component:
    """The title, description and ticket type names in one language other than the main one."""

    def type_name(row: ObjectVar[dict[str, str]], index: NumberVar[int]) -> rx.Component:
        return text_field(
            t("Ticket type") + " " + (index + 1).to_string() + f" ({native_name})",
            f"tt-name_{code}-" + index.to_string(),
            value=row[f"name_{code}"],
            placeholder=row["name"],
            on_change=lambda v: AdminEventFormState.set_type_field(index, f"name_{code}", v),
            max_length=120,
        )

    return rx.cond(
        AdminEventFormState.text_lang == code,
        rx.cond(
            AdminEventFormState.form.get("main_language", "") == code,
            rx.text(t("This is the main language: its texts are the title and description above."), size="2"),
            rx.vstack(
                text_field(
                    t("Title") + f" ({native_name})",
                    f"ef-title_{code}",
                    value=AdminEventFormState.form.get(f"title_{code}", ""),
                    on_change=lambda v: AdminEventFormState.set_field(f"title_{code}", v),
                    max_length=200,
                    lang=code,
                ),
                textarea_field(
                    t("Description") + f" ({native_name})",
                    f"ef-description_{code}",
                    rows=4,
                    value=AdminEventFormState.form.get(f"description_{code}", ""),
                    on_change=lambda v: AdminEventFormState.set_field(f"description_{code}", v),
                    lang=code,
                ),
                rx.foreach(AdminEventFormState.ticket_types, type_name),
                spacing="2",
                width="100%",
            ),
        ),
    )


def _translations() -> rx.Component:
    """Texts per language, one language at a time (a selector like tabs); empty fields show the main text."""
    return rx.el.fieldset(
        rx.el.legend(t("Other languages")),
        rx.text(
            t("Buyers see the texts in their language; an empty field shows the main language's text."),
            size="2",
            color_scheme="gray",
        ),
        select_field(
            t("Texts in"),
            "ef-text_lang",
            [rx.el.option(t("Choose a language"), value=""), *_language_options()],
            value=AdminEventFormState.text_lang,
            on_change=AdminEventFormState.set_text_lang,
        ),
        *[_texts_in(language.code, language.native_name) for language in LANGUAGES],
        class_name="ticket-type-fieldset",
        width="100%",
    )


def _form() -> rx.Component:
    return rx.el.form(
        rx.vstack(
            _field(msgid("Title"), "title", max_length=200, required=True),
            textarea_field(
                t("Description"),
                "ef-description",
                rows=5,
                value=AdminEventFormState.form.get("description", ""),
                on_change=lambda v: AdminEventFormState.set_field("description", v),
            ),
            rx.grid(
                select_field(
                    t("Main language"),
                    "ef-main_language",
                    _language_options(),
                    value=AdminEventFormState.form.get("main_language", ""),
                    on_change=lambda v: AdminEventFormState.set_field("main_language", v),
                    hint=t("The language of the title, description and ticket type names above."),
                    **_marks("ef-main_language"),
                ),
                select_field(
                    t("Category"),
                    "ef-category",
                    _category_options(),
                    value=AdminEventFormState.form.get("category", ""),
                    on_change=lambda v: AdminEventFormState.set_field("category", v),
                    **_marks("ef-category"),
                ),
                select_field(
                    t("Venue"),
                    "ef-venue",
                    rx.foreach(AdminEventFormState.venues, lambda v: rx.el.option(v["name"], value=v["id"])),
                    value=AdminEventFormState.form.get("venue_id", ""),
                    on_change=lambda v: AdminEventFormState.set_field("venue_id", v),
                    **_marks("ef-venue"),
                ),
                _field(msgid("Starts (local time)"), "starts_at", type="datetime-local", required=True),
                _field(msgid("Ends (local time)"), "ends_at", type="datetime-local", required=True),
                _field(msgid("Currency"), "currency", max_length=3),
                _field(msgid("Tickets per customer (empty = no limit)"), "cap", input_mode="numeric"),
                columns=rx.breakpoints(initial="1", sm="2", md="3"),
                spacing="3",
                width="100%",
            ),
            rx.text(
                t("Dates and times are the venue's local time"),
                " (",
                AdminEventFormState.venue_timezone,
                ").",
                size="2",
                color_scheme="gray",
            ),
            rx.el.label(
                rx.checkbox(
                    checked=AdminEventFormState.form.get("names", "") == "on",
                    on_change=lambda v: AdminEventFormState.set_field("names", rx.cond(v, "on", "")),
                    aria_label=t("Ask a name per ticket"),
                ),
                " ",
                t("Ask a name per ticket"),
            ),
            _self_service(),
            rx.heading(t("Ticket types"), as_="h2", size="4"),
            rx.foreach(AdminEventFormState.ticket_types, _type_row),
            rx.button(t("Add a ticket type"), type="button", variant="soft", on_click=AdminEventFormState.add_type),
            _translations(),
            shell.feedback(AdminEventFormState.message, AdminEventFormState.message_is_error, EVENT_FORM_MESSAGE),
            rx.button(t("Save event"), type="submit"),
            spacing="3",
            width="100%",
        ),
        on_submit=AdminEventFormState.save,
        aria_label=t("Event"),
        # The page's column is a start-aligned flex box: without a width the form shrinks and cuts the title.
        width="100%",
        class_name="admin-form",
    )


def _publication() -> rx.Component:
    status = AdminEventFormState.form.get("status", "")
    return rx.cond(
        AdminEventFormState.event_id != "",
        rx.hstack(
            rx.text(t("Status"), colon(), rx.text.strong(AdminEventFormState.status_label)),
            rx.cond(
                status == "draft",
                rx.button(t("Publish"), type="button", size="1", on_click=AdminEventFormState.publish),
            ),
            rx.cond(
                status == "published",
                shell.small_button(t("Unpublish"), AdminEventFormState.unpublish),
            ),
            rx.link(t("Checkout questions"), href="/admin/events/questions?id=" + AdminEventFormState.event_id),
            rx.link(t("E-mails and messages"), href="/admin/events/messages?id=" + AdminEventFormState.event_id),
            rx.link(t("Door list"), href="/admin/events/door-list?id=" + AdminEventFormState.event_id),
            align="center",
            wrap="wrap",
            spacing="3",
        ),
    )


def _image() -> rx.Component:
    return rx.cond(
        AdminEventFormState.event_id != "",
        rx.vstack(
            rx.heading(t("Image"), as_="h2", size="4"),
            rx.cond(
                AdminEventFormState.form.get("image_url", "") != "",
                rx.image(
                    src=AdminEventFormState.form.get("image_url", ""), alt=t("Current event image"), max_width="20rem"
                ),
            ),
            labelled_upload(
                t("Event image"),
                rx.text(t("Drop an image here or click to choose (PNG, JPEG, WebP or GIF, at most 5 MB)")),
                id="event-image",
                accept={
                    "image/png": [".png"],
                    "image/jpeg": [".jpg", ".jpeg"],
                    "image/webp": [".webp"],
                    "image/gif": [".gif"],
                },
                max_files=1,
                border="1px dashed var(--gray-a7)",
                padding="1rem",
            ),
            rx.button(
                t("Upload image"),
                type="button",
                on_click=AdminEventFormState.upload_image(rx.upload_files(upload_id="event-image")),
            ),
            spacing="2",
        ),
    )


@shell.admin_route("/admin/events/edit", "Edit event", AdminEventFormState)
def event_form_page() -> rx.Component:
    return shell.admin_page(
        AdminEventFormState,
        rx.heading(rx.cond(AdminEventFormState.event_id == "", t("New event"), t("Edit event")), as_="h1", size="7"),
        rx.cond(
            AdminEventFormState.found,
            rx.fragment(_publication(), _form(), _image()),
            rx.text(t("Event not found.")),
        ),
    )
