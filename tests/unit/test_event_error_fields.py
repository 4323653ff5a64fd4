"""A refused event save names the control it is about: the field, or the ticket type row that broke the rule."""

from __future__ import annotations

from ticketapp.state.admin.event_errors import event_error_field

FORM = {"title": "Gala", "currency": "EUR", "starts_at": "2031-06-01T19:00", "ends_at": "2031-06-01T23:00"}
GOOD = {"name": "Standard", "price": "25", "capacity": "100", "max_per_order": "10", "sales_start": "", "sales_end": ""}


def test_event_fields() -> None:
    assert event_error_field("The event must end after it starts.", FORM, [GOOD]) == "ef-ends_at"
    assert event_error_field("Please enter valid dates.", {**FORM, "starts_at": ""}, [GOOD]) == "ef-starts_at"
    assert event_error_field("Please enter whole numbers for capacities and limits.", {**FORM, "cap": "x"}, []) == (
        "ef-cap"
    )


def test_the_first_broken_ticket_type_row() -> None:
    rows = [GOOD, {**GOOD, "price": "lots"}, {**GOOD, "price": "-3", "capacity": "many"}]
    assert event_error_field("Please enter prices like 25 or 25.50.", FORM, rows) == "tt-price-1"
    assert event_error_field("Prices and capacities cannot be negative.", FORM, rows) == "tt-price-2"
    assert event_error_field("Please enter whole numbers for capacities and limits.", FORM, rows) == "tt-capacity-2"
    sales = {**GOOD, "sales_start": "2031-05-02T10:00", "sales_end": "2031-05-01T10:00"}
    assert event_error_field("Sales must end after they start.", FORM, [GOOD, sales]) == "tt-sales_end-1"
    assert event_error_field(
        "Each ticket type needs a name (at most 120 characters).", FORM, [{**GOOD, "name": " "}]
    ) == ("tt-name-0")


def test_a_refusal_about_no_one_field_names_none() -> None:
    assert event_error_field("Add at least one ticket type before publishing.", FORM, [GOOD]) == ""
