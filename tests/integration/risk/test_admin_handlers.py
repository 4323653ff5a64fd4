"""The admin risk handlers, called the way Reflex calls them, as a customer (crafted events) and as
an admin: the customer changes nothing and sees the 403 panel; the admin's same calls work."""

from __future__ import annotations

import pytest
import reflex as rx
from sqlmodel import Session, select

from tests.factories import make_event, make_user, token
from tests.unit.test_bounded_vars import _call, _fresh
from ticketapp.models import BlockEntry, BlockKind, Order, ReviewState, Role, User
from ticketapp.services.accounts import access
from ticketapp.services.accounts.access import Viewer
from ticketapp.services.booking import checkout, holds
from ticketapp.services.risk import blocks
from ticketapp.state.admin.risk import AdminBlocksState, AdminReviewState, AdminSecurityState


def _viewer(user: User) -> Viewer:
    return Viewer(id=user.id or 0, name=user.display_name, email=user.email, role=user.role, two_factor_enabled=True,
                  second_factor_given=True)  # fmt: skip


@pytest.fixture
def signed_in(monkeypatch: pytest.MonkeyPatch) -> list[Viewer]:
    """The person behind the crafted events; the real access rule decides what they may do."""
    who: list[Viewer] = []

    async def staff_viewer(_state: rx.State, role: Role) -> Viewer | None:
        try:
            return access.require(who[0], role)
        except access.AccessRefusedError:
            return None

    monkeypatch.setattr("ticketapp.state.base.staff_viewer", staff_viewer)
    return who


def _held(session: Session) -> Order:
    _, ticket_type = make_event(session)
    cart = token()
    holds.set_hold_quantity(session, cart, ticket_type.id, 1)
    [order] = checkout.convert_cart_to_pending_order(session, cart, buyer_name="X", buyer_email="x@mailinator.com")
    assert order.review_state == ReviewState.HELD
    return order


def test_a_customers_crafted_calls_change_nothing(session: Session, app_db: str, signed_in: list[Viewer]) -> None:
    customer = make_user(session, "crafty@example.com")
    admin = make_user(session, "boss@example.com", role="admin")
    order = _held(session)
    block = blocks.add_block(session, admin.id or 0, BlockKind.DOMAIN, "keep.test", "keep")
    signed_in.append(_viewer(customer))

    review, block_list, security = _fresh(AdminReviewState), _fresh(AdminBlocksState), _fresh(AdminSecurityState)
    _call(review, "load")
    _call(review, "approve", order.code)
    _call(review, "reject", {"code": order.code, "reason": "crafted"})
    _call(block_list, "add", {"kind": "domain", "value": "example.com", "reason": "crafted"})
    _call(block_list, "remove", str(block.id))
    _call(security, "apply_filters", {"kind": ""})
    _call(security, "toggle_table")

    session.expire_all()
    assert session.get(Order, order.id).review_state == ReviewState.HELD  # type: ignore[union-attr]
    assert [(b.kind, b.value) for b in session.exec(select(BlockEntry))] == [(BlockKind.DOMAIN, "keep.test")]
    for state in (review, block_list, security):
        assert state.forbidden is True
    assert review.rows == [] and security.rows == [] and security.chart is None and security.as_table is False


def test_the_same_calls_work_for_an_admin(session: Session, app_db: str, signed_in: list[Viewer]) -> None:
    admin = make_user(session, "boss@example.com", role="admin")
    order = _held(session)
    signed_in.append(_viewer(admin))
    review, block_list = _fresh(AdminReviewState), _fresh(AdminBlocksState)
    _call(review, "load")
    assert [row["code"] for row in review.rows] == [order.code]
    _call(review, "reject", {"code": order.code, "reason": "fake buyer"})
    _call(block_list, "add", {"kind": "ip", "value": "203.0.113.0/24", "reason": "card testing", "days": "x"})
    assert block_list.message_is_error and "whole number" in block_list.message
    _call(block_list, "add", {"kind": "ip", "value": "203.0.113.7/24", "reason": "card testing", "days": "30"})
    session.expire_all()
    assert session.get(Order, order.id).review_state == ReviewState.REJECTED  # type: ignore[union-attr]
    [entry] = session.exec(select(BlockEntry)).all()
    assert entry.value == "203.0.113.0/24" and entry.expires_at is not None
    assert [row["value"] for row in block_list.rows] == ["203.0.113.0/24"]
