"""The risk rules. Each looks at one checkout and returns its hits: points and a reason.

The reason is an English msgid with values (translated where an admin reads it). Points
add up; `screening` maps the sum to allow / review / refuse with `Settings.risk`'s thresholds.
A rule's points are chosen so that one strong signal alone (a block, card testing) refuses,
one medium signal alone (velocity, a disposable address, a new account's large order) asks
for review, and two medium signals together refuse.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import case, func
from sqlmodel import Session, col, or_, select

from ticketapp.i18n import msgid
from ticketapp.models import OrderItem, PaymentAttempt, RiskAssessment, TicketType, User
from ticketapp.services.risk.blocks import matching_blocks
from ticketapp.services.risk.disposable import email_domain, is_disposable
from ticketapp.settings import RiskSettings

HOUR = timedelta(hours=1)
NEAR_CAP_WINDOW = timedelta(days=1)

STRONG = 100  # refuses alone (with the default thresholds)
MEDIUM = 50  # review alone; two of them refuse


@dataclass(frozen=True)
class Client:
    """Where a buyer is: IP address and the long-lived device cookie."""

    ip: str = ""
    device: str = ""


@dataclass(frozen=True)
class Line:
    event_id: int
    quantity: int
    cap: int | None  # the event's per-customer cap


@dataclass(frozen=True)
class OrderFacts:
    """What the rules judge: one checkout (all its orders together)."""

    email: str
    user_id: int | None
    client: Client
    total_minor: int
    lines: tuple[Line, ...]
    now: datetime
    # Orders of this checkout (already counted in the database: the velocity rules leave them out).
    order_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class Hit:
    rule: str
    points: int
    message: str  # an English msgid
    values: dict[str, Any] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return self.message.format(**self.values) if self.values else self.message

    def as_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "points": self.points, "message": self.message, "values": self.values}


KEY_LABELS = {"email": "e-mail", "user_id": "account", "ip": "IP address", "device": "device"}


def _keys(facts: OrderFacts) -> list[tuple[str, object]]:
    """The identities a velocity rule counts per: e-mail, account, IP, device (those known)."""
    keys: list[tuple[str, object]] = [("email", facts.email)]
    if facts.user_id is not None:
        keys.append(("user_id", facts.user_id))
    if facts.client.ip:
        keys.append(("ip", facts.client.ip))
    if facts.client.device:
        keys.append(("device", facts.client.device))
    return keys


def blocked(session: Session, facts: OrderFacts, cfg: RiskSettings) -> list[Hit]:
    return [
        Hit(
            "blocked",
            max(STRONG, cfg.refuse_score),
            msgid("Blocked {kind} {value}: {reason}"),
            {"kind": m.kind, "value": m.value, "reason": m.reason},
        )
        for m in matching_blocks(session, facts.email, facts.client.ip, now=facts.now)
    ]


def disposable_email(session: Session, facts: OrderFacts, cfg: RiskSettings) -> list[Hit]:
    if not is_disposable(facts.email):
        return []
    return [
        Hit("disposable", MEDIUM, msgid("Disposable e-mail domain {domain}"), {"domain": email_domain(facts.email)})
    ]


def _cached(session: Session, name: str, facts: OrderFacts) -> dict[str, dict[str, int]] | None:
    return session.info.setdefault("risk_counts", {}).get((name, facts))


def _order_counts(session: Session, facts: OrderFacts) -> dict[str, int]:
    """Checkouts in the last hour per identity key (e-mail, account, IP, device): one query."""
    if (hit := _cached(session, "orders", facts)) is not None:
        return hit["orders"]
    mine = {key: getattr(RiskAssessment, key) == value for key, value in _keys(facts)}
    row = session.exec(
        select(*[func.coalesce(func.sum(case((cond, 1), else_=0)), 0) for cond in mine.values()]).where(
            RiskAssessment.stage == "checkout", col(RiskAssessment.at) >= facts.now - HOUR, or_(*mine.values())
        )
    ).one()
    counts = dict(zip(mine, (int(v) for v in _row(row)), strict=True))
    session.info["risk_counts"][("orders", facts)] = {"orders": counts}
    return counts


def _attempt_counts(session: Session, facts: OrderFacts, cfg: RiskSettings) -> dict[str, dict[str, int]]:
    """Declines, small declines and distinct cards in the last hour per identity key: one query
    for the three payment rules."""
    if (hit := _cached(session, "attempts", facts)) is not None:
        return hit
    theirs = {key: getattr(PaymentAttempt, key) == value for key, value in _keys(facts)}
    declined = col(PaymentAttempt.declined)
    small = col(PaymentAttempt.amount_minor) <= cfg.card_test_small_minor
    columns = []
    for cond in theirs.values():
        columns += [
            func.coalesce(func.sum(case((cond & declined, 1), else_=0)), 0),
            func.coalesce(func.sum(case((cond & declined & small, 1), else_=0)), 0),
            func.count(func.distinct(case((cond & (col(PaymentAttempt.card) != ""), PaymentAttempt.card)))),
        ]
    # A paid try without a card fingerprint (demo, free, bank transfer) adds to none of the three counts: leaving
    # those rows out keeps the query from reading every sale of the hour from a shared IP (a venue's Wi-Fi).
    counted = declined | (col(PaymentAttempt.card) != "")
    where = (col(PaymentAttempt.at) >= facts.now - HOUR, or_(*theirs.values()), counted)
    values = [int(v) for v in _row(session.exec(select(*columns).where(*where)).one())]
    names = list(theirs)
    counts = {
        "declines": {k: values[3 * i] for i, k in enumerate(names)},
        "small_declines": {k: values[3 * i + 1] for i, k in enumerate(names)},
        "cards": {k: values[3 * i + 2] for i, k in enumerate(names)},
    }
    session.info["risk_counts"][("attempts", facts)] = counts
    return counts


def _row(row: Any) -> tuple[Any, ...]:
    return tuple(row) if isinstance(row, tuple | list) or hasattr(row, "_mapping") else (row,)


def _first_over(counts: dict[str, int], limit: int, *, strictly: bool = False) -> tuple[str, int] | None:
    """The first identity key (in `_keys` order) whose count reaches `limit` (or exceeds it)."""
    for key, count in counts.items():
        if count > limit if strictly else count >= limit:
            return key, count
    return None


def order_velocity(session: Session, facts: OrderFacts, cfg: RiskSettings) -> list[Hit]:
    """More checkouts in an hour than RISK_MAX_ORDERS_PER_HOUR from one e-mail, account, IP or device."""
    with_this = {key: n + 1 for key, n in _order_counts(session, facts).items()}  # this checkout too
    over = _first_over(with_this, cfg.max_orders_per_hour, strictly=True)
    if over is None:
        return []
    return [
        Hit(
            "velocity_orders",
            MEDIUM,
            msgid("{count} orders in an hour from one {key}"),
            {"count": over[1], "key": KEY_LABELS[over[0]]},
        )
    ]


def failed_payments(session: Session, facts: OrderFacts, cfg: RiskSettings) -> list[Hit]:
    over = _first_over(_attempt_counts(session, facts, cfg)["declines"], cfg.max_failed_payments_per_hour)
    if over is None:
        return []
    return [
        Hit(
            "velocity_failed_payments",
            MEDIUM,
            msgid("{count} declined payments in an hour from one {key}"),
            {"count": over[1], "key": KEY_LABELS[over[0]]},
        )
    ]


def distinct_cards(session: Session, facts: OrderFacts, cfg: RiskSettings) -> list[Hit]:
    over = _first_over(_attempt_counts(session, facts, cfg)["cards"], cfg.max_cards_per_hour)
    if over is None:
        return []
    return [
        Hit(
            "velocity_cards",
            MEDIUM,
            msgid("{count} different cards in an hour from one {key}"),
            {"count": over[1], "key": KEY_LABELS[over[0]]},
        )
    ]


def card_testing(session: Session, facts: OrderFacts, cfg: RiskSettings) -> list[Hit]:
    """Many small declines in an hour: someone trying stolen card numbers on cheap tickets."""
    over = _first_over(_attempt_counts(session, facts, cfg)["small_declines"], cfg.card_test_declines)
    if over is None:
        return []
    return [
        Hit(
            "card_testing",
            max(STRONG, cfg.refuse_score),
            msgid("Card testing: {count} small declined payments in an hour from one {key}"),
            {"count": over[1], "key": KEY_LABELS[over[0]]},
        )
    ]


def new_account_large_order(session: Session, facts: OrderFacts, cfg: RiskSettings) -> list[Hit]:
    if facts.user_id is None or facts.total_minor < cfg.large_order_minor:
        return []
    user = session.get(User, facts.user_id)
    if user is None or user.created_at <= facts.now - timedelta(hours=cfg.new_account_hours):
        return []
    hours = max(int((facts.now - user.created_at).total_seconds() // 3600), 0)
    return [
        Hit(
            "new_account_large_order",
            MEDIUM,
            msgid("Account created {hours} h ago places a large order"),
            {"hours": hours},
        )
    ]


def near_cap_accounts(session: Session, facts: OrderFacts, cfg: RiskSettings) -> list[Hit]:
    """Several buyers on one IP or device each taking (nearly) an event's per-customer cap."""
    since = facts.now - NEAR_CAP_WINDOW
    for line in facts.lines:
        if line.cap is None or line.quantity * 100 < line.cap * cfg.near_cap_ratio_percent:
            continue
        threshold = -(-line.cap * cfg.near_cap_ratio_percent // 100)
        for key, value in (("ip", facts.client.ip), ("device", facts.client.device)):
            if not value:
                continue
            column = getattr(RiskAssessment, key)
            others = (
                select(RiskAssessment.email)
                .join(OrderItem, col(OrderItem.order_id) == RiskAssessment.order_id)
                .join(TicketType, col(TicketType.id) == OrderItem.ticket_type_id)
                .where(
                    column == value,
                    TicketType.event_id == line.event_id,
                    col(RiskAssessment.at) >= since,
                    RiskAssessment.email != facts.email,
                    col(RiskAssessment.order_id).not_in(facts.order_ids or (0,)),
                )
                .group_by(col(RiskAssessment.email))
                .having(func.sum(OrderItem.quantity) >= threshold)
            )
            buyers = len(session.exec(others).all()) + 1
            if buyers >= cfg.near_cap_buyers:
                return [
                    Hit(
                        "near_cap_accounts",
                        MEDIUM + 10,
                        msgid("{buyers} buyers from one {key} each took nearly the {cap}-ticket limit"),
                        {"buyers": buyers, "key": KEY_LABELS[key], "cap": line.cap},
                    )
                ]
    return []


Rule = Callable[[Session, OrderFacts, RiskSettings], list[Hit]]
RULES: tuple[Rule, ...] = (
    blocked,
    disposable_email,
    order_velocity,
    failed_payments,
    distinct_cards,
    card_testing,
    new_account_large_order,
    near_cap_accounts,
)
