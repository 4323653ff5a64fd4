"""Event page views over the real websocket: views/s with N visitors, backend memory per visitor, full snapshot.

Targets (issue 12, on the CI-size 2-core machine): one event page view < 10 ms of backend time; a full (reconnect)
snapshot < 10 KB with no staff state in it; backend memory < 20 KB per idle visitor. The script prints figures
and never fails on them.

1. Page views: N concurrent visitors in a closed loop, each view a new tab (own token, no cookies) that opens the
   event page as a browser's first load does — connect with the compiled state hashes, hydrate, the page's on_load
   and on_mount events — until the ticket picker shows, then leaves. Prints views/s, p50/p95, the hydrate bytes.
2. Memory: the backend workers' RSS (/proc/<pid>/status, found by the port they listen on) before and after 1,000
   distinct visitors opened the page and left (their states stay on the server until they expire).
3. Full snapshot: a tab that sends no state hashes (a reconnect) gets every state; prints its size and the states
   it holds, staff ones marked.
Views go to a bench event of its own (like bench/web_purchase.py's), put back to draft at the end.

    .venv/bin/python bench/page_views.py                      # make run's app on http://localhost:3000
    .venv/bin/python bench/page_views.py --serve --clients 1 8 --seconds 15
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from webbench import shop
from webbench.event import BenchEvent, create_bench_event
from webbench.figures import load_average, ms, percentile
from webbench.procs import backend_pids, rss_kb
from webbench.serve import App, add_target_arguments, describe, target_app
from webbench.site import Site, read_site
from webbench.tab import StepError, Tab

# States only staff pages use (admin area, check-in, support desk): a customer's page should not carry them.
STAFF_MODULES = (
    "ticketapp.state.admin",
    "ticketapp.state.checkin",
    "ticketapp.state.support.admin",
    "ticketapp.state.support.agent",
)
MEMORY_CONCURRENCY = 8
SETTLE_S = 2.0  # let the backend finish the last disconnects before reading its memory


def view(site: Site, event: BenchEvent) -> tuple[float, int]:
    """One first-load page view by a new visitor: (seconds until the picker shows, hydrate bytes)."""
    tab = Tab(site)
    started = time.perf_counter()
    try:
        shop.open_event_page(tab, event)
        return time.perf_counter() - started, tab.first_update_bytes
    finally:
        tab.close()


def _visitor(
    site: Site,
    event: BenchEvent,
    keep_going: Callable[[], bool],
    results: list[tuple[float, int]],
    errors: list[str],
) -> None:
    while keep_going():
        try:
            results.append(view(site, event))
        except StepError as failed:
            errors.append(str(failed))


def _crowd(
    site: Site, event: BenchEvent, clients: int, keep_going: Callable[[], bool]
) -> tuple[list[tuple[float, int]], list[str], float]:
    """`clients` visitors viewing the page while `keep_going()`: (durations and sizes, failures, seconds)."""
    results: list[tuple[float, int]] = []
    errors: list[str] = []
    started = time.monotonic()
    threads = [
        threading.Thread(target=_visitor, args=(site, event, keep_going, results, errors)) for _ in range(clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors, time.monotonic() - started


def page_view_rate(site: Site, event: BenchEvent, clients: int, seconds: float) -> None:
    print(f"\n{clients} visitor(s) for {seconds:.0f} s — {load_average()} before")
    until = time.monotonic() + seconds
    results, errors, elapsed = _crowd(site, event, clients, lambda: time.monotonic() < until)
    durations = [duration for duration, _ in results]
    sizes = sorted(size for _, size in results)
    print(
        f"  {len(results) / elapsed:6.1f} page views/s: {len(results)} in {elapsed:.1f} s, {len(errors)} failed;"
        f" p50 {ms(percentile(durations, 0.5)).strip()} ms, p95 {ms(percentile(durations, 0.95)).strip()} ms;"
        f" hydrate {sizes[len(sizes) // 2] if sizes else 0:,} bytes"
    )
    if errors:
        print(f"  first failure: {errors[0]}")
    print(f"  {load_average()} after")


def memory_per_visitor(app: App, site: Site, event: BenchEvent, visitors: int, pids: list[int]) -> None:
    print(f"\nbackend memory, {visitors:,} distinct visitors ({MEMORY_CONCURRENCY} at a time), workers {pids}")
    if not pids:
        print(f"  no process found listening on port {app.port}: skipped (is the app on this machine?)")
        return
    before = rss_kb(pids)
    counter = iter(range(visitors))
    lock = threading.Lock()

    def next_visitor() -> bool:
        with lock:
            return next(counter, None) is not None

    results, errors, elapsed = _crowd(site, event, MEMORY_CONCURRENCY, next_visitor)
    time.sleep(SETTLE_S)
    after = rss_kb(pids)
    print(
        f"  RSS {before / 1024:,.1f} MB before, {after / 1024:,.1f} MB after {len(results):,} visitors"
        f" ({len(errors)} failed, {elapsed:.1f} s): {(after - before) / max(len(results), 1):,.1f} KB per visitor"
    )
    if errors:
        print(f"  first failure: {errors[0]}")


def _module_of(state_name: str) -> str:
    """`…ticketapp___state___admin___orders____admin_orders_state` → `ticketapp.state.admin.orders`."""
    module, _, _ = state_name.rsplit(".", 1)[-1].partition("____")
    return module.replace("___", ".")


def full_snapshot(site: Site, event: BenchEvent) -> None:
    tab = Tab(site)
    try:
        shop.open_event_page(tab, event, first_load=False)
    finally:
        tab.close()
    staff = [name for name in tab.first_update if _module_of(name).startswith(STAFF_MODULES)]
    print(
        f"\nfull (reconnect) snapshot: {tab.first_update_bytes:,} bytes, {len(tab.first_update)} states,"
        f" {len(staff)} of them staff states (* below)"
    )
    sizes = {
        name: len(json.dumps(values, separators=(",", ":"), ensure_ascii=False).encode())
        for name, values in tab.first_update.items()
    }
    for name, size in sorted(sizes.items(), key=lambda item: -item[1]):
        print(f"  {'*' if name in staff else ' '} {size:>7,} B  {name}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    add_target_arguments(parser)
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 8, 32], help="concurrent visitor counts")
    parser.add_argument("--seconds", type=float, default=15.0, help="closed-loop duration of each count")
    parser.add_argument("--visitors", type=int, default=1000, help="distinct visitors for the memory figure")
    args = parser.parse_args(argv)
    print("target: < 10 ms backend time per view; full snapshot < 10 KB, no staff state; < 20 KB per idle visitor")
    with target_app(args) as app:
        if app is None:
            print(f"no app answers at {args.url}: skipped (start `make run`, or pass --serve)")
            return 0
        site = read_site(app.url)
        event = create_bench_event(app.database_url)
        print(f"app: {describe(app, args)}")
        full_snapshot(site, event)
        for clients in args.clients:
            page_view_rate(site, event, clients, args.seconds)
        memory_per_visitor(app, site, event, args.visitors, backend_pids(app.port))
        shop.retire_bench_event(app.database_url, event)
    return 0


if __name__ == "__main__":
    sys.exit(main())
