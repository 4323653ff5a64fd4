"""Sign-in with OAuth 2 / OpenID Connect providers (authlib + joserfc).

Presets: Google (OIDC discovery), GitHub (OAuth 2 + its REST API), and any
OIDC issuer given by URL. The first sign-in links the provider account to the
user with the same *verified* e-mail, or creates a customer account.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass
from typing import Any

import requests
from authlib.integrations.requests_client import OAuth2Session
from joserfc import jwt
from joserfc.jwk import KeySet
from sqlmodel import Session, select

from ticketapp.i18n import msgid
from ticketapp.models import OAuthIdentity, Role, SecurityEventKind, User, utcnow
from ticketapp.services.accounts.accounts import AccountError, get_user_by_email, is_valid_email, normalize_email
from ticketapp.services.accounts.security_log import ClientInfo, record_event
from ticketapp.services.webhooks import events as webhook_events
from ticketapp.settings import OAuthProviderSettings, get_settings

GITHUB_AUTHORIZE_URL = "https://github.com/login/oauth/authorize"
GITHUB_TOKEN_URL = "https://github.com/login/oauth/access_token"  # noqa: S105  (an endpoint, not a secret)
GITHUB_API = "https://api.github.com"
FLOW_MAX_AGE_S = 600
HTTP_TIMEOUT_S = 15
OAUTH_FAILED = msgid("Sign-in with this provider did not work. Please try again.")


@dataclass(frozen=True)
class ProviderProfile:
    subject: str
    email: str
    email_verified: bool
    name: str


@dataclass(frozen=True)
class Endpoints:
    authorize: str
    token: str
    userinfo: str = ""
    jwks: str = ""
    issuer: str = ""


def configured_providers() -> list[OAuthProviderSettings]:
    return list(get_settings().oauth_providers)


def get_provider(name: str) -> OAuthProviderSettings | None:
    return next((p for p in configured_providers() if p.name == name), None)


def redirect_uri(provider: OAuthProviderSettings) -> str:
    return f"{get_settings().base_url}/auth/oauth/{provider.name}/callback"


def _get_json(url: str, **kwargs: Any) -> Any:
    """The decoded JSON document: an object, or a list (GitHub's e-mail addresses)."""
    response = requests.get(url, timeout=HTTP_TIMEOUT_S, **kwargs)
    response.raise_for_status()
    return response.json()


def endpoints(provider: OAuthProviderSettings) -> Endpoints:
    if provider.name == "github" and not provider.issuer:
        return Endpoints(GITHUB_AUTHORIZE_URL, GITHUB_TOKEN_URL)
    discovery = _get_json(f"{provider.issuer}/.well-known/openid-configuration")
    return Endpoints(
        authorize=discovery["authorization_endpoint"],
        token=discovery["token_endpoint"],
        userinfo=discovery.get("userinfo_endpoint", ""),
        jwks=discovery["jwks_uri"],
        issuer=discovery.get("issuer", provider.issuer),
    )


# --- the flow state travels in a short-lived, HMAC-signed cookie -------------------


def _sign(data: bytes) -> str:
    return hmac.new(get_settings().secret_key.encode(), data, hashlib.sha256).hexdigest()


def pack_flow(flow: dict[str, str]) -> str:
    body = base64.urlsafe_b64encode(json.dumps({**flow, "t": int(time.time())}).encode())
    return f"{body.decode()}.{_sign(body)}"


def unpack_flow(cookie: str) -> dict[str, str] | None:
    body, _, signature = (cookie or "").partition(".")
    if not body or not hmac.compare_digest(_sign(body.encode()), signature):
        return None
    try:
        flow = json.loads(base64.urlsafe_b64decode(body.encode()))
    except ValueError:
        return None
    if time.time() - int(flow.get("t", 0)) > FLOW_MAX_AGE_S:
        return None
    return flow


def _client(provider: OAuthProviderSettings, state: str | None = None) -> OAuth2Session:
    return OAuth2Session(
        provider.client_id,
        provider.client_secret,
        scope=provider.scope,
        redirect_uri=redirect_uri(provider),
        state=state,
        code_challenge_method="S256",
    )


def safe_return_path(path: str) -> str:
    """Only same-site paths: no scheme, no host, no protocol-relative URL."""
    if not path.startswith("/") or path.startswith("//") or "\\" in path:
        return "/"
    return path


def start_flow(provider: OAuthProviderSettings, return_to: str) -> tuple[str, str]:
    """The provider's authorize URL and the signed flow cookie to set."""
    verifier = secrets.token_urlsafe(48)
    nonce = secrets.token_urlsafe(16)
    url, state = _client(provider).create_authorization_url(
        endpoints(provider).authorize, nonce=nonce, code_verifier=verifier
    )
    flow = {"p": provider.name, "s": state, "n": nonce, "v": verifier, "r": safe_return_path(return_to)}
    return url, pack_flow(flow)


def _oidc_profile(
    provider: OAuthProviderSettings, ends: Endpoints, token: dict[str, Any], nonce: str
) -> ProviderProfile:
    keys = KeySet.import_key_set(_get_json(ends.jwks))
    decoded = jwt.decode(token["id_token"], keys, algorithms=["RS256", "ES256", "PS256", "EdDSA"])
    claims = decoded.claims
    jwt.JWTClaimsRegistry(
        iss={"essential": True, "value": ends.issuer},
        aud={"essential": True, "value": provider.client_id},
        nonce={"essential": True, "value": nonce},
        exp={"essential": True},
        sub={"essential": True},
    ).validate(claims)
    if "email" not in claims and ends.userinfo:
        headers = {"Authorization": f"Bearer {token['access_token']}"}
        info = _get_json(ends.userinfo, headers=headers)
        if info.get("sub") != claims["sub"]:
            raise AccountError(OAUTH_FAILED)
        claims = {**info, **claims}
    return ProviderProfile(
        subject=str(claims["sub"]),
        email=normalize_email(str(claims.get("email", ""))),
        email_verified=claims.get("email_verified") in (True, "true"),
        name=str(claims.get("name") or claims.get("preferred_username") or ""),
    )


def _github_profile(token: dict[str, Any]) -> ProviderProfile:
    headers = {"Authorization": f"Bearer {token['access_token']}", "Accept": "application/vnd.github+json"}
    user = _get_json(f"{GITHUB_API}/user", headers=headers)
    emails = _get_json(f"{GITHUB_API}/user/emails", headers=headers)
    primary = next((e for e in emails if e.get("primary") and e.get("verified")), None)
    return ProviderProfile(
        subject=str(user["id"]),
        email=normalize_email(primary["email"]) if primary else "",
        email_verified=primary is not None,
        name=str(user.get("name") or user.get("login") or ""),
    )


def finish_flow(provider: OAuthProviderSettings, flow: dict[str, str], code: str, state: str) -> ProviderProfile:
    """Exchange the code and read who signed in (id_token checked against the JWKS)."""
    if not code or not hmac.compare_digest(flow.get("s", ""), state or "") or flow.get("p") != provider.name:
        raise AccountError(OAUTH_FAILED)
    ends = endpoints(provider)
    token = _client(provider, state=state).fetch_token(ends.token, code=code, code_verifier=flow["v"])
    if provider.name == "github" and not provider.issuer:
        return _github_profile(token)
    return _oidc_profile(provider, ends, token, flow["n"])


def link_or_create_user(session: Session, provider: str, profile: ProviderProfile, client: ClientInfo) -> User:
    """The user for a provider account: already linked, linked by verified e-mail, or new."""
    identity = session.exec(
        select(OAuthIdentity).where(OAuthIdentity.provider == provider, OAuthIdentity.subject == profile.subject)
    ).first()
    if identity is not None:
        user = session.get(User, identity.user_id)
        if user is None or user.deleted_at is not None:
            raise AccountError(OAUTH_FAILED)
        return user
    if not profile.email_verified or not is_valid_email(profile.email):
        raise AccountError(msgid("Your account at this provider has no verified e-mail address, so we cannot use it."))
    user = get_user_by_email(session, profile.email)
    if user is None:
        user = User(
            email=profile.email,
            display_name=(profile.name or profile.email.split("@")[0])[:120],
            role=Role.CUSTOMER,
            email_verified_at=utcnow(),
        )
        session.add(user)
        session.flush()
        record_event(session, SecurityEventKind.SIGN_UP, client, user_id=user.id, email=user.email, detail=provider)
        webhook_events.record(session, "customer.created", webhook_events.customer_data(user))
    elif user.email_verified_at is None:
        # The provider proved ownership of the address.
        user.email_verified_at = utcnow()
        session.add(user)
    session.add(OAuthIdentity(user_id=user.id or 0, provider=provider, subject=profile.subject, email=profile.email))
    record_event(session, SecurityEventKind.OAUTH_LINKED, client, user_id=user.id, email=user.email, detail=provider)
    session.commit()
    return user
