"""Ticket PDF throughput: render 200 tickets, print tickets/s and peak memory.

Target: ≥ 20 tickets/s on one core (a 1,000-ticket order in under a minute of job time).
Runs on a throw-away SQLite database; nothing touches the app's data.
"""

from __future__ import annotations

import io
import os
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from joserfc.jwk import OKPKey
from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import cm
from reportlab.pdfgen import canvas
from sqlmodel import Session

from tests.factories import make_event_with_vip, make_order
from ticketapp.db import make_engine, upgrade_database
from ticketapp.services.tickets.issuing import issue_tickets
from ticketapp.services.tickets.pdf import TicketPage, order_pages, qr_png, render_pdf

TICKETS = 200
TARGET_PER_S = 20.0


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def reportlab_canvas_ticket(page: TicketPage) -> bytes:
    """The same fields drawn straight on a reportlab canvas, as pretix does: the baseline we compare to."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    y = A4[1] - 2 * cm
    for size, text in [
        (22, page.event_title),
        (13, page.starts_at),
        (11, f"{page.venue}, {page.venue_address}"),
        (11, f"{page.ticket_type} · {page.attendee_name} · {page.order_code} · {page.price}"),
    ]:
        pdf.setFont("Helvetica", size)
        pdf.drawString(2 * cm, y, text)
        y -= size + 8
    widget = QrCodeWidget(page.token, barLevel="M")
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(7 * cm, 7 * cm, transform=[7 * cm / (x1 - x0), 0, 0, 7 * cm / (y1 - y0), 0, 0])
    drawing.add(widget)
    renderPDF.draw(drawing, pdf, 7 * cm, y - 8 * cm)
    pdf.setFont("Helvetica-Bold", 20)
    pdf.drawCentredString(A4[0] / 2, y - 9 * cm, page.ticket_code)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/bench.db"
        upgrade_database(url)
        engine = make_engine(url)
        with Session(engine, expire_on_commit=False) as session:
            _, standard, _ = make_event_with_vip(session)
            order, _ = make_order(session, [(standard, TICKETS)])
            issue_tickets(session, order.id)
            key = OKPKey.generate_key("Ed25519")
            pages = order_pages(session, order.id, "fr", key)
        engine.dispose()

    render_pdf(pages[:1], "fr", "Ticketapp")  # warm-up: fonts, imports
    rss_before = peak_rss_mib()
    started, cpu_started = time.perf_counter(), time.process_time()
    one_by_one = [render_pdf([page], "fr", "Ticketapp") for page in pages]
    single_s, single_cpu = time.perf_counter() - started, time.process_time() - cpu_started
    rss_single = peak_rss_mib()
    qr_png.cache_clear()  # the order run must draw its QR codes again, not reuse the cached images
    started, cpu_started = time.perf_counter(), time.process_time()
    combined = render_pdf(pages, "fr", "Ticketapp")
    combined_s, combined_cpu = time.perf_counter() - started, time.process_time() - cpu_started
    rss_combined = peak_rss_mib()
    # tracemalloc slows rendering ~2.5x, so the Python-heap peak is measured on a separate small run.
    qr_png.cache_clear()
    tracemalloc.start()
    render_pdf(pages[:20], "fr", "Ticketapp")
    _, heap_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    # CPU time is reported too: on a shared machine wall time mostly measures the neighbours.
    single_rate = TICKETS / single_cpu
    size_kib = sum(map(len, one_by_one)) / TICKETS / 1024
    print(
        f"per-ticket PDFs : {TICKETS} in {single_s:.2f} s wall = {TICKETS / single_s:.1f} tickets/s; "
        f"{single_cpu:.2f} s CPU = {single_rate:.1f} tickets/CPU-s; {size_kib:.0f} KiB each"
    )
    print(
        f"one order PDF   : {TICKETS} pages in {combined_s:.2f} s wall = {TICKETS / combined_s:.1f} tickets/s; "
        f"{combined_cpu:.2f} s CPU = {TICKETS / combined_cpu:.1f} tickets/CPU-s; {len(combined) / 2**20:.1f} MiB"
    )
    print(
        f"peak RSS        : {rss_before:.0f} MiB before, {rss_single:.0f} after per-ticket, "
        f"{rss_combined:.0f} after the {TICKETS}-page order"
    )
    print(f"load average    : {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"Python heap peak: {heap_peak / 2**20:.1f} MiB for a 20-page PDF (tracemalloc)")
    started, cpu_started = time.perf_counter(), time.process_time()
    baseline = [reportlab_canvas_ticket(page) for page in pages]
    base_s, base_cpu = time.perf_counter() - started, time.process_time() - cpu_started
    print(
        f"reportlab canvas: {TICKETS} in {base_s:.2f} s wall = {TICKETS / base_s:.1f} tickets/s; "
        f"{base_cpu:.2f} s CPU = {TICKETS / base_cpu:.1f} tickets/CPU-s; "
        f"{sum(map(len, baseline)) / TICKETS / 1024:.0f} KiB each (pretix's approach, vector QR, no HTML)"
    )
    verdict = "met" if single_rate >= TARGET_PER_S else "NOT met"
    print(f"target >= {TARGET_PER_S:.0f} tickets per CPU-second (per-ticket PDFs): {verdict}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
