"""`/auth/oauth/{provider}/start` and `/callback`: the browser legs of an OAuth sign-in.

The callback opens a session and sets the same HttpOnly cookie as a password sign-in
(api/session_cookie.py), then sends the browser back where it started.
"""

from __future__ import annotations

import logging
from urllib.parse import quote

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import RedirectResponse

from ticketapp.api.client_ip import client_ip
from ticketapp.api.session_cookie import CART_COOKIE, secure_cookies, set_cart_cookie, set_session_cookie
from ticketapp.db import session_scope
from ticketapp.services.accounts.accounts import AccountError
from ticketapp.services.accounts.oauth import (
    OAUTH_FAILED,
    finish_flow,
    get_provider,
    link_or_create_user,
    safe_return_path,
    start_flow,
    unpack_flow,
)
from ticketapp.services.accounts.security_log import ClientInfo
from ticketapp.services.accounts.sessions import ACCOUNT_BLOCKED, sign_in_user
from ticketapp.services.booking.holds import merge_browser_cart_on_sign_in
from ticketapp.services.booking.inventory import is_valid_cart_token

FLOW_COOKIE = "ta_oauth_flow"
log = logging.getLogger(__name__)


def _client(request: Request) -> ClientInfo:
    return ClientInfo(ip=client_ip(request), user_agent=request.headers.get("user-agent", ""))


def _failed(message: str) -> RedirectResponse:
    response = RedirectResponse(f"/signin?oauth_error={quote(message)}", status_code=303)
    response.delete_cookie(FLOW_COOKIE, path="/auth/oauth")
    return response


def oauth_start(request: Request) -> RedirectResponse:
    provider = get_provider(request.path_params["provider"])
    if provider is None:
        return _failed(OAUTH_FAILED)
    try:
        url, flow_cookie = start_flow(provider, request.query_params.get("next", "/"))
    except Exception:  # provider unreachable or misconfigured: tell the user, log why
        log.exception("OAuth start failed for %s", provider.name)
        return _failed(OAUTH_FAILED)
    response = RedirectResponse(url, status_code=303)
    response.set_cookie(
        FLOW_COOKIE,
        flow_cookie,
        max_age=600,
        path="/auth/oauth",
        httponly=True,
        samesite="lax",
        secure=secure_cookies(),
    )
    return response


def oauth_callback(request: Request) -> RedirectResponse:
    provider = get_provider(request.path_params["provider"])
    flow = unpack_flow(request.cookies.get(FLOW_COOKIE, ""))
    if provider is None or flow is None or request.query_params.get("error"):
        return _failed(OAUTH_FAILED)
    client = _client(request)
    try:
        profile = finish_flow(
            provider, flow, request.query_params.get("code", ""), request.query_params.get("state", "")
        )
        with session_scope() as session:
            user = link_or_create_user(session, provider.name, profile, client)
            if user.is_blocked:
                return _failed(ACCOUNT_BLOCKED)
            token = sign_in_user(session, user, remember=False, client=client, detail=provider.name)
            cart_token = _merged_cart_token(session, request, user.id or 0)
    except AccountError as error:
        return _failed(error.message)
    except Exception:  # bad token, network error: generic message, details in the log
        log.exception("OAuth callback failed for %s", provider.name)
        return _failed(OAUTH_FAILED)
    response = RedirectResponse(safe_return_path(flow.get("r", "/")), status_code=303)
    response.delete_cookie(FLOW_COOKIE, path="/auth/oauth")
    set_session_cookie(response, token, remember=False)
    if cart_token and cart_token != request.cookies.get(CART_COOKIE):
        set_cart_cookie(response, cart_token)
    return response


def _merged_cart_token(session: Session, request: Request, user_id: int) -> str:
    """The anonymous cart of this browser joins the account, as with a password sign-in."""
    cart_token = request.cookies.get(CART_COOKIE, "")
    if not is_valid_cart_token(cart_token):
        return ""
    return merge_browser_cart_on_sign_in(session, cart_token, user_id)
