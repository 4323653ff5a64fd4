"""Block lists: e-mail addresses, e-mail domains and IP ranges, each with why, who, when and until when.

Accounts are blocked on the account itself (services/accounts/admin.set_blocked); these lists
refuse checkouts (and sign-ups) from addresses, domains and networks, signed in or not.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, col, or_, select

from ticketapp.i18n import msgid
from ticketapp.models import BlockEntry, BlockKind, utcnow
from ticketapp.services.accounts.audit import audit
from ticketapp.services.errors import DomainError
from ticketapp.services.risk.disposable import email_domain

_DOMAIN = re.compile(r"^(?=.{3,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
MAX_DAYS = 3650


class BlockError(DomainError):
    """A refused block-list change (nothing was changed)."""


def normalise(kind: str, raw: str) -> str:
    """The canonical form of a block value, or BlockError with what is wrong with it."""
    value = raw.strip().lower()
    if kind == BlockKind.EMAIL:
        local, _, domain = value.partition("@")
        if not local or not _DOMAIN.match(domain) or len(value) > 320 or " " in value:
            raise BlockError(msgid("Please enter a valid e-mail address."))
        return value
    if kind == BlockKind.DOMAIN:
        value = value.lstrip("@").rstrip(".")
        if not _DOMAIN.match(value):
            raise BlockError(msgid("Please enter a domain such as example.com."))
        return value
    if kind == BlockKind.IP:
        try:
            return str(ipaddress.ip_network(value, strict=False))
        except ValueError:
            raise BlockError(msgid("Please enter an IP address or a network such as 203.0.113.0/24.")) from None
    raise BlockError(msgid("Choose what to block: an e-mail address, a domain or an IP range."))


def add_block(
    session: Session, actor_id: int, kind: str, raw_value: str, reason: str, *, days: int | None = None
) -> BlockEntry:
    """Block `raw_value` (audited, commits). `days` None or 0: until removed."""
    value = normalise(kind, raw_value)
    reason = reason.strip()
    if not reason:
        raise BlockError(msgid("Please give a reason."))
    if days is not None and not 0 <= days <= MAX_DAYS:
        raise BlockError(msgid("The duration must be between 0 and {max} days."), max=MAX_DAYS)
    now = utcnow()
    existing = session.exec(select(BlockEntry).where(BlockEntry.kind == kind, BlockEntry.value == value)).first()
    if existing is not None and (existing.expires_at is None or existing.expires_at > now):
        raise BlockError(msgid("{value} is already blocked."), value=value)
    if existing is not None:  # an expired entry: renew it
        session.delete(existing)
        session.flush()
    entry = BlockEntry(
        kind=kind,
        value=value,
        reason=reason[:300],
        created_by_id=actor_id,
        created_at=now,
        expires_at=now + timedelta(days=days) if days else None,
    )
    session.add(entry)
    session.flush()
    audit(session, actor_id, "risk.block_added", "risk_block", entry.id, kind=kind, value=value, reason=reason[:300])
    session.commit()
    return entry


def remove_block(session: Session, actor_id: int, block_id: int) -> None:
    entry = session.get(BlockEntry, block_id)
    if entry is None:
        raise BlockError(msgid("This block no longer exists."))
    audit(session, actor_id, "risk.block_removed", "risk_block", block_id, kind=entry.kind, value=entry.value)
    session.delete(entry)
    session.commit()


def list_blocks(session: Session, *, now: datetime | None = None) -> list[BlockEntry]:
    """Active blocks, newest first."""
    now = now or utcnow()
    query = (
        select(BlockEntry)
        .where(or_(col(BlockEntry.expires_at).is_(None), col(BlockEntry.expires_at) > now))
        .order_by(col(BlockEntry.created_at).desc(), col(BlockEntry.id).desc())
    )
    return list(session.exec(query))


@dataclass(frozen=True)
class BlockMatch:
    kind: str
    value: str
    reason: str


def _ip_in(ip: str, network: str) -> bool:
    try:
        return ipaddress.ip_address(ip) in ipaddress.ip_network(network, strict=False)
    except ValueError:
        return False


def matching_blocks(session: Session, email: str, ip: str, *, now: datetime | None = None) -> list[BlockMatch]:
    """The active blocks that `email` (its address or domain) or `ip` falls under."""
    now = now or utcnow()
    email = email.strip().lower()
    parts = email_domain(email).split(".")
    domains = [".".join(parts[i:]) for i in range(len(parts) - 1)]
    active = or_(col(BlockEntry.expires_at).is_(None), col(BlockEntry.expires_at) > now)
    wanted = or_(
        (col(BlockEntry.kind) == BlockKind.EMAIL) & (col(BlockEntry.value) == email),
        (col(BlockEntry.kind) == BlockKind.DOMAIN) & col(BlockEntry.value).in_(domains or [""]),
        col(BlockEntry.kind) == BlockKind.IP,
    )
    hits = []
    for entry in session.exec(select(BlockEntry).where(active, wanted)):
        if entry.kind == BlockKind.IP and not (ip and _ip_in(ip, entry.value)):
            continue
        hits.append(BlockMatch(entry.kind, entry.value, entry.reason))
    return hits
