"""Disposable (throw-away) e-mail domains: the maintained list of the `disposable-email-domains`
package, plus the optional file `RISK_DISPOSABLE_DOMAINS_FILE` (one domain per line, # comments)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from disposable_email_domains import blocklist

from ticketapp.settings import get_settings


@lru_cache(maxsize=4)
def _extra_domains(path: str) -> frozenset[str]:
    if not path:
        return frozenset()
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError:
        return frozenset()
    return frozenset(line.split("#", 1)[0].strip().lower() for line in lines if line.split("#", 1)[0].strip())


def email_domain(email: str) -> str:
    return email.rpartition("@")[2].strip().lower().rstrip(".")


def is_disposable(email: str) -> bool:
    """Whether the address's domain, or a parent domain of it, is a known throw-away provider."""
    domain = email_domain(email)
    extra = _extra_domains(get_settings().risk.disposable_domains_file)
    parts = domain.split(".")
    candidates = {".".join(parts[i:]) for i in range(len(parts) - 1)}
    return any(c in blocklist or c in extra for c in candidates)
