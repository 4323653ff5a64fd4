"""An order's audit trail as staff read it: who (by name), and notes with amounts formatted.

`OrderLog` notes are written once, in English, by the services that change the order; amounts in
them are minor units followed by the currency ("refund of 2750 EUR"). The notes the app writes
most are translated here; every amount in any note is formatted for the reader's language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from babel.numbers import is_currency
from sqlmodel import Session, col, select

from ticketapp.i18n import msgid, translate
from ticketapp.models import OrderLog, User
from ticketapp.services.shared.money import Money, format_money

# "2750 EUR": an amount in minor units and an ISO 4217 code, as the services write them.
AMOUNT = re.compile(r"\b(\d+) ([A-Z]{3})\b")
# Notes the app writes in English, read in the reader's language (anything else stays as written).
A = r"\d+ [A-Z]{3}"  # an amount as the services write it
KNOWN_NOTES = [
    (
        re.compile(rf"^refund of (?P<amount>{A}): requested by the buyer, fee (?P<fee>{A}) kept$"),
        msgid("Refund of {amount} requested by the buyer ({fee} fee kept)"),
    ),
    (
        re.compile(rf"^refund of (?P<amount>{A}): refund request approved, fee (?P<fee>{A}) kept$"),
        msgid("Refund of {amount}: request approved ({fee} fee kept)"),
    ),
    (
        re.compile(rf"^refund requested: (?P<amount>{A}), fee (?P<fee>{A}) kept$"),
        msgid("Refund of {amount} requested, waiting for approval ({fee} fee kept)"),
    ),
    (re.compile(r"^refund request denied: (?P<reason>.+)$"), msgid("Refund request declined: {reason}")),
    (re.compile(r"^ticket (?P<code>\S+) offered to (?P<email>\S+)$"), msgid("Ticket {code} offered to {email}")),
    (
        re.compile(r"^ticket (?P<code>\S+) transferred to (?P<email>\S+), re-issued as (?P<new>\S+)$"),
        msgid("Ticket {code} transferred to {email}, re-issued as {new}"),
    ),
    (
        re.compile(r"^ticket (?P<code>\S+) transfer to (?P<email>\S+) cancelled$"),
        msgid("Ticket {code}: transfer to {email} cancelled"),
    ),
    (re.compile(r"^refund of (?P<amount>\d+ [A-Z]{3}) at the provider$"), msgid("Refund of {amount} at the provider")),
    (re.compile(r"^refund of (?P<amount>\d+ [A-Z]{3}): (?P<reason>.+)$"), msgid("Refund of {amount}: {reason}")),
    (re.compile(r"^refund of (?P<amount>\d+ [A-Z]{3})$"), msgid("Refund of {amount}")),
    (re.compile(r"^cancelled by an admin$"), msgid("Cancelled by an admin")),
]


@dataclass(frozen=True)
class TrailLine:
    at: datetime
    from_status: str
    to_status: str
    note: str  # in the reader's language, amounts formatted
    actor: str  # the person's name; "" when the app itself did it


def _amounts(text: str, lang: str) -> str:
    def formatted(match: re.Match[str]) -> str:
        amount, currency = match.groups()
        if not is_currency(currency):  # "12 ABC" is not money: leave the text alone
            return match.group(0)
        return format_money(Money(int(amount), currency), lang)

    return AMOUNT.sub(formatted, text)


def readable_note(note: str, lang: str) -> str:
    """`note` in `lang` when it is one the app writes, with every amount formatted."""
    for pattern, message in KNOWN_NOTES:
        if match := pattern.match(note):
            values = {key: _amounts(value, lang) for key, value in match.groupdict().items()}
            return translate(lang, message, **values)
    return _amounts(note, lang)


def actor_names(session: Session, entries: list[OrderLog]) -> dict[int, str]:
    """The display name (or e-mail) of each person who appears in `entries`."""
    ids = {entry.actor_user_id for entry in entries if entry.actor_user_id is not None}
    if not ids:
        return {}
    rows = session.exec(select(User.id, User.display_name, User.email).where(col(User.id).in_(ids))).all()
    return {int(user_id): name or email for user_id, name, email in rows if user_id is not None}


def trail(entries: list[OrderLog], names: dict[int, str], lang: str) -> list[TrailLine]:
    return [
        TrailLine(
            at=entry.at,
            from_status=entry.from_status,
            to_status=entry.to_status,
            note=readable_note(entry.note, lang),
            actor=names.get(entry.actor_user_id, "") if entry.actor_user_id is not None else "",
        )
        for entry in entries
    ]
