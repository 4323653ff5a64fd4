"""Which control of the event form a refusal is about, so it is marked invalid, described by it and focused.

The services refuse with a message only (they know no form); the form's values show which field or which ticket
type row broke the rule. Ids as the page builds them: `ef-<field>` and `tt-<field>-<row>`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from ticketapp.services.shared.money import Money

Row = dict[str, str]

EVENT_FIELDS = {
    "Please enter a title (at most 200 characters).": "ef-title",
    "Please choose a category.": "ef-category",
    "Please choose a venue.": "ef-venue",
    "The event must end after it starts.": "ef-ends_at",
    "Please choose a currency.": "ef-currency",
    "The currency cannot change once tickets are sold.": "ef-currency",
    "The per-customer limit must be at least 1.": "ef-cap",
    "Please choose the event's main language.": "ef-main_language",
}


def _bad_moment(raw: str) -> bool:
    try:
        datetime.fromisoformat(raw)
    except ValueError:
        return True
    return False


def _bad_price(raw: str, currency: str) -> bool:
    try:
        Money.from_major(raw.strip().replace(",", ".") or "0", currency)
    except (ValueError, ArithmeticError):
        return True
    return False


def _not_whole(raw: str) -> bool:
    return bool(raw.strip()) and not raw.strip().isdigit()


def _type_checks(currency: str) -> dict[str, list[tuple[str, Callable[[Row], bool]]]]:
    """Per message: (field, does this row break it) in the order the row's fields are read."""
    return {
        "Each ticket type needs a name (at most 120 characters).": [
            ("name", lambda row: not row.get("name", "").strip() or len(row.get("name", "")) > 120)
        ],
        "Please enter prices like 25 or 25.50.": [("price", lambda row: _bad_price(row.get("price", ""), currency))],
        "Prices and capacities cannot be negative.": [("price", lambda row: row.get("price", "").strip()[:1] == "-")],
        "Please enter whole numbers for capacities and limits.": [
            ("capacity", lambda row: _not_whole(row.get("capacity", ""))),
            ("max_per_order", lambda row: _not_whole(row.get("max_per_order", ""))),
        ],
        "The per-order limit must be at least 1.": [
            (
                "max_per_order",
                lambda row: row.get("max_per_order", "").strip().isdigit() and not int(row["max_per_order"]),
            )
        ],
        "Sales must end after they start.": [
            ("sales_end", lambda row: "" < row.get("sales_end", "") <= row.get("sales_start", ""))
        ],
        "Please enter valid dates.": [
            ("sales_start", lambda row: _bad_moment(row.get("sales_start", "")) and bool(row.get("sales_start"))),
            ("sales_end", lambda row: _bad_moment(row.get("sales_end", "")) and bool(row.get("sales_end"))),
        ],
    }


def _event_field(message: str, form: Row) -> str:
    if message == "Please enter valid dates.":
        for name in ("starts_at", "ends_at"):
            if _bad_moment(form.get(name, "")):
                return f"ef-{name}"
    if message == "Please enter whole numbers for capacities and limits." and _not_whole(form.get("cap", "")):
        return "ef-cap"
    return EVENT_FIELDS.get(message, "")


def event_error_field(message: str, form: Row, types: list[Row]) -> str:
    """The control id `message` is about ("" when no one field is: the message alone says it)."""
    found = _event_field(message, form)
    if found:
        return found
    checks = _type_checks(form.get("currency", "EUR").upper()).get(message, [])
    for index, row in enumerate(types):
        for name, broken in checks:
            if broken(row):
                return f"tt-{name}-{index}"
    return ""
