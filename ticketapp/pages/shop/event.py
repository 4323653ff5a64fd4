"""One event: details, venue and ticket types."""

from __future__ import annotations

import reflex as rx
from reflex.vars import ObjectVar

from ticketapp.components.copy import share_button
from ticketapp.components.event_card import event_image
from ticketapp.components.forms import select_field, text_field
from ticketapp.components.layout import page_layout
from ticketapp.components.prices import approx_price, tax_note
from ticketapp.state.locale import t
from ticketapp.state.shop.catalog import EventPageState
from ticketapp.state.shop.waitlist import WaitlistJoinState as W


def _buy_controls(ticket_type: ObjectVar[dict[str, str]]) -> rx.Component:
    control_id = "quantity-" + ticket_type["id"]
    return rx.hstack(
        rx.el.label(ticket_type["quantity_label"], html_for=control_id, class_name="visually-hidden"),
        # A select offers exactly the quantities that can be bought (1 … min(left, max per order)).
        rx.el.select(
            rx.foreach(ticket_type["options"].split(","), lambda n: rx.el.option(n, value=n)),
            id=control_id,
            value=EventPageState.quantities[ticket_type["id"]],  # type: ignore[index]  # a state dict read as a Var
            on_change=lambda value: EventPageState.set_quantity(ticket_type["id"], value),
            class_name="field field-quantity",
        ),
        rx.button(
            t("Add to cart"),
            aria_label=ticket_type["add_label"],
            on_click=EventPageState.add_to_cart(ticket_type["id"]),
        ),
        align="center",
        spacing="2",
    )


def _ticket_type_row(ticket_type: ObjectVar[dict[str, str]]) -> rx.Component:
    return rx.el.li(
        rx.hstack(
            rx.vstack(
                rx.text(rx.el.bdi(ticket_type["name"]), weight="bold"),
                rx.text(rx.el.bdi(ticket_type["description"]), size="2", color_scheme="gray"),
                rx.text(ticket_type["status"], size="2", weight="medium"),
                spacing="0",
                align="start",
            ),
            rx.spacer(),
            rx.vstack(
                rx.text(ticket_type["price"], weight="bold"),
                approx_price(ticket_type["approx"]),
                tax_note(ticket_type["tax"]),
                spacing="0",
                align="end",
            ),
            rx.cond(ticket_type["can_buy"] != "", _buy_controls(ticket_type)),
            rx.cond(
                ticket_type["can_wait"] != "",
                rx.button(
                    t("Join the waiting list"),
                    variant="soft",
                    aria_label=ticket_type["wait_label"],
                    on_click=W.open(ticket_type["id"]),
                ),
            ),
            align="center",
            spacing="4",
            width="100%",
            padding_top="0.75rem",
            wrap="wrap",
        ),
        # The outcome of "Add to cart" right under its button (on a phone the list's end may be screens away).
        _feedback(ticket_type["id"]),
        padding_bottom="0.75rem",
        border_bottom="1px solid var(--gray-a4)",
        list_style="none",
    )


def _waitlist_form() -> rx.Component:
    """Shown under the tickets once a buyer asks for a sold-out type's waiting list."""
    return rx.el.form(
        rx.heading(t("Waiting list") + ": " + W.type_name, as_="h3", size="4"),
        rx.text(t("When tickets come back, we hold them for you and e-mail you a link to buy them."), size="2"),
        rx.grid(
            text_field(t("E-mail"), "waitlist-email", name="email", type="email", required=True, default_value=W.email),
            select_field(
                t("Number of tickets"),
                "waitlist-quantity",
                rx.foreach(W.quantities, lambda n: rx.el.option(n, value=n)),
                name="quantity",
            ),
            select_field(
                t("Language of the e-mails"),
                "waitlist-lang",
                rx.foreach(W.languages, lambda lang: rx.el.option(lang["name"], value=lang["code"])),
                name="lang",
                default_value=W.lang,
            ),
            columns=rx.breakpoints(initial="1", sm="3"),
            spacing="3",
            width="100%",
        ),
        rx.hstack(
            rx.button(t("Join the waiting list"), type="submit"),
            rx.button(t("Cancel"), type="button", variant="soft", on_click=W.close),
            spacing="3",
            margin_top="0.75rem",
        ),
        on_submit=W.join,
        key=W.type_id + ":" + W.email,
        aria_label=t("Waiting list"),
        width="100%",
        padding_y="0.75rem",
    )


def _waitlist_feedback() -> rx.Component:
    return rx.box(
        rx.cond(
            W.message != "",
            rx.callout(
                W.message,
                icon=rx.cond(W.message_is_error, "triangle_alert", "check"),
                color_scheme=rx.cond(W.message_is_error, "red", "green"),
            ),
        ),
        role="status",
        aria_live="polite",
        width="100%",
    )


def _feedback(about: rx.Var[str] | str = "") -> rx.Component:
    """The last message about ticket type `about` ("" = the page: a promo code link)."""
    return rx.box(
        rx.cond(
            (EventPageState.feedback != "") & (EventPageState.feedback_for == about),
            rx.cond(
                EventPageState.feedback_is_error,
                rx.callout(EventPageState.feedback, icon="triangle_alert", color_scheme="red"),
                rx.callout(
                    rx.hstack(rx.text(EventPageState.feedback), rx.link(t("View cart"), href="/cart"), spacing="3"),
                    icon="check",
                    color_scheme="green",
                ),
            ),
        ),
        role="status",
        aria_live="polite",
        width="100%",
        padding_top="0.5rem",
        id="feedback-" + about if isinstance(about, str) else "feedback-" + about.to(str),
        class_name="add-feedback",
    )


def _code_box() -> rx.Component:
    """A promo code typed here waits in the cart, and shows the hidden ticket types it unlocks."""
    return rx.cond(
        ~EventPageState.is_past & ~EventPageState.is_cancelled,
        rx.el.form(
            rx.hstack(
                text_field(t("Promo code"), "event-code", max_length=40, auto_complete="off", width="14rem"),
                rx.button(t("Apply"), type="submit", variant="soft"),
                align="end",
                spacing="2",
                wrap="wrap",
            ),
            on_submit=EventPageState.enter_code,
            reset_on_submit=True,
            aria_label=t("Promo code"),
            padding_top="0.75rem",
        ),
    )


def _sale_notice() -> rx.Component:
    return rx.cond(
        EventPageState.is_cancelled,
        rx.callout(t("This event has been cancelled."), icon="triangle_alert", color_scheme="red"),
        rx.cond(
            EventPageState.is_past,
            rx.callout(t("This event has already taken place."), icon="info", color_scheme="gray"),
            rx.fragment(),
        ),
    )


def _actions() -> rx.Component:
    """Map, calendar and share: what a buyer does with an event besides booking it."""
    return rx.hstack(
        rx.link(
            rx.hstack(
                rx.icon("map-pin", aria_hidden="true", size=16),
                t("Map (OpenStreetMap)"),
                rx.el.span(" ", t("(opens in a new tab)"), class_name="visually-hidden"),
                spacing="1",
            ),
            href=EventPageState.map_url,
            is_external=True,
            rel="noopener noreferrer",
        ),
        rx.link(
            rx.hstack(rx.icon("calendar-plus", aria_hidden="true", size=16), t("Add to calendar"), spacing="1"),
            href=EventPageState.calendar_url,
            reload_document=True,  # a file from our HTTP route, not a page of the app
            download="",
        ),
        share_button(),
        spacing="4",
        align="center",
        wrap="wrap",
    )


def _date_item(item: ObjectVar[dict[str, str]]) -> rx.Component:
    """One date: a link to its page (its own ticket types), sold-out and cancelled dates marked."""
    return rx.el.li(
        rx.cond(
            item["month"] != "",
            rx.heading(item["month"], as_="h3", size="3", margin_top="0.75rem", class_name="series-month"),
        ),
        rx.cond(
            item["current"] != "",
            rx.hstack(
                rx.text(rx.el.time(item["label"]), weight="bold"),
                rx.badge(t("Selected"), variant="solid"),
                rx.cond(item["status"] != "", rx.badge(item["status"], color_scheme="red", variant="soft")),
                aria_current="date",
                spacing="2",
                align="center",
                wrap="wrap",
            ),
            rx.hstack(
                rx.link(rx.el.time(item["label"]), href=item["href"], aria_label=item["aria"]),
                rx.cond(item["status"] != "", rx.badge(item["status"], color_scheme="red", variant="soft")),
                spacing="2",
                align="center",
                wrap="wrap",
            ),
        ),
        list_style="none",
        padding_y="0.25rem",
    )


def _date_picker() -> rx.Component:
    """A series' dates, by month: choosing one opens its page with its ticket types."""
    return rx.el.section(
        rx.heading(t("Choose a date"), as_="h2", size="5", id="dates-heading"),
        rx.el.ul(
            rx.foreach(EventPageState.dates, _date_item),
            padding="0",
            margin="0",
            max_height="22rem",
            overflow_y="auto",
            tab_index=0,
            aria_labelledby="dates-heading",
        ),
        aria_labelledby="dates-heading",
        width="100%",
    )


def _details() -> rx.Component:
    return rx.vstack(
        rx.link(t("← All events"), href=EventPageState.back_href, size="2"),
        event_image(EventPageState.image_url, EventPageState.title, large=True),
        rx.badge(EventPageState.category, variant="soft"),
        rx.heading(rx.el.bdi(EventPageState.title), as_="h1", size="8"),
        rx.text(rx.el.time(EventPageState.date), size="4"),
        rx.el.address(
            rx.text(rx.el.bdi(EventPageState.venue_name), weight="bold"),
            rx.text(rx.el.bdi(EventPageState.venue_address), color_scheme="gray"),
            font_style="normal",
        ),
        _actions(),
        _sale_notice(),
        # <bdi>: the event's own text keeps its direction (English inside an Arabic page) but the page's alignment.
        rx.text(rx.el.bdi(EventPageState.description)),
        rx.cond(EventPageState.dates.length() > 0, _date_picker()),
        rx.el.section(
            rx.heading(t("Tickets"), as_="h2", size="5", id="tickets-heading"),
            rx.el.ul(rx.foreach(EventPageState.ticket_types, _ticket_type_row), padding="0", margin="0"),
            _feedback(),
            _code_box(),
            rx.cond(W.type_id != "", _waitlist_form()),
            _waitlist_feedback(),
            aria_labelledby="tickets-heading",
            width="100%",
        ),
        spacing="3",
        align="start",
        width="100%",
    )


def _not_found() -> rx.Component:
    return rx.vstack(
        rx.heading(t("Event not found"), as_="h1", size="7"),
        rx.text(t("This event does not exist or is not on sale.")),
        rx.link(t("See all events"), href="/"),
        spacing="3",
    )


@rx.page(route="/events/[slug]", title=EventPageState.page_title, on_load=[EventPageState.load])
def event_page() -> rx.Component:
    return page_layout(
        rx.cond(
            EventPageState.loaded,
            rx.cond(EventPageState.found, _details(), _not_found()),
            rx.center(rx.spinner(size="3"), role="status", aria_label=t("Loading…"), padding="2rem"),
        ),
        on_language_change=[EventPageState.load],
    )
