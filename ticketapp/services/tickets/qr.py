"""A ticket token's QR code as a PNG small enough to build on every page view.

qrcode's own image path draws each module as an 8×8 box through Pillow: ≈4 ms per code, two thirds of the
cost of showing an order's tickets on screen. A screen needs one pixel per module — the page scales it up
with `image-rendering: pixelated` — so this writes that 1-bit PNG directly (≈0.1 ms, ≈200 bytes).
The printed PDFs keep `pdf.qr_png`, drawn at print resolution.
"""

from __future__ import annotations

import struct
import zlib
from functools import lru_cache

import qrcode
from qrcode.constants import ERROR_CORRECT_M

QR_MASK_PATTERN = 2  # vertical stripes every third column: reads well, no large uniform areas on short tokens
QUIET_ZONE_MODULES = 4


def qr_matrix(token: str) -> list[list[bool]]:
    """The modules (True = dark), quiet zone included; medium error correction, a fixed mask.

    The mask is fixed: choosing the "best" of the 8 (the default) scores each one and was a third of the job
    worker's time per paid order; any mask is valid (ISO/IEC 18004 §7.8) and scanners read all of them.
    """
    qr = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=QUIET_ZONE_MODULES, mask_pattern=QR_MASK_PATTERN)
    qr.add_data(token)
    qr.make(fit=True)
    return qr.get_matrix()


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _packed_row(row: list[bool]) -> bytes:
    """One scanline of a 1-bit greyscale image (1 = white), after PNG's filter byte 0."""
    bits = "".join("0" if dark else "1" for dark in row)
    bits += "1" * (-len(bits) % 8)
    return b"\x00" + int(bits, 2).to_bytes(len(bits) // 8, "big")


@lru_cache(maxsize=1024)
def screen_png(token: str) -> bytes:
    """One pixel per module, black on white."""
    matrix = qr_matrix(token)
    side = len(matrix)
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)  # 1-bit greyscale, no interlace
    pixels = zlib.compress(b"".join(_packed_row(row) for row in matrix), 9)
    return b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header) + _png_chunk(b"IDAT", pixels) + _png_chunk(b"IEND", b"")
