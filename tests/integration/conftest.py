"""Fixtures shared by the integration tests."""

from tests.integration.payment_fixtures import fake_stripe  # noqa: F401  (fixture)
