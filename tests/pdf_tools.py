"""Reading PDFs as people and scanners do: text via pypdf, QR codes via pdftoppm + zxing-cpp."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import zxingcpp
from PIL import Image
from pypdf import PdfReader


def page_texts(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def decode_qr_codes(pdf_path: Path, work_dir: Path) -> list[str]:
    """Rasterise each page as a printer would (150 dpi, greyscale) and read its QR codes."""
    prefix = work_dir / "page"
    subprocess.run(["pdftoppm", "-r", "150", "-gray", "-png", str(pdf_path), str(prefix)], check=True)
    found = []
    for png in sorted(work_dir.glob("page-*.png")):
        results = zxingcpp.read_barcodes(Image.open(png), formats=zxingcpp.BarcodeFormat.QRCode)
        found.extend(result.text for result in results)
    return found
