"""The cart's spoken countdown: one reminder as each threshold passes, none on the first tick or between them."""

from __future__ import annotations

from ticketapp.state.shop.cart import crossed_reminder, reminder_text


def test_each_threshold_is_spoken_once_as_it_passes() -> None:
    ticks = list(range(310, 50, -1))
    spoken = [crossed_reminder(before, now) for before, now in zip([None, *ticks], ticks, strict=False)]
    assert [s for s in spoken if s is not None] == [300, 120, 60]


def test_a_slow_tick_that_skips_seconds_still_speaks_and_the_first_tick_is_silent() -> None:
    assert crossed_reminder(None, 200) is None
    assert crossed_reminder(303, 298) == 300
    assert crossed_reminder(200, 190) is None
    assert crossed_reminder(130, 50) == 60  # two passed at once: the nearer one


def test_reminders_in_the_visitors_language() -> None:
    assert reminder_text("en", 300) == "5 minutes left to keep your tickets."
    assert reminder_text("en", 60) == "1 minute left to keep your tickets."
    assert reminder_text("fr", 120) == "Plus que 2 minutes pour garder vos billets."
