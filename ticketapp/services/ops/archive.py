"""The backup archive format: one tar file, checksummed members, an optional encrypted part.

```
ticketapp-backup-20261202T031500Z.tar
  manifest.json          format marker, version, app, schema revision, row counts, each member's SHA-256
  manifest.sha256        SHA-256 of manifest.json (a flipped bit anywhere is found before anything is restored)
  database.jsonl.gz      the logical dump (ticketapp.services.ops.backup)
  private.bin            optional: media, support attachments, the ticket signing key and the secrets,
                         as a tar.gz encrypted with AES-256-GCM under a key derived from a passphrase (scrypt)
```

The outer tar is not compressed (its members are), so a member's checksum is the checksum
of exactly the bytes stored.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import secrets
import tarfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

FORMAT = "ticketapp-backup"
FORMAT_VERSION = 1
APP = "ticketapp"
MANIFEST = "manifest.json"
MANIFEST_SUM = "manifest.sha256"
DATABASE = "database.jsonl.gz"
PRIVATE = "private.bin"
SUFFIX = ".tar"
PREFIX = "ticketapp-backup-"
# scrypt cost: ≈0.1 s and 32 MiB per derivation, the library's recommended interactive setting.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**15, 8, 1
NONCE_BYTES = 12


class ArchiveError(Exception):
    """The archive is unreadable, corrupt, foreign, or the passphrase is wrong. Nothing was changed."""


@dataclass
class Archive:
    """A verified archive read into memory: its manifest and its members' bytes."""

    manifest: dict[str, Any]
    members: dict[str, bytes] = field(default_factory=dict)

    @property
    def has_private(self) -> bool:
        return PRIVATE in self.members


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _derive(passphrase: str, salt: bytes) -> bytes:
    return Scrypt(salt=salt, length=32, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P).derive(passphrase.encode())


def encrypt(data: bytes, passphrase: str) -> tuple[bytes, dict[str, Any]]:
    """AES-256-GCM under a scrypt-derived key; returns the ciphertext and its parameters for the manifest."""
    if not passphrase:
        raise ValueError("a passphrase is needed to include files and secrets")
    salt, nonce = secrets.token_bytes(16), secrets.token_bytes(NONCE_BYTES)
    blob = nonce + AESGCM(_derive(passphrase, salt)).encrypt(nonce, data, FORMAT.encode())
    params = {"cipher": "AES-256-GCM", "kdf": "scrypt", "n": SCRYPT_N, "r": SCRYPT_R, "p": SCRYPT_P, "salt": salt.hex()}
    return blob, params


def decrypt(blob: bytes, passphrase: str, params: dict[str, Any]) -> bytes:
    if params.get("cipher") != "AES-256-GCM" or params.get("kdf") != "scrypt":
        raise ArchiveError("The archive's encrypted part uses an unknown cipher.")
    key = Scrypt(
        salt=bytes.fromhex(params["salt"]), length=32, n=int(params["n"]), r=int(params["r"]), p=int(params["p"])
    ).derive(passphrase.encode())
    try:
        return AESGCM(key).decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], FORMAT.encode())
    except InvalidTag:
        raise ArchiveError("Wrong passphrase: the encrypted files and secrets cannot be read.") from None


def write_archive(path: Path, manifest: dict[str, Any], members: dict[str, bytes]) -> None:
    """Write the tar atomically (a partial file never carries the final name)."""
    manifest = dict(manifest)
    manifest.update(
        format=FORMAT,
        format_version=FORMAT_VERSION,
        app=APP,
        members={name: {"sha256": sha256(data), "size": len(data)} for name, data in members.items()},
    )
    manifest_bytes = json.dumps(manifest, indent=2, sort_keys=True).encode()
    draft = path.with_name(f".{path.name}.partial")
    try:
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # private from the first byte
        with os.fdopen(fd, "wb") as fh, tarfile.open(fileobj=fh, mode="w") as tar:
            entries = [(MANIFEST, manifest_bytes), (MANIFEST_SUM, sha256(manifest_bytes).encode()), *members.items()]
            for name, data in entries:
                info = tarfile.TarInfo(name)
                info.size = len(data)
                info.mtime = 0
                info.mode = 0o600
                tar.addfile(info, io.BytesIO(data))
        with open(draft, "rb") as written:
            os.fsync(written.fileno())
        draft.replace(path)
    except BaseException:
        draft.unlink(missing_ok=True)  # a disk that filled up leaves no half archive behind
        raise


def read_archive(path: Path) -> Archive:
    """Read and verify `path`: format marker, app, version, the manifest's and every member's checksum."""
    try:
        with tarfile.open(path, "r:") as tar:
            members: dict[str, bytes] = {}
            for info in tar.getmembers():
                if not info.isfile() or "/" in info.name or info.name in members:
                    raise ArchiveError(f"{path.name} is not a Ticketapp backup (unexpected entry {info.name!r}).")
                extracted = tar.extractfile(info)
                members[info.name] = extracted.read() if extracted else b""
    except (tarfile.TarError, EOFError, OSError) as exc:
        raise ArchiveError(f"{path.name} is not a readable backup archive ({exc}).") from None
    manifest_bytes = members.pop(MANIFEST, None)
    expected = members.pop(MANIFEST_SUM, b"").decode(errors="replace").strip()
    if manifest_bytes is None:
        raise ArchiveError(f"{path.name} is not a Ticketapp backup (no manifest).")
    if sha256(manifest_bytes) != expected:
        raise ArchiveError(f"{path.name} is corrupt: the manifest's checksum does not match.")
    try:
        manifest = json.loads(manifest_bytes)
    except ValueError:
        raise ArchiveError(f"{path.name} is corrupt: the manifest is not JSON.") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT or manifest.get("app") != APP:
        raise ArchiveError(f"{path.name} is not a Ticketapp backup (foreign format or application).")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise ArchiveError(
            f"{path.name} has backup format version {manifest.get('format_version')!r}; "
            f"this version of Ticketapp reads version {FORMAT_VERSION}."
        )
    listed = manifest.get("members") or {}
    if set(listed) != set(members) or DATABASE not in members:
        raise ArchiveError(f"{path.name} is corrupt: its members do not match the manifest.")
    for name, data in members.items():
        if sha256(data) != listed[name].get("sha256"):
            raise ArchiveError(f"{path.name} is corrupt: {name} does not match its checksum.")
    return Archive(manifest, members)


def pack_files(entries: dict[str, bytes]) -> bytes:
    """A tar.gz of `relative path → content` (the private part, before encryption)."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz", compresslevel=6) as tar:
        for name, data in sorted(entries.items()):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mode = 0o600
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def unpack_files(blob: bytes) -> dict[str, bytes]:
    entries: dict[str, bytes] = {}
    with tarfile.open(fileobj=io.BytesIO(blob), mode="r:gz") as tar:
        for info in tar.getmembers():
            parts = Path(info.name).parts
            if not info.isfile() or info.name.startswith("/") or ".." in parts:
                raise ArchiveError(f"The archive's files hold an unsafe entry {info.name!r}.")
            extracted = tar.extractfile(info)
            entries[info.name] = extracted.read() if extracted else b""
    return entries
