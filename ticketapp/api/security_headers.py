"""ASGI middleware adding security headers to every HTTP response, Reflex's pages included.

The Content-Security-Policy allows scripts from our origin plus the exact inline scripts of the
HTML page being served: Reflex's prebuilt pages carry a few inline scripts (colour-mode boot,
React Router's hydration context), so the middleware hashes the ones in each HTML response
(sha256) instead of allowing any inline script; a 304 gets no policy, so the browser keeps its cached
page's. rx.call_script needs 'unsafe-eval', and styles need 'unsafe-inline' because Radix/Emotion
insert style tags and attributes at runtime (measured in chromium, see docs/security.md). nginx
serves the same policy with the build's hashes (ticketapp/prod.py). Holding each page anyway, the middleware
also writes the visitor's language into its `<html>` tag (page_language.py).
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import re
from http import HTTPStatus
from pathlib import Path

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ticketapp.api.page_language import scope_language, with_language

INLINE_SCRIPT = re.compile(rb"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.DOTALL | re.IGNORECASE)
HSTS = "max-age=31536000; includeSubDomains"
FIXED_HEADERS = {
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "strict-origin-when-cross-origin",
}


def inline_script_hashes(html: bytes) -> list[str]:
    """CSP source expressions ('sha256-…') for each inline script in `html`, in order, without repeats."""
    hashes: list[str] = []
    for match in INLINE_SCRIPT.finditer(html):
        digest = base64.b64encode(hashlib.sha256(match.group(1)).digest()).decode()
        source = f"'sha256-{digest}'"
        if source not in hashes:
            hashes.append(source)
    return hashes


def content_security_policy(script_hashes: list[str]) -> str:
    # 'unsafe-eval': Reflex runs rx.call_script's server-sent code with eval (measured in chromium);
    # inline <script> stays limited to the page's own hashed ones.
    scripts = " ".join(["'self'", "'unsafe-eval'", *script_hashes])
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src {scripts}",
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data: blob:",
            "font-src 'self' data:",
            # The websocket to the backend: same host, ws(s) scheme.
            "connect-src 'self' ws: wss:",
            "media-src 'self' blob:",
            "worker-src 'self' blob:",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


class SecurityHeadersMiddleware:
    """Wraps the whole app; `https` adds HSTS (only when BASE_URL is https)."""

    def __init__(self, app: ASGIApp, *, https: bool) -> None:
        self.app = app
        self.https = https

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start: Message | None = None
        body: list[bytes] = []

        async def send_with_headers(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                if message["status"] == HTTPStatus.NOT_MODIFIED:
                    # A 304 has no body (nor content type) to hash, and its headers replace the stored
                    # response's: a policy here would drop the cached page's script hashes, and the reload
                    # would run without its inline scripts (no hydration, no websocket). Send none, so the
                    # browser keeps the one that came with the page (RFC 9111 §4.3.4).
                    self._add_headers(headers, None)
                    await send(message)
                    return
                if not headers.get("content-type", "").startswith("text/html"):
                    self._add_headers(headers, [])
                    await send(message)
                    return
                start = message  # HTML: hold the start until the body is known, to hash its scripts
                return
            if start is None:
                await send(message)
                return
            if message["type"] == "http.response.pathsend":  # the server would send the file itself (granian)
                payload = Path(message["path"]).read_bytes()
            else:
                body.append(message.get("body", b""))
                if message.get("more_body", False):
                    return
                payload = b"".join(body)
            payload = self._finish_html(scope, start, payload)
            await send(start)
            await send({"type": "http.response.body", "body": payload, "more_body": False})

        await self.app(scope, receive, send_with_headers)

    def _finish_html(self, scope: Scope, start: Message, payload: bytes) -> bytes:
        """The page in the visitor's language (page_language.py), with its headers; returns the body to send."""
        headers = MutableHeaders(scope=start)
        gzipped = headers.get("content-encoding") == "gzip" and bool(payload)
        html = gzip.decompress(payload) if gzipped else payload
        self._add_headers(headers, inline_script_hashes(html))
        if start["status"] != HTTPStatus.OK:
            return payload
        localized = with_language(html, scope_language(scope))
        if localized == html:
            return payload
        # A small page: compressing it again costs well under a millisecond.
        payload = gzip.compress(localized, compresslevel=6) if gzipped else localized
        headers["content-length"] = str(len(payload))
        # The same URL now differs per visitor: no cache may serve one language's page for another, and no
        # validator either (a 304 after a language change would bring the old language's page back).
        headers["vary"] = "Cookie, Accept-Language"
        for validator in ("etag", "last-modified"):
            if validator in headers:
                del headers[validator]
        return payload

    def _add_headers(self, headers: MutableHeaders, script_hashes: list[str] | None) -> None:
        """`script_hashes` None: no policy header (the response keeps the one stored with its page)."""
        for name, value in FIXED_HEADERS.items():
            headers[name] = value
        if script_hashes is not None:
            headers["content-security-policy"] = content_security_policy(script_hashes)
        if self.https:
            headers["strict-transport-security"] = HSTS
