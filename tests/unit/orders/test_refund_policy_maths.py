"""The refund policy's arithmetic: fixed and percentage fees, and the deadline."""

from __future__ import annotations

from datetime import UTC, datetime

from ticketapp.models import Event
from ticketapp.services.orders.self_service import fee_for, refund_deadline


def test_a_fixed_fee_is_kept_but_never_more_than_was_paid() -> None:
    assert fee_for("fixed", 300, 5000) == 300
    assert fee_for("fixed", 0, 5000) == 0
    assert fee_for("fixed", 9000, 5000) == 5000


def test_a_percentage_fee_is_in_basis_points_rounded_half_up() -> None:
    assert fee_for("percent", 1000, 5000) == 500  # 10 %
    assert fee_for("percent", 250, 4250) == 106  # 2.5 % of 42.50 = 1.0625
    assert fee_for("percent", 250, 4260) == 107  # 1.065 rounds up
    assert fee_for("percent", 10_000, 4250) == 4250
    assert fee_for("percent", 20_000, 4250) == 4250


def test_the_deadline_is_n_days_before_the_start() -> None:
    starts = datetime(2030, 6, 14, 18, 30, tzinfo=UTC)
    event = Event(title="x", slug="x", category="c", venue_id=1, starts_at=starts, ends_at=starts, currency="EUR")
    event.refund_days_before = 3
    assert refund_deadline(event) == datetime(2030, 6, 11, 18, 30, tzinfo=UTC)
    event.refund_days_before = 0
    assert refund_deadline(event) == starts
