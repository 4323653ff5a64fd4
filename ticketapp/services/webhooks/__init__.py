"""Outgoing webhooks (issue 19): organisers' endpoints, the durable delivery outbox, signing and retries.

`events.record(session, type, data)` is called by the service that writes a fact, in its transaction:
one `WebhookDelivery` row per subscribed endpoint. After that commit the `webhooks.due` hook starts the
sending job; a periodic job sends whatever is due (first tries, retries on their backoff schedule), so a
killed worker or a lost job only delays a delivery. See docs/webhooks.md for receivers.
"""
