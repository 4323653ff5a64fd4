"""/admin/series (admins): event series — bulk-create dates after a preview; /admin/series/dates: one series' dates."""

from __future__ import annotations

import reflex as rx
from reflex.vars import ObjectVar

from ticketapp.components.admin import shell
from ticketapp.components.forms import checkbox_field, select_field, text_field, textarea_field
from ticketapp.i18n import msgid
from ticketapp.state.admin.series import AdminSeriesDatesState as D
from ticketapp.state.admin.series import AdminSeriesState as S
from ticketapp.state.locale import t

WEEKDAYS = [
    msgid("Monday"),
    msgid("Tuesday"),
    msgid("Wednesday"),
    msgid("Thursday"),
    msgid("Friday"),
    msgid("Saturday"),
    msgid("Sunday"),
]


def _field(label: str, name: str, **props: object) -> rx.Component:
    return text_field(t(label), f"series-{name}", name=name, default_value=S.draft.get(name, ""), **props)


def _weekdays() -> rx.Component:
    return rx.el.fieldset(
        rx.el.legend(t("Days of the week")),
        rx.hstack(
            *[
                checkbox_field(
                    t(day), f"series-day{n}", name=f"day{n}", default_checked=S.draft.get(f"day{n}", "") != ""
                )
                for n, day in enumerate(WEEKDAYS)
            ],
            spacing="4",
            wrap="wrap",
        ),
        class_name="fieldset",
    )


def _series_form() -> rx.Component:
    return rx.el.form(
        rx.heading(t("New series"), as_="h2", size="4"),
        rx.text(
            t("Every date is an event of its own: its seats, prices, sales window and status can be changed later."),
            size="2",
            color_scheme="gray",
        ),
        rx.grid(
            _field(msgid("Title"), "title", required=True, max_length=200),
            select_field(
                t("Category"),
                "series-category",
                rx.foreach(S.categories, lambda c: rx.el.option(c["label"], value=c["value"])),
                name="category",
                default_value=S.draft.get("category", "theatre"),
            ),
            select_field(
                t("Venue"),
                "series-venue_id",
                rx.foreach(S.venues, lambda v: rx.el.option(v["name"], value=v["id"])),
                name="venue_id",
                default_value=S.draft.get("venue_id", ""),
            ),
            _field(msgid("Currency"), "currency", required=True, max_length=3, placeholder="EUR"),
            _field(msgid("First day"), "first_day", type="date", required=True),
            _field(msgid("Last day"), "last_day", type="date", required=True),
            _field(msgid("Start time (venue time)"), "start_time", type="time", required=True),
            _field(msgid("Duration (minutes)"), "duration", type="number", min="1", required=True),
            columns=rx.breakpoints(initial="1", sm="2", md="4"),
            spacing="3",
            width="100%",
        ),
        _weekdays(),
        rx.grid(
            textarea_field(
                t("Days to skip (dates like 2027-03-09, separated by commas)"),
                "series-skip",
                name="skip",
                default_value=S.draft.get("skip", ""),
                rows="2",
            ),
            textarea_field(
                t("Ticket types, one a line: name; price; capacity (per date)"),
                "series-types",
                name="types",
                default_value=S.draft.get("types", ""),
                placeholder="Stalls; 30; 120",
                rows="3",
                required=True,
            ),
            textarea_field(
                t("Description"), "series-description", name="description", default_value=S.draft.get("description", "")
            ),
            columns=rx.breakpoints(initial="1", md="3"),
            spacing="3",
            width="100%",
        ),
        checkbox_field(
            t("Put the dates on sale at once"),
            "series-publish",
            name="publish",
            default_checked=S.draft.get("publish", "") != "",
        ),
        rx.button(t("Preview dates"), type="submit", margin_top="0.75rem"),
        on_submit=S.preview,
        # Remounted (fields back to the draft) only when the draft changes: a refused preview keeps what was typed,
        # a created series empties the form; the list loading under a half-typed form leaves it alone.
        key=S.draft.get("title", ""),
        aria_label=t("New series"),
        width="100%",
    )


def _preview_item(item: ObjectVar[dict[str, str]]) -> rx.Component:
    return rx.el.li(
        rx.cond(item["month"] != "", rx.heading(item["month"], as_="h4", size="2", margin_top="0.5rem")),
        rx.text(item["label"], size="2"),
        list_style="none",
    )


def _preview() -> rx.Component:
    return rx.cond(
        S.preview_count != "",
        rx.el.section(
            rx.heading(t("Preview"), as_="h3", size="4", id="series-preview-heading"),
            rx.text(S.preview_count, weight="bold", role="status"),
            rx.el.ul(
                rx.foreach(S.preview_dates, _preview_item),
                padding="0",
                margin="0",
                max_height="18rem",
                overflow_y="auto",
                tab_index=0,
                aria_labelledby="series-preview-heading",
            ),
            rx.hstack(
                rx.button(t("Create these dates"), on_click=S.create),
                rx.button(t("Change the form"), variant="soft", on_click=S.discard_preview),
                spacing="3",
                margin_top="0.75rem",
            ),
            aria_labelledby="series-preview-heading",
            width="100%",
            padding="1rem",
            border="1px solid var(--gray-a6)",
            border_radius="8px",
        ),
    )


def _series_row(row: ObjectVar[dict[str, str]]) -> rx.Component:
    return rx.el.tr(
        rx.el.td(rx.link(rx.el.bdi(row["title"]), href=row["href"])),
        rx.el.td(row["dates"]),
        rx.el.td(row["first"]),
        rx.el.td(row["last"]),
    )


@shell.admin_route("/admin/series", "Event series", S)
def series_page() -> rx.Component:
    return shell.admin_page(
        S,
        shell.page_heading(t("Event series")),
        rx.text(t("A show with many dates: weekly classes, a theatre run, a tour."), color_scheme="gray"),
        _series_form(),
        shell.feedback(S.message, S.message_is_error),
        _preview(),
        rx.heading(t("Series"), as_="h2", size="5"),
        shell.admin_table(
            [msgid("Title"), msgid("Dates"), msgid("First date"), msgid("Last date")],
            S.rows,
            _series_row,
            empty=msgid("No series yet."),
            label=t("Event series"),
        ),
        shell.pager(S),
    )


def _date_row(row: ObjectVar[dict[str, str]]) -> rx.Component:
    return rx.el.tr(
        rx.el.td(row["date"]),
        rx.el.td(row["status"]),
        rx.el.td(row["sold"]),
        rx.el.td(
            rx.hstack(
                rx.link(t("Edit"), href=row["edit"], aria_label=t("Edit") + " " + row["date"]),
                rx.link(t("View"), href=row["view"], aria_label=t("View") + " " + row["date"]),
                spacing="3",
            )
        ),
    )


@shell.admin_route("/admin/series/dates", msgid("Series dates"), D)
def series_dates_page() -> rx.Component:
    return shell.admin_page(
        D,
        rx.link(t("← All series"), href="/admin/series", size="2"),
        rx.cond(
            D.found,
            rx.fragment(
                shell.page_heading(rx.el.bdi(D.title)),
                rx.text(
                    t("Each date is an event: edit it to change its seats, prices, sales window or status."),
                    color_scheme="gray",
                ),
                shell.admin_table(
                    [msgid("Date"), msgid("Status"), msgid("Sold"), msgid("Actions")],
                    D.rows,
                    _date_row,
                    empty=msgid("This series has no dates."),
                    label=t("Dates"),
                ),
                shell.pager(D),
            ),
            rx.text(t("Series not found."), role="alert"),
        ),
    )
