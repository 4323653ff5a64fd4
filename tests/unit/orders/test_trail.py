"""The order audit trail as staff read it: amounts formatted, the app's own notes translated."""

from __future__ import annotations

from datetime import UTC, datetime

from ticketapp.models import OrderLog
from ticketapp.services.orders.trail import readable_note, trail


def test_a_refund_note_reads_with_formatted_money_in_each_language() -> None:
    assert readable_note("refund of 2750 EUR", "en") == "Refund of €27.50"
    assert readable_note("refund of 2750 EUR", "fr") == "Remboursement de 27,50\u00a0€"
    assert readable_note("refund of 2750 EUR: double booking", "en") == "Refund of €27.50: double booking"
    assert readable_note("refund of 1500 JPY at the provider", "en") == "Refund of ¥1,500 at the provider"


def test_any_other_note_keeps_its_words_and_only_its_amounts_change() -> None:
    assert (
        readable_note("payment 2500 EUR does not match the order total", "en")
        == "payment €25.00 does not match the order total"
    )
    assert readable_note("attendee name of ticket T1: 'A' → 'B'", "en") == "attendee name of ticket T1: 'A' → 'B'"
    assert readable_note("ticket 12 ABC left as is", "en") == "ticket 12 ABC left as is"  # not a currency


def test_each_line_names_its_actor_or_none_for_the_app() -> None:
    at = datetime(2026, 3, 1, 10, tzinfo=UTC)
    entries = [
        OrderLog(
            order_id=1,
            at=at,
            from_status="paid",
            to_status="partially_refunded",
            note="refund of 2750 EUR",
            actor_user_id=54,
        ),
        OrderLog(order_id=1, at=at, note="confirmation e-mail sent"),
    ]
    lines = trail(entries, {54: "Boss"}, "en")
    assert [(line.actor, line.note) for line in lines] == [
        ("Boss", "Refund of €27.50"),
        ("", "confirmation e-mail sent"),
    ]
