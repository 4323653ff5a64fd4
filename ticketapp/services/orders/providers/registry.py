"""Every payment provider, in the order the buyer sees them."""

from __future__ import annotations

from ticketapp.services.orders.providers.bank_transfer import BankTransferProvider
from ticketapp.services.orders.providers.base import AuthorisingProvider, PaymentProvider
from ticketapp.services.orders.providers.demo import DemoProvider
from ticketapp.services.orders.providers.free import FreeProvider
from ticketapp.services.orders.providers.stripe import StripeProvider

PROVIDERS: tuple[PaymentProvider, ...] = (StripeProvider(), DemoProvider(), BankTransferProvider(), FreeProvider())


class UnknownPaymentMethodError(LookupError):
    """No provider has this id (a programming error or a forged form value)."""


def providers_for(total_minor: int) -> list[PaymentProvider]:
    """The providers offered for an order of this total under the current settings."""
    return [candidate for candidate in PROVIDERS if candidate.is_available(total_minor)]


def provider(method: str) -> PaymentProvider:
    """The provider with this id, offered or not (a past payment is refunded by the one that took it)."""
    for candidate in PROVIDERS:
        if candidate.method == method:
            return candidate
    raise UnknownPaymentMethodError(method)


def authorising_provider(method: str) -> AuthorisingProvider:
    """The provider with this id, if it can capture and release authorisations (Stripe)."""
    found = provider(method)
    if not isinstance(found, AuthorisingProvider):
        raise UnknownPaymentMethodError(f"{method} takes no authorisations")
    return found
