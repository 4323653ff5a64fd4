"""Whole browser purchases over the real websocket: N buyers in a closed loop; orders/s, latency per step, seats.

Targets (issue 12, on the CI-size 2-core machine, SQLite and PostgreSQL + Redis with 2 backend workers):
≥ 30 orders/s at 8 buyers with p95 < 500 ms for the whole purchase; ≥ 30 orders/s at 32 buyers with p95 < 1 s;
0 failures and 0 seats oversold. The script prints figures and never fails on them.

Each buyer is a new browser tab per purchase (own token, empty cookie jar, so its own cart) speaking the compiled
frontend's protocol to `/_event` (see bench/webbench/tab.py), and does what a person does:
open the event page (connect + hydrate + on_load + on_mount) → choose 2 → add to cart → go to checkout (on_load) →
name, e-mail, terms, demo payment → place order → the demo payment page → pay → the order page says paid.
A step ends when the page shows its result. The bench event (1,000,000 seats, created through the models like
bench/orders.py) is new for each buyer count; seats sold are read back from the database afterwards, then the
event goes back to draft so it leaves the listing of the app it ran against (its orders stay).

Runs against a running app (default `make run`'s: --url http://localhost:3000, its database from the settings),
or one it starts itself:
    .venv/bin/python bench/web_purchase.py                                  # make run's app, 1, 8, 32 buyers
    .venv/bin/python bench/web_purchase.py --serve --buyers 1 8 --seconds 15
    .venv/bin/python bench/web_purchase.py --serve --postgres --redis --workers 2
    .venv/bin/python bench/web_purchase.py --serve --buyers 1 8 --code     # each buyer follows a ?code= link
With --code every purchase applies a 10 %-off promo code of the bench event through the event link (kept for the
cart, shown per line, checked and counted under the code's lock at checkout); the uses recorded are read back.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from webbench import shop
from webbench.event import BenchEvent, code_uses, create_bench_code, create_bench_event
from webbench.figures import load_average, ms, percentile
from webbench.procs import backend_pids, cpu_seconds
from webbench.serve import App, add_target_arguments, describe, target_app
from webbench.site import Site, read_site
from webbench.tab import StepError, Tab

STEPS = (
    "event page",
    "choose 2",
    "add to cart",
    "checkout",
    "details",
    "place order",
    "demo page",
    "pay",
    "order page",
)
QUANTITY = 2
PAUSE_AFTER_FAILURE_S = 0.2  # a failing app must not turn the closed loop into a busy loop


@dataclass
class Purchase:
    step_seconds: dict[str, float] = field(default_factory=dict)
    total_seconds: float = 0.0
    hydrate_bytes: int = 0
    events_sent: int = 0


@dataclass
class Tally:
    purchases: list[Purchase] = field(default_factory=list)
    failures: int = 0
    first_error: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock)

    def fail(self, error: str) -> None:
        with self.lock:
            self.failures += 1
            self.first_error = self.first_error or error


@contextmanager
def _timed(purchase: Purchase, step: str) -> Iterator[None]:
    started = time.perf_counter()
    yield
    purchase.step_seconds[step] = time.perf_counter() - started


def buy(site: Site, event: BenchEvent) -> Purchase:
    """One whole purchase by a new visitor; raises StepError with what went wrong."""
    purchase = Purchase()
    name, email = "Bench Buyer", f"buyer-{uuid.uuid4().hex[:12]}@example.com"
    tab = Tab(site)
    started = time.perf_counter()
    try:
        with _timed(purchase, "event page"):
            shop.open_event_page(tab, event)
        purchase.hydrate_bytes = tab.first_update_bytes
        with _timed(purchase, "choose 2"):
            shop.choose_quantity(tab, event, QUANTITY)
        with _timed(purchase, "add to cart"):
            shop.add_to_cart(tab, event, QUANTITY)
        with _timed(purchase, "checkout"):
            shop.go_to_checkout(tab)
        with _timed(purchase, "details"):
            shop.fill_details(tab)
        with _timed(purchase, "place order"):
            demo_path, code = shop.place_order(tab, name, email)
        with _timed(purchase, "demo page"):
            shop.open_demo_payment(tab, demo_path, code)
        with _timed(purchase, "pay"):
            status_path, code = shop.pay(tab)
        with _timed(purchase, "order page"):
            shop.open_order_page(tab, status_path, code)
    finally:
        purchase.events_sent = tab.events_sent
        tab.close()
    purchase.total_seconds = time.perf_counter() - started
    return purchase


def _buyer(site: Site, event: BenchEvent, until: float, tally: Tally) -> None:
    while time.monotonic() < until:
        try:
            purchase = buy(site, event)
        except StepError as refused:
            tally.fail(str(refused))
            time.sleep(PAUSE_AFTER_FAILURE_S)
        except Exception as exc:  # noqa: BLE001  (any crash is one failed purchase; the loop goes on)
            tally.fail(f"{type(exc).__name__}: {exc}")
            time.sleep(PAUSE_AFTER_FAILURE_S)
        else:
            with tally.lock:
                tally.purchases.append(purchase)


def run(app: App, site: Site, buyers: int, seconds: float, *, with_code: bool = False) -> None:
    event = create_bench_event(app.database_url)
    if with_code:
        event = create_bench_code(app.database_url, event)
    tally = Tally()
    promo = f", promo code {event.code} by link" if event.code else ""
    print(f"\n{buyers} buyer(s) for {seconds:.0f} s{promo} — {load_average()} before")
    pids = backend_pids(app.port)
    cpu_before = cpu_seconds(pids)
    started = time.monotonic()
    threads = [
        threading.Thread(target=_buyer, args=(site, event, started + seconds, tally), name=f"buyer-{n}")
        for n in range(buyers)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    backend_cpu = cpu_seconds(pids) - cpu_before
    seats = shop.read_seats(app.database_url, event)
    shop.retire_bench_event(app.database_url, event)
    _print(tally, elapsed, seats)
    if event.code:
        print(f"  orders recorded with the code: {code_uses(app.database_url, event):,}")
    if tally.purchases and pids:
        # Less sensitive to other load on the machine than orders/s: what one purchase costs the backend.
        per_purchase_ms = backend_cpu * 1000 / len(tally.purchases)
        print(f"  backend CPU per paid purchase: {per_purchase_ms:.0f} ms ({len(pids)} process(es))")
    print(f"  {load_average()} after")


def _print(tally: Tally, elapsed: float, seats: shop.Seats) -> None:
    done = tally.purchases
    totals = [p.total_seconds for p in done]
    print(
        f"  {len(done) / elapsed:6.1f} orders/s: {len(done)} paid in {elapsed:.1f} s, {tally.failures} failed"
        f"; whole purchase p50 {ms(percentile(totals, 0.5)).strip()} ms, p95 {ms(percentile(totals, 0.95)).strip()} ms"
    )
    if tally.first_error:
        print(f"  first failure: {tally.first_error}")
    if done:
        print(f"  events sent per purchase: {statistics.median(p.events_sent for p in done):.0f}")
    hydrates = [p.hydrate_bytes for p in done]
    if hydrates:
        print(
            f"  hydrate (first state delta on the event page): {statistics.median(hydrates):,.0f} bytes"
            f" (min {min(hydrates):,}, max {max(hydrates):,})"
        )
    print(f"  {'step':<12} {'p50 ms':>7} {'p95 ms':>7}")
    for step in STEPS:
        values: list[float] = [p.step_seconds[step] for p in done]
        print(f"  {step:<12} {ms(percentile(values, 0.5)):>7} {ms(percentile(values, 0.95)):>7}")
    print(
        f"  seats sold {seats.sold:,} of {seats.capacity:,} (paid orders in the database {seats.paid_orders:,},"
        f" seen paid by buyers {len(done):,}) — oversold: {seats.oversold}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    add_target_arguments(parser)
    parser.add_argument("--buyers", type=int, nargs="+", default=[1, 8, 32], help="buyer counts, run in sequence")
    parser.add_argument("--seconds", type=float, default=15.0, help="closed-loop duration of each run")
    parser.add_argument("--code", action="store_true", help="each buyer applies a promo code through the event link")
    args = parser.parse_args(argv)
    print("target: ≥ 30 orders/s at 8 buyers (p95 < 500 ms) and at 32 (p95 < 1 s); 0 failures, 0 oversold")
    with target_app(args) as app:
        if app is None:
            print(f"no app answers at {args.url}: skipped (start `make run`, or pass --serve)")
            return 0
        site = read_site(app.url)
        print(f"app: {describe(app, args)}")
        for buyers in args.buyers:
            run(app, site, buyers, args.seconds, with_code=args.code)
    return 0


if __name__ == "__main__":
    sys.exit(main())
