"""Each risk rule on a real database: what it catches, what it lets through, and the decision it leads to."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, select

from tests.factories import make_event, make_order, make_user, token
from ticketapp.models import (
    BlockEntry,
    BlockKind,
    Hold,
    Order,
    OrderStatus,
    PaymentAttempt,
    ReviewState,
    RiskAssessment,
    RiskDecision,
    SecurityEvent,
    SecurityEventKind,
    TicketType,
    utcnow,
)
from ticketapp.services.booking import checkout, holds
from ticketapp.services.risk import blocks, screening
from ticketapp.services.risk.rules import Client, Line, OrderFacts
from ticketapp.settings import get_settings

HERE = Client(ip="198.51.100.7", device="device-aaaaaaaa")


def _checkout(
    session: Session,
    ticket_type: TicketType,
    *,
    email: str = "ada@example.com",
    quantity: int = 1,
    client: Client = HERE,
    user_id: int | None = None,
) -> list[Order]:
    cart = token()
    holds.set_hold_quantity(session, cart, ticket_type.id, quantity)
    return checkout.convert_cart_to_pending_order(
        session, cart, buyer_name="Ada", buyer_email=email, client=client, user_id=user_id
    )


def _facts(email: str = "ada@example.com", **overrides: object) -> OrderFacts:
    values: dict[str, object] = {
        "email": email,
        "user_id": None,
        "client": HERE,
        "total_minor": 2500,
        "lines": (),
        "now": utcnow(),
    }
    values.update(overrides)
    return OrderFacts(**values)  # type: ignore[arg-type]


def _rules(verdict: screening.Verdict) -> set[str]:
    return {hit.rule for hit in verdict.hits}


def _attempts(session: Session, n: int, *, amount: int = 500, card: str = "", declined: bool = True) -> None:
    for i in range(n):
        session.add(
            PaymentAttempt(
                email="ada@example.com",
                ip=HERE.ip,
                device=HERE.device,
                amount_minor=amount,
                currency="EUR",
                card=f"{card}{i}" if card else "",
                declined=declined,
            )
        )
    session.commit()


def test_an_ordinary_checkout_is_allowed_and_its_assessment_kept(session: Session) -> None:
    _, ticket_type = make_event(session)
    [order] = _checkout(session, ticket_type)
    assert order.review_state is None
    [assessment] = session.exec(select(RiskAssessment)).all()
    assert (assessment.order_id, assessment.decision, assessment.score) == (order.id, RiskDecision.ALLOW, 0)
    assert (assessment.ip, assessment.device) == (HERE.ip, HERE.device)


@pytest.mark.parametrize(
    ("kind", "value", "email", "client"),
    [
        (BlockKind.EMAIL, "Mallory@Example.com", "mallory@example.com", HERE),
        (BlockKind.DOMAIN, "@evil.test", "anyone@shop.evil.test", HERE),
        (BlockKind.IP, "203.0.113.0/24", "ada@example.com", Client(ip="203.0.113.99", device="d-12345678")),
        (BlockKind.IP, "2001:db8::/32", "ada@example.com", Client(ip="2001:db8::1", device="d-12345678")),
    ],
)
def test_a_blocked_buyer_is_refused_and_nothing_is_ordered(
    session: Session, kind: str, value: str, email: str, client: Client
) -> None:
    admin = make_user(session, "boss@example.com", role="admin")
    blocks.add_block(session, admin.id or 0, kind, value, "chargebacks")
    _, ticket_type = make_event(session)
    cart = token()
    holds.set_hold_quantity(session, cart, ticket_type.id, 2)
    with pytest.raises(screening.RiskRefusedError) as refused:
        checkout.convert_cart_to_pending_order(session, cart, buyer_name="M", buyer_email=email, client=client)
    assert "could not accept this order" in str(refused.value)
    assert "chargebacks" in refused.value.verdict.summary
    assert session.exec(select(Order)).all() == []
    assert len(session.exec(select(Hold)).all()) == 1  # the cart is as it was
    [event] = session.exec(select(SecurityEvent).where(SecurityEvent.kind == SecurityEventKind.ORDER_REFUSED)).all()
    assert event.email == email and event.ip == client.ip and "chargebacks" in event.detail
    [assessment] = session.exec(select(RiskAssessment)).all()
    assert assessment.order_id is None and assessment.decision == RiskDecision.REFUSE


def test_an_expired_block_no_longer_refuses(session: Session) -> None:
    session.add(
        BlockEntry(kind=BlockKind.EMAIL, value="ada@example.com", reason="old", expires_at=utcnow() - timedelta(1))
    )
    session.commit()
    verdict = screening.evaluate(session, _facts())
    assert verdict.decision == RiskDecision.ALLOW


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        (BlockKind.EMAIL, "not-an-address"),
        (BlockKind.DOMAIN, "no_dot"),
        (BlockKind.IP, "300.1.1.1"),
        ("bogus", "x"),
    ],
)
def test_bad_block_values_get_a_clear_message_and_change_nothing(session: Session, kind: str, value: str) -> None:
    admin = make_user(session, "boss@example.com", role="admin")
    with pytest.raises(blocks.BlockError) as refused:
        blocks.add_block(session, admin.id or 0, kind, value, "why")
    assert str(refused.value).startswith(("Please enter", "Choose what"))
    assert session.exec(select(BlockEntry)).all() == []


def test_a_block_needs_a_reason_and_is_not_added_twice(session: Session) -> None:
    admin = make_user(session, "boss@example.com", role="admin")
    with pytest.raises(blocks.BlockError, match="reason"):
        blocks.add_block(session, admin.id or 0, BlockKind.DOMAIN, "evil.test", "  ")
    blocks.add_block(session, admin.id or 0, BlockKind.DOMAIN, "evil.test", "spam", days=7)
    with pytest.raises(blocks.BlockError, match="already blocked"):
        blocks.add_block(session, admin.id or 0, BlockKind.DOMAIN, "EVIL.test", "spam")
    [entry] = blocks.list_blocks(session)
    assert entry.expires_at is not None and entry.created_by_id == admin.id


def test_a_disposable_address_is_held_for_review(session: Session) -> None:
    _, ticket_type = make_event(session)
    [order] = _checkout(session, ticket_type, email="someone@mailinator.com")
    assert order.review_state == ReviewState.HELD
    assert _rules(screening.evaluate(session, _facts("x@mailinator.com"))) == {"disposable"}
    assert screening.evaluate(session, _facts("x@gmail.com")).hits == ()


def test_the_disposable_list_takes_extra_domains_from_a_file(
    session: Session, tmp_path: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pathlib import Path

    extra = Path(str(tmp_path)) / "extra.txt"
    extra.write_text("# ours\nthrowaway.example\n")
    monkeypatch.setenv("RISK_DISPOSABLE_DOMAINS_FILE", str(extra))
    get_settings.cache_clear()
    try:
        assert _rules(screening.evaluate(session, _facts("a@throwaway.example"))) == {"disposable"}
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()


@pytest.mark.parametrize("key", ["email", "ip", "device"])
def test_more_orders_in_an_hour_than_allowed_ask_for_review(session: Session, key: str) -> None:
    _, ticket_type = make_event(session, capacity=100)
    limit = get_settings().risk.max_orders_per_hour
    for n in range(limit):  # each from another e-mail/IP/device but the one counted
        client = Client(
            ip=HERE.ip if key == "ip" else f"192.0.2.{n}", device=HERE.device if key == "device" else f"dev-{n:08d}"
        )
        email = "ada@example.com" if key == "email" else f"buyer{n}@example.com"
        [order] = _checkout(session, ticket_type, email=email, client=client)
        assert order.review_state is None
    [held] = _checkout(session, ticket_type, email="ada@example.com")
    assert held.review_state == ReviewState.HELD
    [assessment] = session.exec(select(RiskAssessment).where(RiskAssessment.order_id == held.id)).all()
    assert [r["rule"] for r in assessment.reasons] == ["velocity_orders"]


def test_declined_payments_in_an_hour_ask_for_review(session: Session) -> None:
    limit = get_settings().risk.max_failed_payments_per_hour
    _attempts(session, limit - 1, amount=5000)
    assert screening.evaluate(session, _facts()).hits == ()
    _attempts(session, 1, amount=5000)
    assert _rules(screening.evaluate(session, _facts())) == {"velocity_failed_payments"}


def test_many_cards_in_an_hour_ask_for_review(session: Session) -> None:
    _attempts(session, get_settings().risk.max_cards_per_hour, amount=5000, card="fp_", declined=False)
    verdict = screening.evaluate(session, _facts())
    assert _rules(verdict) == {"velocity_cards"}
    assert verdict.decision == RiskDecision.REVIEW


def test_many_small_declines_are_card_testing_and_refused(session: Session) -> None:
    _attempts(session, get_settings().risk.card_test_declines, amount=300)
    verdict = screening.evaluate(session, _facts())
    assert "card_testing" in _rules(verdict)
    assert verdict.decision == RiskDecision.REFUSE


def test_old_declines_do_not_count(session: Session) -> None:
    _attempts(session, 10, amount=300)
    verdict = screening.evaluate(session, _facts(now=utcnow() + timedelta(hours=2)))
    assert verdict.hits == ()


def test_a_brand_new_account_with_a_large_order_is_held(session: Session) -> None:
    user = make_user(session, "fresh@example.com")
    large = get_settings().risk.large_order_minor
    assert _rules(screening.evaluate(session, _facts(user_id=user.id, total_minor=large))) == {
        "new_account_large_order"
    }
    assert screening.evaluate(session, _facts(user_id=user.id, total_minor=large - 1)).hits == ()
    later = utcnow() + timedelta(hours=get_settings().risk.new_account_hours + 1)
    assert screening.evaluate(session, _facts(user_id=user.id, total_minor=large, now=later)).hits == ()


def test_several_buyers_near_the_cap_from_one_device_are_held(session: Session) -> None:
    event, ticket_type = make_event(session, cap=4, capacity=100)
    one_device = Client(ip="", device="shared-device-1")
    first = _checkout(session, ticket_type, email="a1@example.com", quantity=4, client=one_device)
    second = _checkout(session, ticket_type, email="a2@example.com", quantity=4, client=one_device)
    assert first[0].review_state is None and second[0].review_state is None
    # a small order from the same device is not the pattern
    facts = _facts("a3@example.com", client=one_device, lines=(Line(event.id or 0, 1, 4),))
    assert screening.evaluate(session, facts).hits == ()
    [third] = _checkout(session, ticket_type, email="a3@example.com", quantity=4, client=one_device)
    assert third.review_state == ReviewState.HELD
    [assessment] = session.exec(select(RiskAssessment).where(RiskAssessment.order_id == third.id)).all()
    assert assessment.reasons[0]["rule"] == "near_cap_accounts" and assessment.reasons[0]["values"]["buyers"] == 3


def test_two_medium_signals_refuse(session: Session) -> None:
    user = make_user(session, "fresh@mailinator.com")
    verdict = screening.evaluate(
        session, _facts("fresh@mailinator.com", user_id=user.id, total_minor=get_settings().risk.large_order_minor)
    )
    assert _rules(verdict) == {"disposable", "new_account_large_order"}
    assert verdict.decision == RiskDecision.REFUSE


def test_thresholds_are_settings(session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RISK_REVIEW_SCORE", "80")
    get_settings.cache_clear()
    try:
        assert screening.evaluate(session, _facts("x@mailinator.com")).decision == RiskDecision.ALLOW
        monkeypatch.setenv("RISK_REFUSE_SCORE", "40")
        get_settings.cache_clear()
        assert screening.evaluate(session, _facts("x@mailinator.com")).decision == RiskDecision.REFUSE
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()


def test_a_decline_ending_an_order_is_recorded_from_its_checkout_origin(session: Session) -> None:
    from ticketapp.services.orders import lifecycle

    _, ticket_type = make_event(session, price_minor=300)
    [order] = _checkout(session, ticket_type)
    assert lifecycle.end_unpaid(session, order.id or 0, OrderStatus.FAILED, "declined")
    [attempt] = session.exec(select(PaymentAttempt)).all()
    assert (attempt.ip, attempt.device, attempt.declined, attempt.amount_minor) == (HERE.ip, HERE.device, True, 300)


def test_paid_orders_made_elsewhere_are_not_judged_again(session: Session) -> None:
    _, ticket_type = make_event(session)
    order, _ = make_order(session, [(ticket_type, 1)], status=OrderStatus.PAID)
    assert screening.screen_payment(session, order) is None
