"""Builders for payment tests: a configured fake Stripe and pending orders."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from sqlmodel import Session

from tests.fakes.stripe_api import FakeStripe, FakeStripeServer, event_payload, sign_webhook
from tests.integration.booking_fixtures import make_event, token
from ticketapp.models import Order, TicketType
from ticketapp.services.booking import checkout as order_service
from ticketapp.services.booking import holds
from ticketapp.settings import get_settings

WEBHOOK_SECRET = "whsec_test_secret"


@pytest.fixture
def fake_stripe(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeStripe]:
    with FakeStripeServer() as fake:
        monkeypatch.setenv("STRIPE_SECRET_KEY", "sk_test_ticketapp")
        monkeypatch.setenv("STRIPE_WEBHOOK_SECRET", WEBHOOK_SECRET)
        monkeypatch.setenv("STRIPE_API_BASE", fake.base_url)
        get_settings.cache_clear()
        yield fake
    get_settings.cache_clear()


def pending_order(
    session: Session, *, quantity: int = 2, capacity: int = 50, price_minor: int = 2500, currency: str = "EUR"
) -> tuple[Order, TicketType]:
    _, ticket_type = make_event(session, capacity=capacity, price_minor=price_minor, currency=currency)
    cart = token()
    holds.set_hold_quantity(session, cart, ticket_type.id, quantity)
    [order] = order_service.convert_cart_to_pending_order(
        session, cart, buyer_name="Ada Lovelace", buyer_email="ada@example.com"
    )
    return order, ticket_type


def checkout_object(order: Order, **overrides: Any) -> dict[str, Any]:
    obj = {
        "id": "cs_test_123",
        "object": "checkout.session",
        "amount_total": order.total_minor,
        "currency": order.currency.lower(),
        "payment_status": "paid",
        "payment_intent": "pi_test_123",
        "metadata": {"order_id": str(order.id), "order_code": order.code},
    }
    obj.update(overrides)
    return obj


def signed_event(event_type: str, obj: dict[str, Any], event_id: str | None = None) -> tuple[bytes, str]:
    payload = event_payload(event_type, obj, event_id)
    return payload, sign_webhook(payload, WEBHOOK_SECRET)


def parse(payload: bytes) -> dict[str, Any]:
    return json.loads(payload)
