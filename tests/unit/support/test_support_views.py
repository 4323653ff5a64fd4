"""How support data reads on screen: opening hours, SLA labels, chat lines."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from ticketapp.models import SupportMessage, SupportTicket
from ticketapp.services.shared.dates import format_event_datetime
from ticketapp.services.support import views
from ticketapp.services.support.views import duration, message_view, opening_hours, ticket_view
from ticketapp.settings import get_settings


def test_opening_hours_read_naturally_in_each_language() -> None:
    spec = "mon-fri 09:00-18:00; sat 10:00-14:00"
    assert opening_hours(spec, "Europe/Paris", "en") == [
        "Mon–Fri 09:00–18:00 (Europe/Paris)",
        "Sat 10:00–14:00 (Europe/Paris)",
    ]
    assert opening_hours(spec, "Europe/Paris", "fr")[0] == "lun.–ven. 09:00–18:00 (Europe/Paris)"
    assert opening_hours("", "Europe/Paris", "fr") == ["Tous les jours, à toute heure"]


def test_sla_durations_say_left_or_overdue() -> None:
    assert duration(90 * 60, "en") == "1 h 30 left"
    assert duration(-5 * 60, "en") == "overdue by 5 min"
    assert duration(-2 * 3600, "fr") == "en retard de 2 h 00"


def _line(**fields: object) -> SupportMessage:
    base = {
        "id": 7,
        "author_kind": "customer",
        "author_name": "Gina",
        "body": "Hi",
        "created_at": datetime(2027, 1, 5, 9, 30, tzinfo=UTC),
    }
    return SupportMessage(**{**base, **fields})


def test_chat_lines_for_each_reader() -> None:
    mine = message_view(_line(read_at=datetime(2027, 1, 5, 9, 31, tzinfo=UTC)), "en", "customer")
    assert (mine["author"], mine["mine"], mine["read"], mine["time"]) == ("You", "1", "Read", "10:30\u202fAM")
    seen_by_agent = message_view(_line(), "en", "agent")
    assert (seen_by_agent["author"], seen_by_agent["mine"], seen_by_agent["read"]) == ("Gina", "", "")
    system = message_view(
        _line(author_kind="system", author_name="Agnès", body="{name} joined the chat."), "fr", "customer"
    )
    assert system["body"] == "Agnès a rejoint la discussion."
    note = message_view(_line(author_kind="agent", is_internal=True), "en", "agent")
    assert note["internal"] == "Internal note"


def test_ticket_rows_flag_overdue_timers() -> None:
    created = datetime(2027, 1, 5, 9, 0, tzinfo=UTC)
    ticket = SupportTicket(
        id=1, reference="SR-ABCDEF", subject="s", channel="email", status="new", priority="high", topic="order",
        created_at=created, updated_at=created,
        first_response_due_at=created + timedelta(hours=1), resolution_due_at=created + timedelta(hours=24),
    )  # fmt: skip
    row = ticket_view(ticket, "en", created + timedelta(hours=2))
    assert (row["overdue"], row["first_response"], row["resolution"]) == ("1", "overdue by 1 h 00", "22 h 00 left")
    assert (row["status_label"], row["priority_label"], row["channel_label"]) == ("New", "High", "E-mail")
    ticket.first_response_at = created + timedelta(minutes=30)
    assert ticket_view(ticket, "fr", created + timedelta(hours=2))["first_response"] == "Respecté"


def test_agent_panel_dates_are_written_as_in_the_rest_of_the_app() -> None:
    moment = datetime(2026, 12, 3, 13, 5, tzinfo=UTC)
    zone = get_settings().support.timezone
    assert views.date_time(moment, "en") == format_event_datetime(moment, zone, "en")
    assert views.date_time(moment, "fr") == format_event_datetime(moment, zone, "fr")
    assert "2026" in views.date_time(moment, "en") and "/" not in views.date_time(moment, "en")
