"""Ticket tokens: genuine ones verify offline with the public key, anything altered does not."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from joserfc.jwk import ECKey, OKPKey

from ticketapp.services.tickets.tokens import (
    InvalidTicketTokenError,
    TicketClaims,
    load_signing_key,
    public_jwk,
    public_key,
    secret_reference,
    sign_ticket_token,
    verify_ticket_token,
)
from ticketapp.settings import get_settings

ISSUED = datetime(2030, 1, 1, 12, 0, tzinfo=UTC)
CLAIMS = TicketClaims(
    ticket_id=42,
    event_id=7,
    secret_ref=secret_reference("s3cret"),
    issued_at=ISSUED,
    expires_at=ISSUED + timedelta(days=30),
)
NOW = ISSUED + timedelta(days=1)


@pytest.fixture(params=["Ed25519", "P-256"])
def key(request: pytest.FixtureRequest) -> OKPKey | ECKey:
    if request.param == "Ed25519":
        return OKPKey.generate_key("Ed25519")
    return ECKey.generate_key("P-256")


def test_token_verifies_with_public_key_only(key) -> None:
    token = sign_ticket_token(CLAIMS, key)
    assert token.count(".") == 2 and len(token) < 260  # compact enough for a phone-scannable QR
    claims = verify_ticket_token(token, public_key(key), now=NOW)
    assert claims == CLAIMS
    assert not public_key(key).is_private


def test_ed25519_tokens_are_deterministic() -> None:
    key = OKPKey.generate_key("Ed25519")
    assert sign_ticket_token(CLAIMS, key) == sign_ticket_token(CLAIMS, key)


@pytest.mark.parametrize("part", [0, 1, 2])
def test_any_changed_byte_is_rejected(key, part: int) -> None:
    token = sign_ticket_token(CLAIMS, key)
    pieces = token.split(".")
    middle = len(pieces[part]) // 2
    flipped = "A" if pieces[part][middle] != "A" else "B"
    pieces[part] = pieces[part][:middle] + flipped + pieces[part][middle + 1 :]
    with pytest.raises(InvalidTicketTokenError):
        verify_ticket_token(".".join(pieces), public_key(key), now=NOW)


def test_rewritten_payload_with_old_signature_is_rejected(key) -> None:
    header, _, signature = sign_ticket_token(CLAIMS, key).split(".")
    forged = {"tid": 43, "eid": 7, "ref": CLAIMS.secret_ref, "iat": int(ISSUED.timestamp())}
    body = base64.urlsafe_b64encode(json.dumps(forged).encode()).decode().rstrip("=")
    with pytest.raises(InvalidTicketTokenError):
        verify_ticket_token(f"{header}.{body}.{signature}", public_key(key), now=NOW)


def test_token_from_another_key_is_rejected() -> None:
    ours, theirs = OKPKey.generate_key("Ed25519"), OKPKey.generate_key("Ed25519")
    with pytest.raises(InvalidTicketTokenError):
        verify_ticket_token(sign_ticket_token(CLAIMS, theirs), public_key(ours), now=NOW)


def test_unsigned_alg_none_token_is_rejected() -> None:
    key = OKPKey.generate_key("Ed25519")
    header = base64.urlsafe_b64encode(b'{"alg":"none"}').decode().rstrip("=")
    body = sign_ticket_token(CLAIMS, key).split(".")[1]
    with pytest.raises(InvalidTicketTokenError):
        verify_ticket_token(f"{header}.{body}.", public_key(key), now=NOW)


def test_expired_token_is_rejected(key) -> None:
    token = sign_ticket_token(CLAIMS, key)
    with pytest.raises(InvalidTicketTokenError, match="expired"):
        verify_ticket_token(token, public_key(key), now=ISSUED + timedelta(days=31))


@pytest.mark.parametrize("garbage", ["", "not-a-token", "a.b.c", "K7QF-M2XD"])
def test_garbage_is_rejected(garbage: str) -> None:
    with pytest.raises(InvalidTicketTokenError):
        verify_ticket_token(garbage, OKPKey.generate_key("Ed25519"), now=NOW)


def test_public_jwk_has_no_private_part(key) -> None:
    jwk = public_jwk(key)
    assert "d" not in jwk
    assert jwk["use"] == "sig" and jwk["kid"] and jwk["alg"] in {"Ed25519", "ES256"}


def test_dev_key_is_generated_once_and_kept_private(tmp_path: Path) -> None:
    settings = get_settings().__class__(**{**get_settings().__dict__, "data_dir": tmp_path, "ticket_signing_key": ""})
    first = load_signing_key(settings)
    path = tmp_path / "ticket_signing_key.pem"
    assert path.stat().st_mode & 0o777 == 0o600
    assert load_signing_key(settings).thumbprint() == first.thumbprint()


def test_configured_key_is_used(tmp_path: Path) -> None:
    configured = ECKey.generate_key("P-256")
    pem = configured.as_pem(private=True).decode()
    settings = get_settings().__class__(**{**get_settings().__dict__, "data_dir": tmp_path, "ticket_signing_key": pem})
    assert load_signing_key(settings).thumbprint() == configured.thumbprint()
    assert not (tmp_path / "ticket_signing_key.pem").exists()


def test_public_key_is_refused_as_signing_key(tmp_path: Path) -> None:
    public = json.dumps(OKPKey.generate_key("Ed25519").as_dict(private=False))
    settings = get_settings().__class__(**{**get_settings().__dict__, "ticket_signing_key": public})
    with pytest.raises(ValueError, match="private"):
        load_signing_key(settings)


def test_workers_starting_together_share_one_dev_key(tmp_path: Path) -> None:
    from concurrent.futures import ThreadPoolExecutor

    settings = get_settings().__class__(**{**get_settings().__dict__, "data_dir": tmp_path, "ticket_signing_key": ""})
    with ThreadPoolExecutor(max_workers=6) as pool:
        thumbprints = set(pool.map(lambda _: load_signing_key(settings).thumbprint(), range(12)))
    assert len(thumbprints) == 1
    assert [p.name for p in tmp_path.iterdir()] == ["ticket_signing_key.pem"]
