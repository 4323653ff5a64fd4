"""Reading request bodies with a hard cap, counted while streaming (never buffered past the cap)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse


class BodyTooLargeError(Exception):
    """The body passed the cap; the rest of it was never read."""


async def read_capped_body(request: Request, max_bytes: int) -> bytes:
    """The whole body, or BodyTooLargeError as soon as more than `max_bytes` arrived (or were declared)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise BodyTooLargeError
    chunks: list[bytes] = []
    received = 0
    async for chunk in request.stream():
        received += len(chunk)
        if received > max_bytes:
            raise BodyTooLargeError
        chunks.append(chunk)
    return b"".join(chunks)


def too_large() -> JSONResponse:
    return JSONResponse({"error": "body too large"}, status_code=413)
