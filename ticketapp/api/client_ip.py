"""The client's IP for our HTTP routes, by the same rule Reflex applies to its states.

X-Forwarded-For is set by whoever sends the request, so it is trusted only through the configured
number of reverse proxies (TRUSTED_PROXY_HOPS, also given to Reflex as `trusted_proxy_hops`):
with N hops, the client is the N-th address from the right. With 0 the header is ignored.
"""

from __future__ import annotations

from starlette.requests import Request

from ticketapp.settings import get_settings


def client_ip(request: Request) -> str:
    peer = request.client.host if request.client else ""
    hops = get_settings().trusted_proxy_hops
    if hops <= 0:
        return peer
    forwarded = [ip.strip() for ip in request.headers.get("x-forwarded-for", "").split(",") if ip.strip()]
    return forwarded[-hops] if len(forwarded) >= hops else peer
