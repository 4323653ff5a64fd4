"""Payment providers (DESIGN.md "Payments"): Stripe, demo, bank transfer, free.

`base` is what a provider offers (the `PaymentProvider` protocol), `registry` lists them
in display order. The Stripe API and webhook code stay in `stripe_gateway`,
`stripe_webhooks` and `stripe_events`.
"""
