"""A small OpenID Connect provider on loopback for the OAuth tests.

Discovery, authorize (auto-approves the configured person and redirects back),
token (checks the client secret and the PKCE verifier), userinfo and JWKS. The
id_token is RS256-signed with joserfc.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from joserfc import jwt
from joserfc.jwk import RSAKey

CLIENT_ID = "ticketapp-test"
CLIENT_SECRET = "test-client-secret"


@dataclass
class Person:
    subject: str
    email: str
    email_verified: bool = True
    name: str = "OIDC Person"


@dataclass
class FakeOIDCProvider:
    port: int
    person: Person = field(default_factory=lambda: Person("sub-1", "oidc.person@example.org"))
    key: RSAKey = field(default_factory=lambda: RSAKey.generate_key(2048, parameters={"kid": "test-key"}))
    codes: dict[str, dict[str, Any]] = field(default_factory=dict)
    tokens: dict[str, Person] = field(default_factory=dict)

    @property
    def issuer(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def discovery(self) -> dict[str, Any]:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "userinfo_endpoint": f"{self.issuer}/userinfo",
            "jwks_uri": f"{self.issuer}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
        }

    def authorize(self, params: dict[str, str]) -> str:
        """Auto-approve: the redirect URL back to the client with a code."""
        if params.get("client_id") != CLIENT_ID:
            raise ValueError("unknown client")
        code = secrets.token_urlsafe(16)
        self.codes[code] = {**params, "person": self.person}
        query = urlencode({"code": code, "state": params.get("state", "")})
        return f"{params['redirect_uri']}?{query}"

    def token(self, form: dict[str, str], auth_header: str) -> dict[str, Any]:
        client_id, client_secret = form.get("client_id", ""), form.get("client_secret", "")
        if auth_header.startswith("Basic "):
            client_id, _, client_secret = base64.b64decode(auth_header[6:]).decode().partition(":")
        if (client_id, client_secret) != (CLIENT_ID, CLIENT_SECRET):
            raise ValueError("bad client credentials")
        grant = self.codes.pop(form.get("code", ""), None)
        if grant is None:
            raise ValueError("unknown or used code")
        verifier = form.get("code_verifier", "")
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        if challenge != grant.get("code_challenge"):
            raise ValueError("PKCE verifier does not match")
        person: Person = grant["person"]
        access_token = secrets.token_urlsafe(24)
        self.tokens[access_token] = person
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "aud": CLIENT_ID,
            "sub": person.subject,
            "iat": now,
            "exp": now + 300,
            "nonce": grant.get("nonce", ""),
            "email": person.email,
            "email_verified": person.email_verified,
            "name": person.name,
        }
        id_token = jwt.encode({"alg": "RS256", "kid": "test-key"}, claims, self.key)
        return {"access_token": access_token, "token_type": "Bearer", "expires_in": 300, "id_token": id_token}

    def userinfo(self, auth_header: str) -> dict[str, Any]:
        person = self.tokens.get(auth_header.removeprefix("Bearer "))
        if person is None:
            raise ValueError("bad token")
        return {"sub": person.subject, "email": person.email, "email_verified": person.email_verified}

    def jwks(self) -> dict[str, Any]:
        return {"keys": [self.key.as_dict(private=False)]}


def _handler(provider: FakeOIDCProvider) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def _json(self, status: int, body: dict[str, Any]) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            url = urlsplit(self.path)
            params = {k: v[0] for k, v in parse_qs(url.query).items()}
            try:
                if url.path == "/.well-known/openid-configuration":
                    self._json(200, provider.discovery())
                elif url.path == "/jwks":
                    self._json(200, provider.jwks())
                elif url.path == "/userinfo":
                    self._json(200, provider.userinfo(self.headers.get("Authorization", "")))
                elif url.path == "/authorize":
                    self.send_response(302)
                    self.send_header("Location", provider.authorize(params))
                    self.end_headers()
                else:
                    self._json(404, {"error": "not_found"})
            except ValueError as error:
                self._json(400, {"error": "invalid_request", "error_description": str(error)})

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
            try:
                self._json(200, provider.token(form, self.headers.get("Authorization", "")))
            except ValueError as error:
                self._json(400, {"error": "invalid_grant", "error_description": str(error)})

    return Handler


def start_oidc_provider() -> tuple[FakeOIDCProvider, ThreadingHTTPServer]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    provider = FakeOIDCProvider(port)
    server = ThreadingHTTPServer(("127.0.0.1", port), _handler(provider))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return provider, server
