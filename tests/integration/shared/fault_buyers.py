"""A buyer process for the fault tests: `python -m tests.integration.shared.fault_buyers N [--wait]`.

Creates N pending orders the way buyers do and pays each (demo provider), with the
environment the test gives it (its own DATA_DIR, database and queue, JOBS_IMMEDIATE=0).
Prints one line per order, `<id> <code> <outcome>`; any exception makes the process fail,
as it would reach the buyer. With `--wait` it says "ready" once started (its queue open)
and pays when a line arrives on stdin, so a test can break the queue under a running app.
"""

from __future__ import annotations

import sys
import uuid

import ticketapp.tasks  # noqa: F401  (subscribes the jobs, as the app does)
from tests.factories import make_pending_order
from ticketapp.db import session_scope
from ticketapp.services.orders import payments


def main(count: int) -> None:
    for n in range(count):
        with session_scope() as session:
            # One buyer each: many orders from one address in an hour would be held by the risk rules.
            order, _ = make_pending_order(
                session, quantity=2, buyer_email=f"buyer-{n}-{uuid.uuid4().hex[:8]}@example.com"
            )
            outcome = payments.record_payment(
                session,
                order.id or 0,
                provider="demo",
                reference=f"demo-{order.code}",
                amount_minor=order.total_minor,
                currency=order.currency,
            )
            print(order.id, order.code, outcome.value, flush=True)


if __name__ == "__main__":
    if "--wait" in sys.argv:
        print("ready", flush=True)
        sys.stdin.readline()
    main(int(sys.argv[1]))
