"""The admin message form read into a draft and a schedule; malformed or crafted values refused; the
template checks that need no database."""

from __future__ import annotations

import pytest

from ticketapp.models import TemplateKind
from ticketapp.services.messaging import templates
from ticketapp.services.messaging.messages import MessageError
from ticketapp.services.messaging.templates import TemplateError
from ticketapp.state.admin.messaging import MESSAGE_FIELDS, parse_message


def _form(**values: str) -> dict[str, str]:
    return {name: "" for name in MESSAGE_FIELDS} | values


def test_before_and_after_the_start_or_end_become_signed_minutes() -> None:
    draft, anchor, offset = parse_message(_form(when="before_start", amount="2", unit="days"), set())
    assert (anchor, offset, draft.audience, draft.order_status) == ("start", -2880, "buyers", "paid")
    assert parse_message(_form(when="after_end", amount="90", unit="minutes"), set())[1:] == ("end", 90)
    assert parse_message(_form(when="now", amount="junk"), set())[1:] == (None, 0)
    assert parse_message(_form(when="crafted"), set())[1:] == (None, 0)  # unknown: now, never a schedule
    assert parse_message(_form(ticket_type="7"), {7})[0].ticket_type_id == 7


@pytest.mark.parametrize(
    "values",
    [
        {"when": "before_start", "amount": "two", "unit": "days"},
        {"when": "before_start", "amount": "-1", "unit": "days"},
        {"when": "before_start", "amount": "1" * 7, "unit": "days"},
        {"when": "after_end", "amount": "1", "unit": "weeks"},
        {"ticket_type": "99"},  # another event's type
        {"ticket_type": "1" * 40},
    ],
)
def test_malformed_or_crafted_values_are_refused(values: dict[str, str]) -> None:
    with pytest.raises(MessageError):
        parse_message(_form(**values), {1})


def test_placeholders_are_checked_per_kind_and_filled_without_errors() -> None:
    templates.validate(TemplateKind.REFUND, "Refund {order_code}", "{refund_amount} back, {buyer_name}")
    with pytest.raises(TemplateError, match="Unknown placeholder"):
        templates.validate(TemplateKind.WAITLIST_OFFER, "Hi", "{order_code}")  # no order in an offer
    with pytest.raises(TemplateError, match="Unknown placeholder"):
        templates.validate(TemplateKind.CONFIRMATION, "Hi", "{buyer_name.__class__}")  # no attribute tricks
    with pytest.raises(TemplateError, match="Unknown placeholder"):
        templates.validate(TemplateKind.CONFIRMATION, "Hi", "{}")
    with pytest.raises(TemplateError, match="brace"):
        templates.validate(TemplateKind.CONFIRMATION, "Hi", "}")
    with pytest.raises(TemplateError, match="too long"):
        templates.validate(TemplateKind.CONFIRMATION, "Hi", "x" * (templates.BODY_MAX + 1))
    assert templates.fill("{buyer_name} / {venue}", {"buyer_name": "Ada"}) == "Ada / "
    assert templates.paragraphs_of("One\r\n\r\n\n Two \n\n") == ["One", "Two"]
