"""The on-screen QR: a 1-bit PNG of one pixel per module that scanners read once the page scales it up."""

from __future__ import annotations

import io

import zxingcpp
from PIL import Image

from ticketapp.services.tickets.pdf import qr_png
from ticketapp.services.tickets.qr import QUIET_ZONE_MODULES, qr_matrix, screen_png

TOKEN = "v1.eyJ0IjoiQUJDRC1FRkdIIiwiZSI6NDJ9.c2lnbmF0dXJlLW9mLXRoZS10aWNrZXQtdG9rZW4tZWQyNTUxOS0wMTIzNDU2Nzg5"


def _decoded(png: bytes, scale: int) -> list[str]:
    image = Image.open(io.BytesIO(png)).convert("L")
    shown = image.resize((image.width * scale, image.height * scale), Image.Resampling.NEAREST)
    return [result.text for result in zxingcpp.read_barcodes(shown, formats=zxingcpp.BarcodeFormat.QRCode)]


def test_the_screen_png_scaled_up_as_the_page_does_reads_back_as_the_token() -> None:
    assert _decoded(screen_png(TOKEN), scale=5) == [TOKEN]


def test_one_pixel_per_module_with_the_quiet_zone_and_the_same_modules_as_the_printed_code() -> None:
    image = Image.open(io.BytesIO(screen_png(TOKEN)))
    matrix = qr_matrix(TOKEN)
    assert image.size == (len(matrix), len(matrix))
    assert image.mode == "1"
    pixels = image.convert("L").load()
    assert pixels is not None
    assert all((pixels[x, y] == 0) == matrix[y][x] for y in range(len(matrix)) for x in range(len(matrix)))
    assert not any(matrix[QUIET_ZONE_MODULES - 1])  # the quiet zone is white
    printed = Image.open(io.BytesIO(qr_png(TOKEN)))
    assert printed.size == (len(matrix) * 8, len(matrix) * 8)  # the PDF's is the same code at 8 px per module
    assert _decoded(qr_png(TOKEN), scale=1) == [TOKEN]
