"""Ticket PDF throughput: render 200 tickets, print tickets/s and peak memory.

Target: ≥ 20 tickets/s on one core (a 1,000-ticket order in under a minute of job time).
Runs on a throw-away SQLite database; nothing touches the app's data.
"""

from __future__ import annotations

import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from joserfc.jwk import OKPKey
from sqlmodel import Session

from tests.ticket_factories import make_event, make_order
from ticketapp.db import make_engine, upgrade_database
from ticketapp.services.ticket_issuing import issue_tickets
from ticketapp.services.ticket_pdf import order_pages, qr_png, render_pdf

TICKETS = 200
TARGET_PER_S = 20.0


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/bench.db"
        upgrade_database(url)
        engine = make_engine(url)
        with Session(engine, expire_on_commit=False) as session:
            _, standard, _ = make_event(session)
            order, _ = make_order(session, [(standard, TICKETS)])
            issue_tickets(session, order.id)
            key = OKPKey.generate_key("Ed25519")
            pages = order_pages(session, order.id, "fr", key)
        engine.dispose()

    render_pdf(pages[:1], "fr", "Ticketapp")  # warm-up: fonts, imports
    rss_before = peak_rss_mib()
    started = time.perf_counter()
    one_by_one = [render_pdf([page], "fr", "Ticketapp") for page in pages]
    single_s = time.perf_counter() - started
    rss_single = peak_rss_mib()
    qr_png.cache_clear()  # the order run must draw its QR codes again, not reuse the cached images
    started = time.perf_counter()
    combined = render_pdf(pages, "fr", "Ticketapp")
    combined_s = time.perf_counter() - started
    rss_combined = peak_rss_mib()
    # tracemalloc slows rendering ~2.5x, so the Python-heap peak is measured on a separate small run.
    qr_png.cache_clear()
    tracemalloc.start()
    render_pdf(pages[:20], "fr", "Ticketapp")
    _, heap_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    single_rate = TICKETS / single_s
    size_kib = sum(map(len, one_by_one)) / TICKETS / 1024
    print(f"per-ticket PDFs : {TICKETS} in {single_s:.2f} s = {single_rate:.1f} tickets/s, {size_kib:.0f} KiB each")
    print(
        f"one order PDF   : {TICKETS} pages in {combined_s:.2f} s = {TICKETS / combined_s:.1f} tickets/s, "
        f"{len(combined) / 2**20:.1f} MiB"
    )
    print(
        f"peak RSS        : {rss_before:.0f} MiB before, {rss_single:.0f} after per-ticket, "
        f"{rss_combined:.0f} after the {TICKETS}-page order"
    )
    print(f"Python heap peak: {heap_peak / 2**20:.1f} MiB for a 20-page PDF (tracemalloc)")
    print(f"target >= {TARGET_PER_S:.0f} tickets/s: {'met' if single_rate >= TARGET_PER_S else 'NOT met'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
