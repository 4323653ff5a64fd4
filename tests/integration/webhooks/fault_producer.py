"""The app side of the webhook fault test: `python -m tests.integration.webhooks.fault_producer URL N`.

Registers an endpoint for `customer.created` at URL and records N such events, each in its own commit, the
way sign-ups do (JOBS_IMMEDIATE=0: each commit queues a `deliver_webhooks` job for the worker). Prints the
endpoint's secret, then one event id a line.
"""

from __future__ import annotations

import sys

import ticketapp.tasks  # noqa: F401  (subscribes the jobs, as the app does)
from tests.factories import make_user
from ticketapp.db import session_scope
from ticketapp.models import Role, WebhookDelivery
from ticketapp.services.webhooks import admin, events


def main(url: str, count: int) -> None:
    with session_scope() as session:
        organiser = make_user(session, "organiser@example.com", "Organiser", Role.ADMIN)
        _, secret = admin.create_endpoint(session, url, ["customer.created"], "fault test", actor_id=organiser.id or 0)
        print(secret, flush=True)
        for n in range(count):
            customer = make_user(session, f"customer-{n}@example.com")
            events.record(session, "customer.created", events.customer_data(customer))
            session.commit()
        for row in session.query(WebhookDelivery).order_by(WebhookDelivery.id):  # type: ignore[arg-type]
            print(row.event_id, flush=True)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
