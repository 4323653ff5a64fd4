"""Journey: door staff scan a ticket's QR code with the device camera on /checkin.

No real camera in CI: Chromium plays a .y4m file (written here, showing the ticket's
real signed QR token) as its fake webcam, and the camera permission is granted.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import qrcode
from PIL import Image
from playwright.sync_api import Page, Playwright, expect

from tests.e2e.conftest import CHROMIUM
from tests.e2e.test_checkin_page import sold_tickets

# Not the event test_checkin_page counts from zero: these tests run before it.
CAMERA_EVENT = "Lyon Tech Summit"
VIDEO_W, VIDEO_H = 640, 480
# qr-scanner looks at the central 2/3 square of the picture: keep the QR well inside it.
QR_SIDE = 300


def qr_video_frame(text: str) -> bytes:
    """One YUV 4:2:0 frame: the QR (with its quiet zone) centred on white, colour planes neutral."""
    code = qrcode.QRCode(border=4, error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(text)
    code.make(fit=True)
    qr = code.make_image(fill_color="black", back_color="white").get_image().convert("L")
    qr = qr.resize((QR_SIDE, QR_SIDE), Image.Resampling.NEAREST)
    luma = Image.new("L", (VIDEO_W, VIDEO_H), 255)
    luma.paste(qr, ((VIDEO_W - QR_SIDE) // 2, (VIDEO_H - QR_SIDE) // 2))
    chroma = bytes([128]) * (VIDEO_W // 2 * VIDEO_H // 2)
    return luma.tobytes() + chroma + chroma


def write_fake_camera_video(path: Path, text: str, frames: int = 10) -> Path:
    header = f"YUV4MPEG2 W{VIDEO_W} H{VIDEO_H} F10:1 Ip A1:1 C420jpeg\n".encode()
    frame = b"FRAME\n" + qr_video_frame(text)
    path.write_bytes(header + frame * frames)
    return path


def _record_if_outside(url: str, seen: list[str]) -> None:
    parts = urlsplit(url)
    if parts.scheme in ("http", "https", "ws", "wss") and parts.hostname not in ("localhost", "127.0.0.1"):
        seen.append(url)


def test_door_scans_a_ticket_qr_with_the_camera(playwright: Playwright, browser_type_launch_args, live_app, tmp_path):
    event_id, (_code, _void, qr_token), staff_token = sold_tickets(
        live_app.database_url, live_app.data_dir, CAMERA_EVENT
    )
    video = write_fake_camera_video(tmp_path / "qr.y4m", qr_token)
    browser = playwright.chromium.launch(
        executable_path=CHROMIUM,
        args=[
            *browser_type_launch_args["args"],
            "--use-fake-ui-for-media-stream",
            "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-video-capture={video}",
        ],
    )
    try:
        context = browser.new_context(base_url=live_app.url)
        context.grant_permissions(["camera"], origin=live_app.url)
        # Offline decoding: the scanner must not fetch anything (wasm, worker) from outside the app.
        outside_requests: list[str] = []
        context.on("request", lambda request: _record_if_outside(request.url, outside_requests))
        page = context.new_page()
        page.set_default_timeout(20_000)
        page.goto("/checkin")
        page.get_by_label("Staff token").fill(staff_token)
        page.get_by_role("button", name="Unlock").click()
        page.get_by_label("Event", exact=True).select_option(str(event_id))
        counter = page.get_by_role("status").filter(has_text="Checked in")
        expect(counter).to_contain_text(re.compile(r"Checked in\s*\d+\s*/"))
        before = int(re.search(r"Checked in\s*(\d+)", counter.inner_text()).group(1))

        camera = page.get_by_role("region", name="Camera scanner")
        camera.get_by_role("button", name="Start camera").click()
        expect(camera.get_by_role("status")).to_contain_text("Camera on")
        result = page.get_by_role("status").filter(has_text="let in")
        expect(result).to_contain_text("Valid: let in")
        expect(result).to_contain_text("Inès Laurent")
        expect(counter).to_contain_text(re.compile(rf"Checked in\s*{before + 1}\s*/"))

        # The same QR stays in front of the camera (the video loops): decoded again and again,
        # but within the de-duplication window it is not scanned a second time.
        # Absence can only be shown by waiting a little: ~7 more decodes at 5 per second.
        page.wait_for_timeout(1_500)
        expect(page.get_by_text("Already used")).to_have_count(0)
        expect(result).to_contain_text("Valid: let in")

        camera.get_by_role("button", name="Stop camera").click()
        expect(camera.get_by_role("status")).to_contain_text("Camera off.")
        expect(page.get_by_label("Ticket code")).to_be_enabled()
        assert outside_requests == []
    finally:
        browser.close()


def test_refused_or_missing_camera_leaves_manual_entry(page: Page, live_app) -> None:
    """The default test browser has no camera at all: a clear message, and typing codes still works."""
    event_id, (code, _void, _qr), staff_token = sold_tickets(live_app.database_url, live_app.data_dir, CAMERA_EVENT)
    page.goto("/checkin")
    page.get_by_label("Staff token").fill(staff_token)
    page.get_by_role("button", name="Unlock").click()
    page.get_by_label("Event", exact=True).select_option(str(event_id))
    camera = page.get_by_role("region", name="Camera scanner")
    camera.get_by_role("button", name="Start camera").click()
    expect(camera.get_by_role("status")).to_contain_text("The camera could not start")
    expect(camera.get_by_role("button", name="Start camera")).to_be_visible()

    page.get_by_label("Ticket code").fill(code)
    page.get_by_role("button", name="Check in").click()
    expect(page.get_by_role("status").filter(has_text="let in")).to_contain_text("Valid: let in")
