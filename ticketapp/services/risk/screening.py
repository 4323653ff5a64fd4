"""Adds the rules' points up into allow / review / refuse, and records what was decided and why.

- `screen_checkout` runs in checkout's transaction, after the pending orders are made and
  before they are committed: allow → nothing more; review → the orders are held
  (`lifecycle.hold_for_review`: once paid, their tickets wait for an admin; a Stripe payment
  is only authorised, and captured when an admin approves); refuse → the
  caller rolls back and calls `record_refusal` (assessment + security-log entry) and the
  buyer reads `RiskRefusedError`'s message.
- `screen_payment` runs when money arrives, before tickets are issued, with the payment-time
  rules (declines, cards, blocks added since the checkout): anything above allow holds the
  order for review (the money is in, captured already; an admin decides, and a rejection refunds it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session, col, select

from ticketapp.i18n import msgid
from ticketapp.models import (
    PAID_STATUSES,
    VOID_STATUSES,
    Event,
    Order,
    OrderItem,
    ReviewState,
    RiskAssessment,
    RiskDecision,
    SecurityEventKind,
    TicketType,
    utcnow,
)
from ticketapp.services.accounts.security_log import ClientInfo, record_event
from ticketapp.services.errors import DomainError
from ticketapp.services.orders import lifecycle
from ticketapp.services.risk import rules
from ticketapp.services.risk.rules import Client, Hit, Line, OrderFacts, Rule
from ticketapp.settings import RiskSettings, get_settings

REFUSED_MESSAGE = msgid(
    "We could not accept this order. If you think this is a mistake, please contact our support team."
)
PAYMENT_RULES: tuple[Rule, ...] = (rules.blocked, rules.failed_payments, rules.distinct_cards, rules.card_testing)


class RiskRefusedError(DomainError):
    """The risk rules refused the checkout: nothing was ordered."""

    def __init__(self, verdict: Verdict) -> None:
        super().__init__(REFUSED_MESSAGE)
        self.verdict = verdict


@dataclass(frozen=True)
class Verdict:
    facts: OrderFacts
    score: int
    decision: RiskDecision
    hits: tuple[Hit, ...] = field(default_factory=tuple)

    @property
    def refused(self) -> bool:
        return self.decision == RiskDecision.REFUSE

    @property
    def summary(self) -> str:
        """The reasons in English, for logs and the security log."""
        return "; ".join(hit.text for hit in self.hits)


def decide(score: int, cfg: RiskSettings) -> RiskDecision:
    if score >= cfg.refuse_score:
        return RiskDecision.REFUSE
    if score >= cfg.review_score:
        return RiskDecision.REVIEW
    return RiskDecision.ALLOW


def evaluate(session: Session, facts: OrderFacts, selected: tuple[Rule, ...] = rules.RULES) -> Verdict:
    """Run the rules on `facts` (reads only)."""
    cfg = get_settings().risk
    try:
        hits = tuple(hit for rule in selected for hit in rule(session, facts, cfg))
    finally:
        session.info.pop("risk_counts", None)  # the velocity counts are shared by this evaluation only
    score = sum(hit.points for hit in hits)
    return Verdict(facts, score, decide(score, cfg), hits)


def _lines(session: Session, order_ids: list[int]) -> tuple[Line, ...]:
    rows = session.exec(
        select(Event.id, Event.max_tickets_per_customer, OrderItem.quantity)
        .join(TicketType, col(TicketType.event_id) == Event.id)
        .join(OrderItem, col(OrderItem.ticket_type_id) == TicketType.id)
        .where(col(OrderItem.order_id).in_(order_ids))
    ).all()
    per_event: dict[int, list[int]] = {}
    caps: dict[int, int | None] = {}
    for event_id, cap, quantity in rows:
        per_event.setdefault(event_id or 0, []).append(quantity)
        caps[event_id or 0] = cap
    return tuple(Line(e, sum(q), caps[e]) for e, q in sorted(per_event.items()))


def facts_for(
    session: Session, orders: list[Order], client: Client, *, now: datetime | None = None, lines: bool = True
) -> OrderFacts:
    first = orders[0]
    return OrderFacts(
        email=first.buyer_email.strip().lower(),
        user_id=first.user_id,
        client=Client(ip=client.ip[:64], device=client.device[:64]),
        total_minor=max(order.total_minor for order in orders),
        lines=_lines(session, [order.id or 0 for order in orders]) if lines else (),
        now=now or utcnow(),
        order_ids=tuple(order.id or 0 for order in orders),
    )


def _assessment(verdict: Verdict, stage: str, order_id: int | None) -> RiskAssessment:
    facts = verdict.facts
    return RiskAssessment(
        at=facts.now,
        stage=stage,
        order_id=order_id,
        email=facts.email,
        user_id=facts.user_id,
        ip=facts.client.ip,
        device=facts.client.device,
        score=verdict.score,
        decision=verdict.decision,
        reasons=[hit.as_dict() for hit in verdict.hits],
    )


def screen_checkout(session: Session, orders: list[Order], client: Client) -> Verdict:
    """Judge a checkout's new (flushed, uncommitted) orders; the caller commits, or on refuse rolls back.

    Allowed and held orders get their assessment row; held ones are marked by lifecycle.
    """
    verdict = evaluate(session, facts_for(session, orders, client))
    if verdict.decision == RiskDecision.REFUSE:
        return verdict
    for order in orders:
        session.add(_assessment(verdict, "checkout", order.id))
        if verdict.decision == RiskDecision.REVIEW:
            lifecycle.hold_for_review(session, order, verdict.summary)
    if verdict.decision == RiskDecision.REVIEW:
        facts = verdict.facts
        record_event(
            session,
            SecurityEventKind.ORDER_HELD,
            ClientInfo(ip=facts.client.ip),
            user_id=facts.user_id,
            email=facts.email,
            detail=f"{', '.join(o.code for o in orders)} score {verdict.score}: {verdict.summary}",
        )
    return verdict


def record_refusal(session: Session, verdict: Verdict, *, user_agent: str = "") -> None:
    """After the refused checkout was rolled back: its assessment and security-log entry (commits)."""
    session.add(_assessment(verdict, "checkout", None))
    facts = verdict.facts
    record_event(
        session,
        SecurityEventKind.ORDER_REFUSED,
        ClientInfo(ip=facts.client.ip, user_agent=user_agent),
        user_id=facts.user_id,
        email=facts.email,
        detail=f"score {verdict.score}: {verdict.summary}",
    )
    session.commit()


def screen_payment(session: Session, order: Order) -> Verdict | None:
    """Money arrived for `order`: hold it for review if the payment-time rules object (the caller commits).

    None when the order is already held or decided by an admin.
    """
    if order.review_state is not None or order.status in PAID_STATUSES or order.status in VOID_STATUSES:
        return None
    origin = session.exec(
        select(RiskAssessment).where(RiskAssessment.order_id == order.id).order_by(col(RiskAssessment.id)).limit(1)
    ).first()
    client = Client(ip=origin.ip, device=origin.device) if origin else Client()
    verdict = evaluate(session, facts_for(session, [order], client, lines=False), PAYMENT_RULES)  # no line rule
    if verdict.decision == RiskDecision.ALLOW:
        return verdict
    session.add(_assessment(verdict, "payment", order.id))
    lifecycle.hold_for_review(session, order, verdict.summary)
    record_event(
        session,
        SecurityEventKind.ORDER_HELD,
        ClientInfo(ip=client.ip),
        user_id=order.user_id,
        email=order.buyer_email,
        detail=f"{order.code} score {verdict.score}: {verdict.summary}",
    )
    return verdict


def held(order: Order) -> bool:
    return order.review_state == ReviewState.HELD
