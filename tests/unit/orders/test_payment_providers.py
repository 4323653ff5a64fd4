"""Which payment providers are offered, under which settings, and in which order."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ticketapp.models import Payment
from ticketapp.services.orders import payments as order_payments
from ticketapp.services.orders.providers import registry
from ticketapp.services.orders.providers import stripe as stripe_provider
from ticketapp.services.orders.providers.base import PaymentMethod
from ticketapp.settings import get_settings

M = PaymentMethod


@pytest.fixture
def configure(monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    """Set the Stripe keys and DEMO_PAYMENTS (empty, never unset: a developer's .env must not leak in)."""

    def apply(*, stripe: bool = False, webhook_secret: bool = True, demo: bool = False) -> None:
        monkeypatch.setenv("STRIPE_SECRET_KEY", "sk_test_unit" if stripe else "")
        monkeypatch.setenv("STRIPE_WEBHOOK_SECRET", "whsec_unit" if stripe and webhook_secret else "")
        monkeypatch.setenv("DEMO_PAYMENTS", "1" if demo else "")
        get_settings.cache_clear()

    yield apply
    monkeypatch.undo()
    get_settings.cache_clear()


def _offered(total_minor: int) -> list[PaymentMethod]:
    return [offered.method for offered in registry.providers_for(total_minor)]


@pytest.mark.parametrize("stripe", [False, True])
@pytest.mark.parametrize("demo", [False, True])
def test_a_zero_total_is_only_offered_free(configure, stripe: bool, demo: bool) -> None:
    configure(stripe=stripe, demo=demo)
    assert _offered(0) == [M.FREE]


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        ({}, [M.DEMO, M.BANK_TRANSFER]),
        ({"demo": True}, [M.DEMO, M.BANK_TRANSFER]),
        ({"stripe": True}, [M.STRIPE, M.BANK_TRANSFER]),
        ({"stripe": True, "demo": True}, [M.STRIPE, M.DEMO, M.BANK_TRANSFER]),
        # A secret key without the webhook secret could never confirm a payment: Stripe stays off.
        ({"stripe": True, "webhook_secret": False}, [M.DEMO, M.BANK_TRANSFER]),
    ],
)
def test_paid_totals_are_offered_in_display_order(configure, settings: dict[str, bool], expected: list) -> None:
    configure(**settings)
    assert _offered(1000) == expected
    assert order_payments.available_methods(1000) == expected


def test_every_method_has_its_provider_and_an_unknown_one_is_refused(configure) -> None:
    configure()  # lookup ignores what is offered: a past Stripe payment is still refunded by Stripe
    assert [registry.provider(method).method for method in PaymentMethod] == list(PaymentMethod)
    with pytest.raises(registry.UnknownPaymentMethodError):
        registry.provider("paypal")


@pytest.mark.parametrize("method", [M.DEMO, M.BANK_TRANSFER, M.FREE])
def test_providers_that_took_no_money_refund_nothing(configure, method: PaymentMethod) -> None:
    configure(stripe=True)
    payment = Payment(order_id=1, provider=method, amount_minor=2500, currency="EUR", intent_reference="pi_1")
    assert registry.provider(method).refund(payment, 2500, idempotency_key="refund-TK-1") is None


@pytest.mark.parametrize(("intent", "amount"), [(None, 2500), ("pi_1", 0)])
def test_stripe_calls_no_api_without_an_intent_or_an_amount(
    configure, monkeypatch: pytest.MonkeyPatch, intent: str | None, amount: int
) -> None:
    configure(stripe=True)

    def no_api() -> None:
        raise AssertionError("Stripe's API was called")

    monkeypatch.setattr(stripe_provider, "stripe_gateway", no_api)
    payment = Payment(order_id=1, provider=M.STRIPE, amount_minor=2500, currency="EUR", intent_reference=intent)
    assert registry.provider(M.STRIPE).refund(payment, amount, idempotency_key="refund-TK-1") is None
