"""Signed ticket tokens: what the QR code carries.

A token is a compact JWS (Ed25519, RFC 9864 "fully specified" EdDSA, or ES256 with a P-256 key) whose
payload names the ticket, its event, a reference to the ticket's secret and the
issue time. A scanner holding only the public key tells a genuine token from a
forged one offline; the server additionally checks the secret reference, so a
ticket whose secret was rotated no longer admits its old token.

Ed25519 signatures are deterministic, so the same ticket always yields the same
token and re-rendered PDFs are byte-identical.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import os
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Literal

from joserfc import jws
from joserfc.errors import JoseError
from joserfc.jwk import ECKey, OKPKey, import_key

from ticketapp.settings import Settings, get_settings

SigningKey = OKPKey | ECKey
DEV_KEY_FILE = "ticket_signing_key.pem"
KID_LENGTH = 8
SECRET_REF_LENGTH = 11


class InvalidTicketTokenError(ValueError):
    """The token is malformed, not signed by our key, or expired."""


@dataclass(frozen=True, slots=True)
class TicketClaims:
    ticket_id: int
    event_id: int
    secret_ref: str
    issued_at: datetime
    expires_at: datetime | None = None


def secret_reference(secret: str) -> str:
    """A short, non-reversible reference to a ticket secret (the secret itself never leaves the server)."""
    digest = hashlib.sha256(secret.encode()).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")[:SECRET_REF_LENGTH]


def algorithm_for(key: SigningKey) -> str:
    return "Ed25519" if isinstance(key, OKPKey) else "ES256"


def key_id(key: SigningKey) -> str:
    return key.thumbprint()[:KID_LENGTH]


def _import_any(text: str) -> SigningKey:
    if text.startswith("{"):
        data = json.loads(text)
        key = import_key(data)  # a JWK names its own key type
    else:
        key_type: Literal["EC", "OKP"] = "EC" if "EC PRIVATE KEY" in text else "OKP"
        try:
            key = import_key(text, key_type)
        except (JoseError, ValueError):
            key = import_key(text, "EC")  # a PKCS#8 P-256 key
    if not isinstance(key, OKPKey | ECKey):
        raise ValueError("unsupported key type")
    return key


def _parse_key(material: str) -> SigningKey:
    text = material.strip()
    if not text.startswith(("-----BEGIN", "{")):
        text = Path(text).read_text().strip()  # a path to a PEM/JWK file
    key = _import_any(text)
    if not key.is_private:
        raise ValueError("TICKET_SIGNING_KEY must be a private key")
    if isinstance(key, ECKey) and key.curve_name != "P-256":
        raise ValueError("EC ticket signing keys must use the P-256 curve (ES256)")
    if isinstance(key, OKPKey) and key.curve_name != "Ed25519":
        raise ValueError("OKP ticket signing keys must use Ed25519")
    return key


def _dev_key(data_dir: Path) -> SigningKey:
    """The development key: generated once into the git-ignored data folder."""
    path = data_dir / DEV_KEY_FILE
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        draft = data_dir / f".{DEV_KEY_FILE}.{os.getpid()}.{secrets.token_hex(4)}"
        # Created 0600 from the start: the private key is never readable by others, even briefly.
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(OKPKey.generate_key("Ed25519").as_pem(private=True))
        # link() refuses to replace: when several workers start at once, the first key wins for all.
        with contextlib.suppress(FileExistsError):
            os.link(draft, path)
        draft.unlink()
    return _parse_key(path.read_text())


def load_signing_key(settings: Settings) -> SigningKey:
    """The configured private key (TICKET_SIGNING_KEY), else the dev key."""
    if settings.ticket_signing_key:
        return _parse_key(settings.ticket_signing_key)
    return _dev_key(settings.data_dir)


@lru_cache(maxsize=1)
def get_signing_key() -> SigningKey:
    return load_signing_key(get_settings())


def public_key(key: SigningKey) -> SigningKey:
    return type(key).import_key(key.as_dict(private=False))


def public_jwk(key: SigningKey) -> dict[str, str]:
    """The public half as a JWK, for scanners that validate offline."""
    jwk = {str(k): str(v) for k, v in key.as_dict(private=False).items()}
    jwk.update(kid=key_id(key), alg=algorithm_for(key), use="sig")
    return jwk


def _timestamp(moment: datetime) -> int:
    return int(moment.timestamp())


def sign_ticket_token(claims: TicketClaims, key: SigningKey) -> str:
    payload: dict[str, object] = {
        "tid": claims.ticket_id,
        "eid": claims.event_id,
        "ref": claims.secret_ref,
        "iat": _timestamp(claims.issued_at),
    }
    if claims.expires_at is not None:
        payload["exp"] = _timestamp(claims.expires_at)
    header = {"alg": algorithm_for(key), "kid": key_id(key)}
    body = json.dumps(payload, separators=(",", ":"), sort_keys=True).encode()
    return jws.serialize_compact(header, body, key, algorithms=[algorithm_for(key)])


def _claims_from_payload(payload: bytes) -> TicketClaims:
    try:
        data = json.loads(payload)
        exp = data.get("exp")
        claims = TicketClaims(
            ticket_id=int(data["tid"]),
            event_id=int(data["eid"]),
            secret_ref=str(data["ref"]),
            issued_at=datetime.fromtimestamp(int(data["iat"]), UTC),
            expires_at=datetime.fromtimestamp(int(exp), UTC) if exp is not None else None,
        )
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        raise InvalidTicketTokenError("token payload is not a ticket") from exc
    return claims


def verify_ticket_token(token: str, key: SigningKey, now: datetime | None = None) -> TicketClaims:
    """Check the signature (and expiry) with the public key; raise InvalidTicketTokenError if anything fails."""
    algorithm = algorithm_for(key)
    try:
        compact = jws.deserialize_compact(token.strip(), key, algorithms=[algorithm])
    except (JoseError, ValueError, TypeError) as exc:
        raise InvalidTicketTokenError("signature check failed") from exc
    if compact.protected.get("alg") != algorithm:
        raise InvalidTicketTokenError("unexpected algorithm")
    claims = _claims_from_payload(compact.payload)
    if claims.expires_at is not None and claims.expires_at <= (now or datetime.now(UTC)):
        raise InvalidTicketTokenError("token expired")
    return claims


def sign_document(document: dict[str, object], key: SigningKey) -> str:
    """Sign any JSON document (e.g. the offline check-in list) as a compact JWS."""
    header = {"alg": algorithm_for(key), "kid": key_id(key), "cty": "json"}
    body = json.dumps(document, separators=(",", ":"), sort_keys=True, default=str).encode()
    return jws.serialize_compact(header, body, key, algorithms=[algorithm_for(key)])


def verify_document(token: str, key: SigningKey) -> dict[str, object]:
    try:
        compact = jws.deserialize_compact(token, key, algorithms=[algorithm_for(key)])
    except (JoseError, ValueError, TypeError) as exc:
        raise InvalidTicketTokenError("signature check failed") from exc
    return json.loads(compact.payload)
