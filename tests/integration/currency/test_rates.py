"""Exchange rates in the database: admins set and remove them (audited), files import all or nothing,
`setup` loads the bundled snapshot once, and readers see a change at once in this process."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlmodel import Session, select

from ticketapp.models import AdminAudit, ExchangeRate, User
from ticketapp.services.currency import rates


@pytest.fixture(autouse=True)
def _no_cached_rates() -> None:
    rates.forget_cached_rates()


def test_setup_loads_the_snapshot_into_an_empty_table_only_once(session: Session, admin: User) -> None:
    loaded = rates.load_snapshot_if_empty(session)
    assert loaded == len(session.exec(select(ExchangeRate)).all()) > 10
    rates.set_rate(session, admin.id, "USD", "1.20", date.today().isoformat())
    assert rates.load_snapshot_if_empty(session) == 0  # an existing table is never overwritten
    assert session.get(ExchangeRate, "USD").per_eur == "1.20"


def test_an_admin_sets_a_rate_and_the_change_is_audited_and_read_at_once(session: Session, admin: User) -> None:
    rates.load_snapshot_if_empty(session)
    before = rates.rate_table(session)
    assert before.per_eur["USD"] == Decimal("1.16")
    rates.set_rate(session, admin.id, " usd ", "1,25", date.today().isoformat())
    after = rates.rate_table(session)
    assert after.per_eur["USD"] == Decimal("1.25") and after.as_of["USD"] == date.today()
    row = session.exec(select(AdminAudit).where(AdminAudit.action == "rate.set")).one()
    assert row.actor_user_id == admin.id and row.details == {
        "currency": "USD",
        "per_eur": "1.25",
        "as_of": date.today().isoformat(),
    }
    assert session.get(ExchangeRate, "USD").source == "admin"


@pytest.mark.parametrize(
    ("currency", "rate", "as_of"),
    [
        ("XXQ", "1.1", "2026-12-01"),
        ("EUR", "1", "2026-12-01"),
        ("USD", "0", "2026-12-01"),
        ("USD", "abc", "2026-12-01"),
        ("USD", "1e12", "2026-12-01"),
        ("USD", "1.1", "31/12/2026"),
        ("USD", "1.1", (date.today() + timedelta(days=2)).isoformat()),
    ],
)
def test_a_bad_rate_changes_nothing(session: Session, admin: User, currency: str, rate: str, as_of: str) -> None:
    rates.load_snapshot_if_empty(session)
    with pytest.raises(rates.RatesError):
        rates.set_rate(session, admin.id, currency, rate, as_of)
    session.rollback()
    assert session.get(ExchangeRate, "USD").per_eur == "1.16"
    assert session.exec(select(AdminAudit)).first() is None


def test_a_file_with_one_bad_line_imports_nothing(session: Session, admin: User) -> None:
    rates.load_snapshot_if_empty(session)
    text = "currency,per_eur,as_of\nUSD,1.30,2026-12-01\nGBP,zero,2026-12-01\n"
    with pytest.raises(rates.RatesError, match="Line 3"):
        rates.import_rates(session, text, "admin import", admin.id)
    session.rollback()
    assert session.get(ExchangeRate, "USD").per_eur == "1.16"


def test_a_good_file_replaces_and_adds_rates_with_one_audit_row(session: Session, admin: User) -> None:
    rates.load_snapshot_if_empty(session)
    text = "# from the bank\ncurrency,per_eur,as_of\nUSD,1.30,2026-12-01\nHKD,9.05,2026-12-01\n"
    assert rates.import_rates(session, text, "admin import", admin.id) == 2
    assert session.get(ExchangeRate, "USD").per_eur == "1.30"
    assert session.get(ExchangeRate, "HKD").as_of == date(2026, 12, 1)
    audits = session.exec(select(AdminAudit).where(AdminAudit.action == "rate.import")).all()
    assert [a.details for a in audits] == [{"count": 2, "source": "admin import"}]


def test_removing_a_rate_stops_conversions_to_it(session: Session, admin: User) -> None:
    rates.load_snapshot_if_empty(session)
    assert rates.rate_table(session).convert(Decimal(10), "EUR", "GBP") is not None
    rates.remove_rate(session, admin.id, "GBP")
    assert rates.rate_table(session).convert(Decimal(10), "EUR", "GBP") is None
    with pytest.raises(rates.RatesError):
        rates.remove_rate(session, admin.id, "GBP")
