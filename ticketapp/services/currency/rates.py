"""Exchange rates per euro: read (cached briefly), edited by admins, imported from a rate file.

Rates only ever produce *approximate* prices shown beside the real one; every charge stays in the
event's currency. There is no internet here, so rates come from the bundled, dated snapshot
(`rates_snapshot.csv`, loaded by `setup` into an empty table), from a file imported with
`python -m ticketapp rates import FILE`, or from the admin page `/admin/rates`.
"""

from __future__ import annotations

import csv
import io
import time
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from babel.numbers import get_currency_name
from sqlmodel import Session, select

from ticketapp.i18n import msgid, translate
from ticketapp.models import ExchangeRate, utcnow
from ticketapp.services.accounts.audit import audit
from ticketapp.services.errors import DomainError

SNAPSHOT = Path(__file__).with_name("rates_snapshot.csv")
BASE = "EUR"
CACHE_SECONDS = 60.0  # other processes see an admin's change within this time
MAX_FILE_BYTES = 64 * 1024
# The currencies a visitor may choose to see approximate prices in (those without a rate show none).
DISPLAY_CHOICES = (
    "EUR", "USD", "GBP", "CHF", "CAD", "AUD", "JPY", "SEK",
    "NOK", "DKK", "PLN", "CZK", "MAD", "AED", "SAR",
)  # fmt: skip


class RatesError(DomainError):
    """A rate or rate file refused: nothing was changed."""


class RateFileLineError(RatesError):
    """A bad line of a rate file: its number and what is wrong with it, both translated."""

    def __init__(self, line: int, problem: RatesError) -> None:
        super().__init__(msgid("Line {line}: {problem}"), line=line, problem=str(problem))
        self.problem = problem

    def translated(self, lang: str) -> str:
        return translate(lang, self.message, line=self.values["line"], problem=self.problem.translated(lang))


@dataclass(frozen=True)
class RateTable:
    """Units of each currency per euro, and the date each rate is from (the euro itself: 1, always current)."""

    per_eur: dict[str, Decimal] = field(default_factory=dict)
    as_of: dict[str, date] = field(default_factory=dict)

    def currencies(self) -> list[str]:
        return sorted({BASE, *self.per_eur})

    def convert(self, amount: Decimal, source: str, target: str) -> Decimal | None:
        """`amount` of `source` in `target`, through the euro; None when either rate is unknown."""
        rates = {BASE: Decimal(1), **self.per_eur}
        if source not in rates or target not in rates:
            return None
        return amount / rates[source] * rates[target]

    def rates_date(self, *currencies: str) -> date | None:
        """The oldest date among the rates a conversion uses (None: only euros)."""
        dates = [self.as_of[c] for c in currencies if c != BASE and c in self.as_of]
        return min(dates) if dates else None


# (read at, table), replaced whole: readers in any thread see either the old pair or the new one.
_cached: tuple[float, RateTable] | None = None


def cached_rate_table() -> RateTable | None:
    """The rates read less than a minute ago in this process, if any (no database needed)."""
    hit = _cached
    return hit[1] if hit is not None and time.monotonic() - hit[0] < CACHE_SECONDS else None


def rate_table(session: Session) -> RateTable:
    """The current rates, read at most once a minute per process (they change a few times a day at most)."""
    global _cached
    if (table := cached_rate_table()) is not None:
        return table
    rows = session.exec(select(ExchangeRate)).all()
    table = RateTable({r.currency: Decimal(r.per_eur) for r in rows}, {r.currency: r.as_of for r in rows})
    _cached = (time.monotonic(), table)
    return table


def forget_cached_rates() -> None:
    global _cached
    _cached = None


def list_rates(session: Session) -> list[ExchangeRate]:
    return list(session.exec(select(ExchangeRate).order_by(ExchangeRate.currency)).all())


# -- parsing ------------------------------------------------------------------------------------------------


def parse_currency(raw: str) -> str:
    code = (raw or "").strip().upper()
    if len(code) != 3 or not code.isalpha() or get_currency_name(code, locale="en") == code:
        raise RatesError(msgid("“{code}” is not a currency code (ISO 4217, e.g. USD)."), code=(raw or "").strip()[:12])
    if code == BASE:
        raise RatesError(msgid("Rates are per euro: the euro itself needs no rate."))
    return code


def parse_rate(raw: str) -> Decimal:
    try:
        rate = Decimal((raw or "").strip().replace(",", "."))
    except InvalidOperation:
        rate = Decimal(0)
    if not rate.is_finite() or rate <= 0 or rate > Decimal(10) ** 9:
        raise RatesError(msgid("“{rate}” is not a rate: give how many units one euro buys, e.g. 1.08."), rate=raw[:20])
    return rate


def parse_date(raw: str) -> date:
    try:
        return date.fromisoformat((raw or "").strip())
    except ValueError:
        raise RatesError(msgid("“{value}” is not a date (YYYY-MM-DD)."), value=raw[:20]) from None


@dataclass(frozen=True)
class RateLine:
    currency: str
    per_eur: Decimal
    as_of: date


def parse_rates_file(text: str) -> list[RateLine]:
    """A CSV file with the columns currency, per_eur, as_of (lines starting with # are comments)."""
    if len(text.encode()) > MAX_FILE_BYTES:
        raise RatesError(msgid("The rate file is too large (at most {size} KB)."), size=MAX_FILE_BYTES // 1024)
    content = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    reader = csv.DictReader(io.StringIO(content))
    if reader.fieldnames is None or not {"currency", "per_eur", "as_of"} <= set(reader.fieldnames):
        raise RatesError(msgid("The rate file needs the columns currency, per_eur and as_of."))
    lines: dict[str, RateLine] = {}
    for number, row in enumerate(reader, start=2):
        try:
            line = RateLine(parse_currency(row["currency"]), parse_rate(row["per_eur"]), parse_date(row["as_of"]))
        except RatesError as error:
            raise RateFileLineError(number, error) from None
        lines[line.currency] = line
    if not lines:
        raise RatesError(msgid("The rate file has no rates."))
    return list(lines.values())


# -- writing (the only writer of exchange_rate) ---------------------------------------------------------------


def _write(session: Session, line: RateLine, source: str) -> ExchangeRate:
    row = session.get(ExchangeRate, line.currency)
    if row is None:
        row = ExchangeRate(currency=line.currency, per_eur="1", as_of=line.as_of)
    row.per_eur, row.as_of, row.source, row.updated_at = str(line.per_eur), line.as_of, source[:120], utcnow()
    session.add(row)
    return row


def set_rate(session: Session, actor_id: int, currency: str, rate: str, as_of: str) -> ExchangeRate:
    """An admin sets (or adds) one currency's rate."""
    line = RateLine(parse_currency(currency), parse_rate(rate), parse_date(as_of))
    if line.as_of > date.today():
        raise RatesError(msgid("A rate cannot be dated in the future."))
    row = _write(session, line, "admin")
    audit(
        session,
        actor_id,
        "rate.set",
        "exchange_rate",
        currency=line.currency,
        per_eur=str(line.per_eur),
        as_of=line.as_of.isoformat(),
    )
    session.commit()
    forget_cached_rates()
    return row


def remove_rate(session: Session, actor_id: int, currency: str) -> None:
    row = session.get(ExchangeRate, parse_currency(currency))
    if row is None:
        raise RatesError(msgid("There is no rate for {code}."), code=currency)
    session.delete(row)
    audit(session, actor_id, "rate.remove", "exchange_rate", currency=row.currency)
    session.commit()
    forget_cached_rates()


def import_rates(session: Session, text: str, source: str, actor_id: int | None = None) -> int:
    """Every rate of a rate file, in one transaction (a bad line changes nothing); returns how many."""
    lines = parse_rates_file(text)
    for line in lines:
        _write(session, line, source)
    if actor_id is not None:
        audit(session, actor_id, "rate.import", "exchange_rate", count=len(lines), source=source[:120])
    session.commit()
    forget_cached_rates()
    return len(lines)


def load_snapshot_if_empty(session: Session) -> int:
    """`setup`: a new database gets the bundled snapshot (an existing table is never overwritten)."""
    if session.exec(select(ExchangeRate).limit(1)).first() is not None:
        return 0
    return import_rates(session, SNAPSHOT.read_text(encoding="utf-8"), "bundled snapshot")
