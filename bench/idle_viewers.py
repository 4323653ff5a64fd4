"""Idle chat viewers: the backend's CPU with 0 and with N open, idle chat panels (issue 12: 200 add < 5 % CPU).

Each viewer is a tab speaking the compiled frontend's websocket protocol (webbench.tab): it opens the home page
(the chat panel mounts on every page), opens the panel and starts a guest chat, then sits idle. Live updates are
pushed (state/live.py), so an idle viewer should cost the backend nothing; the per-viewer polling this replaced
read the database every 0.6 s per open panel. CPU is the backend workers' user + system time from
/proc/<pid>/stat over the window, as a percentage of one core. The script prints figures and never fails on them.

    .venv/bin/python bench/idle_viewers.py                     # make run's app on http://localhost:3000
    .venv/bin/python bench/idle_viewers.py --serve --viewers 200 --seconds 30
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from webbench import shop
from webbench.figures import load_average
from webbench.procs import backend_pids
from webbench.serve import add_target_arguments, describe, target_app
from webbench.site import Site, read_site
from webbench.tab import StepError, Tab

from ticketapp.state.support.chat import SupportChatState

CHAT = SupportChatState.get_full_name()
OPENING_CONCURRENCY = 8
SETTLE_S = 3.0  # let the last openings' work finish before measuring


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time of `pids` so far (/proc/<pid>/stat fields 14 and 15)."""
    ticks = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def cpu_percent(pids: list[int], seconds: float) -> float:
    before = cpu_seconds(pids)
    time.sleep(seconds)
    return (cpu_seconds(pids) - before) / seconds * 100


def open_chat_viewer(site: Site, number: int) -> Tab:
    """A new tab on the home page with the chat panel open and a guest chat started, left idle."""
    tab = Tab(site)
    tab.open("/", {}, [*shop.LAYOUT_ON_MOUNT, shop.handler(SupportChatState, "watch")])
    tab.wait_for(lambda t: t.hydrated, 60, "home page")
    tab.send(shop.handler(SupportChatState, "toggle_panel"))
    name, payload = shop.call(
        SupportChatState,
        "start",
        {"guest_name": f"Idle {number}", "guest_email": f"idle-{number}@example.com", "topic": "other"},
    )
    tab.send(name, payload)
    tab.wait_for(lambda t: t.get(CHAT, "started") is True, 60, "chat started")
    return tab


def open_viewers(site: Site, count: int) -> tuple[list[Tab], list[str]]:
    tabs: list[Tab] = []
    errors: list[str] = []
    numbers = iter(range(count))
    lock = threading.Lock()

    def opener() -> None:
        while True:
            with lock:
                number = next(numbers, None)
            if number is None:
                return
            try:
                tab = open_chat_viewer(site, number)
            except StepError as failed:
                errors.append(str(failed))
                continue
            with lock:
                tabs.append(tab)

    threads = [threading.Thread(target=opener) for _ in range(OPENING_CONCURRENCY)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return tabs, errors


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    add_target_arguments(parser)
    parser.add_argument("--viewers", type=int, default=200, help="idle chat viewers to open")
    parser.add_argument("--seconds", type=float, default=30.0, help="length of each CPU window")
    args = parser.parse_args(argv)
    print(f"target: {args.viewers} idle chat viewers add < 5 % CPU")
    with target_app(args) as app:
        if app is None:
            print(f"no app answers at {args.url}: skipped (start `make run`, or pass --serve)")
            return 0
        pids = backend_pids(app.port)
        if not pids:
            print(f"no process found listening on port {app.port}: CPU cannot be read (is the app on this machine?)")
            return 0
        site = read_site(app.url)
        print(f"app: {describe(app, args)}; backend workers {pids}")
        time.sleep(SETTLE_S)
        idle = cpu_percent(pids, args.seconds)
        print(f"  0 viewers: backend CPU {idle:5.1f} % over {args.seconds:.0f} s — {load_average()}")
        started = time.monotonic()
        tabs, errors = open_viewers(site, args.viewers)
        print(f"  opened {len(tabs)} chat viewers in {time.monotonic() - started:.1f} s, {len(errors)} failed")
        if errors:
            print(f"  first failure: {errors[0]}")
        time.sleep(SETTLE_S)
        busy = cpu_percent(pids, args.seconds)
        print(f"{len(tabs):>3} viewers: backend CPU {busy:5.1f} % over {args.seconds:.0f} s — {load_average()}")
        print(f"  {len(tabs)} idle viewers add {busy - idle:+.1f} % CPU (of one core)")
        for tab in tabs:
            tab.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
