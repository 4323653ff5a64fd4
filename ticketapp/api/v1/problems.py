"""Errors as application/problem+json, the same shape for every status."""

from __future__ import annotations

from typing import Any

from starlette.responses import JSONResponse

PROBLEM_TYPE = "application/problem+json"
TITLES = {
    400: "Bad request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    413: "Content too large",
    415: "Unsupported media type",
    422: "Unprocessable content",
    429: "Too many requests",
    500: "Internal server error",
}


class ApiProblem(Exception):  # noqa: N818  (raised as a problem document, RFC 9457's name)
    def __init__(self, status: int, detail: str = "", *, headers: dict[str, str] | None = None, **extra: Any) -> None:
        super().__init__(detail)
        self.status, self.detail, self.headers, self.extra = status, detail, headers or {}, extra


def problem_response(
    status: int, detail: str = "", *, headers: dict[str, str] | None = None, **extra: Any
) -> JSONResponse:
    body = {"type": "about:blank", "title": TITLES.get(status, "Error"), "status": status, "detail": detail, **extra}
    return JSONResponse(body, status_code=status, media_type=PROBLEM_TYPE, headers=headers)


def problem_body(status: int, detail: str = "") -> dict[str, Any]:
    return {"type": "about:blank", "title": TITLES.get(status, "Error"), "status": status, "detail": detail}


# For the OpenAPI document: every operation may answer these with a Problem.
def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    from ticketapp.api.v1.schemas import Problem

    return {
        status: {"model": Problem, "description": TITLES[status], "content": {PROBLEM_TYPE: {}}} for status in statuses
    }
