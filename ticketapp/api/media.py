"""GET /media/{name}: admin-uploaded event images (public on purpose: they illustrate public events)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, Response

from ticketapp.services.shared.media import media_file


async def media(request: Request) -> Response:
    found = media_file(str(request.path_params.get("name", "")))
    if found is None:
        return PlainTextResponse("Not found", status_code=404)
    path, content_type = found
    return FileResponse(
        path,
        media_type=content_type,
        headers={"Cache-Control": "public, max-age=86400", "X-Content-Type-Options": "nosniff"},
    )
