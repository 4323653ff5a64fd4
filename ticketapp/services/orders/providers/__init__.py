"""Payment providers (DESIGN.md "Payments"): Stripe, demo, bank transfer, free."""
