"""Check-in latency: scan 500 QR tokens through the service on SQLite; print scans/s and p50/p95.

Target: p95 under 50 ms per scan (a scan must answer "within a blink").
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from joserfc.jwk import OKPKey
from sqlmodel import Session

from tests.factories import make_event_with_vip, make_order, make_staff
from ticketapp.db import make_engine, upgrade_database
from ticketapp.services.tickets.checkin import ScanOutcome, scan
from ticketapp.services.tickets.issuing import issue_tickets, token_for_ticket
from ticketapp.services.tickets.tokens import public_key

TICKETS = 500
TARGET_P95_MS = 50.0


def main() -> int:
    key = OKPKey.generate_key("Ed25519")
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/bench.db"
        upgrade_database(url)
        engine = make_engine(url)
        with Session(engine, expire_on_commit=False) as session:
            event, standard, _ = make_event_with_vip(session)
            order, _ = make_order(session, [(standard, TICKETS)])
            tickets = issue_tickets(session, order.id)
            staff = make_staff(session)
            tokens = [token_for_ticket(session, ticket, key) for ticket in tickets]
            verifier = public_key(key)
            timings = []
            started = time.perf_counter()
            for token in tokens:
                before = time.perf_counter()
                outcome = scan(session, event.id, token, staff.id, verifier, now=event.starts_at).outcome
                timings.append((time.perf_counter() - before) * 1000)
                assert outcome == ScanOutcome.VALID
            total = time.perf_counter() - started
        engine.dispose()
    p50 = statistics.median(timings)
    p95 = statistics.quantiles(timings, n=20)[-1]
    print(f"check-in scans  : {TICKETS} in {total:.2f} s = {TICKETS / total:.0f} scans/s (one door, SQLite)")
    print(f"latency         : p50 {p50:.1f} ms, p95 {p95:.1f} ms, max {max(timings):.1f} ms")
    print(f"target p95 < {TARGET_P95_MS:.0f} ms: {'met' if p95 < TARGET_P95_MS else 'NOT met'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
