"""The session cookie lives only in HTTP: set by `/auth/session`, cleared by `POST /auth/signout`.

Sign-in and sign-up run over the websocket, which cannot set an HttpOnly cookie. The handler
opens the session and sends the tab to `/auth/session?ticket=…&next=…` (a one-time ticket
signed with the session's current token hash, valid two minutes, see
`sessions.cookie_ticket`). This route rotates the session's token, sets it as an HttpOnly,
SameSite=Lax cookie (Secure when BASE_URL is https) and redirects to `next`; the page load
reconnects the websocket, whose handshake carries the cookie (AuthState reads it from the
connection's headers). So no script in the page and no state delta ever holds the token.

Sign-out is a plain form POST here: the session is revoked, the session, remember and cart
cookies are cleared, and the next page load drops the tab's server-side state
(state/account/tab.py). Both routes refuse requests started from another site (login and
logout CSRF): the ticket route a cross-site navigation (Sec-Fetch-Site), sign-out any Origin
other than ours.
"""

from __future__ import annotations

from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

from ticketapp.api.client_ip import client_ip
from ticketapp.api.deps import request_session
from ticketapp.services.accounts.oauth import safe_return_path
from ticketapp.services.accounts.profile import preferred_currency
from ticketapp.services.accounts.security_log import ClientInfo
from ticketapp.services.accounts.sessions import (
    COOKIE_LINK_INVALID,
    REMEMBER_COOKIE,
    REMEMBER_ME_LIFETIME,
    SESSION_COOKIE,
    redeem_cookie_ticket,
    revoke_session,
)
from ticketapp.services.booking.holds import merge_browser_cart_on_sign_in
from ticketapp.services.booking.inventory import is_valid_cart_token
from ticketapp.settings import get_settings

# The visitor's cart cookie (CartState.cart_token); 30 days like there.
CART_COOKIE = "cart"
CART_MAX_AGE_S = 30 * 24 * 3600
# The display currency cookie (LocaleState.currency_cookie), one year like there.
CURRENCY_COOKIE = "currency"
ONE_YEAR_S = 365 * 24 * 3600
# Sec-Fetch-Site values of a navigation we started (or the visitor typed): anything else came from another site.
OWN_NAVIGATION = {"same-origin", "none"}


def secure_cookies() -> bool:
    return get_settings().is_https


def set_session_cookie(response: Response, token: str, remember: bool) -> None:
    """The session token as an HttpOnly cookie: 30 days for "Remember me", else until the browser closes."""
    if remember:
        response.set_cookie(
            REMEMBER_COOKIE,
            token,
            max_age=int(REMEMBER_ME_LIFETIME.total_seconds()),
            path="/",
            httponly=True,
            samesite="lax",
            secure=secure_cookies(),
        )
        response.delete_cookie(SESSION_COOKIE, path="/")
    else:
        response.set_cookie(SESSION_COOKIE, token, path="/", httponly=True, samesite="lax", secure=secure_cookies())
        response.delete_cookie(REMEMBER_COOKIE, path="/")


def set_cart_cookie(response: Response, cart_token: str) -> None:
    response.set_cookie(
        CART_COOKIE, cart_token, max_age=CART_MAX_AGE_S, path="/", samesite="lax", secure=secure_cookies()
    )


def _client(request: Request) -> ClientInfo:
    return ClientInfo(ip=client_ip(request), user_agent=request.headers.get("user-agent", ""))


def _from_another_site(request: Request) -> bool:
    fetch_site = request.headers.get("sec-fetch-site")
    return fetch_site is not None and fetch_site not in OWN_NAVIGATION


def session_cookie_route(request: Request) -> Response:
    """`GET /auth/session?ticket=…&next=…`: redeem the one-time ticket into the HttpOnly cookie."""
    next_path = safe_return_path(request.query_params.get("next", "/"))
    if _from_another_site(request):
        return _invalid_link(next_path)
    with request_session(request) as session:
        grant = redeem_cookie_ticket(session, request.query_params.get("ticket", ""))
        cart_token = ""
        currency = preferred_currency(session, grant.user_id) if grant is not None else ""
        if grant is not None and grant.fully_signed_in:
            browser_cart = request.cookies.get(CART_COOKIE, "")
            if is_valid_cart_token(browser_cart):
                cart_token = merge_browser_cart_on_sign_in(session, browser_cart, grant.user_id)
    if grant is None:
        return _invalid_link(next_path)
    response = RedirectResponse(next_path, status_code=303)
    set_session_cookie(response, grant.token, grant.remember)
    if cart_token and cart_token != request.cookies.get(CART_COOKIE):
        set_cart_cookie(response, cart_token)
    if currency:  # the profile's preferred currency becomes this browser's display currency
        response.set_cookie(
            CURRENCY_COOKIE, currency, max_age=ONE_YEAR_S, path="/", samesite="lax", secure=secure_cookies()
        )
    response.headers["cache-control"] = "no-store"
    return response


def _invalid_link(next_path: str) -> RedirectResponse:
    query = f"oauth_error={quote(COOKIE_LINK_INVALID)}&next={quote(next_path, safe='')}"
    return RedirectResponse(f"/signin?{query}", status_code=303)


def sign_out_route(request: Request) -> Response:
    """`POST /auth/signout`: revoke this browser's session and clear its cookies (the cart's too)."""
    origin = request.headers.get("origin")
    if (origin is not None and origin not in get_settings().allowed_origins) or _from_another_site(request):
        return PlainTextResponse("Forbidden", status_code=403)
    client = _client(request)
    with request_session(request) as session:
        for name in (SESSION_COOKIE, REMEMBER_COOKIE):
            if token := request.cookies.get(name, ""):
                revoke_session(session, token, client)
    response = RedirectResponse("/", status_code=303)
    for name in (SESSION_COOKIE, REMEMBER_COOKIE, CART_COOKIE):
        response.delete_cookie(name, path="/")
    response.headers["cache-control"] = "no-store"
    return response
