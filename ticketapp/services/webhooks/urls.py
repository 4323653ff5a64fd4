"""Which endpoint URLs may be registered: http(s) only, never link-local or cloud-metadata addresses (SSRF).

Loopback and private networks are refused too unless WEBHOOKS_ALLOW_PRIVATE=1 (tests, a receiver on the
same host). The host is resolved when the URL is saved and again before each delivery, so a name that
later points at a forbidden address is refused at send time.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from ticketapp.i18n import msgid
from ticketapp.services.errors import DomainError
from ticketapp.settings import get_settings

MAX_URL = 2000
METADATA_HOSTS = frozenset({"metadata.google.internal", "metadata", "instance-data"})


class WebhookUrlError(DomainError):
    """An endpoint URL that cannot be used."""


def _addresses(host: str, port: int) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise WebhookUrlError(msgid("The host {host} cannot be found."), host=host) from exc
    return [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]


def check_url(url: str, *, resolve: bool = True) -> str:
    """The URL, trimmed, or WebhookUrlError with the reason."""
    url = url.strip()
    if not url:
        raise WebhookUrlError(msgid("Enter the URL that should receive the webhooks."))
    if len(url) > MAX_URL:
        raise WebhookUrlError(msgid("The URL is too long (at most {limit} characters)."), limit=MAX_URL)
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise WebhookUrlError(msgid("The URL must start with https:// (or http://) and name a host."))
    if parts.username or parts.password:
        raise WebhookUrlError(msgid("The URL must not contain a user name or password."))
    host = parts.hostname.lower()
    if host in METADATA_HOSTS:
        raise WebhookUrlError(msgid("The URL points at a cloud metadata service, which is refused."))
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:
        raise WebhookUrlError(msgid("The URL's port is not valid.")) from exc
    if resolve:
        allow_private = get_settings().webhooks_allow_private
        for found in _addresses(host, port):
            address = getattr(found, "ipv4_mapped", None) or found  # ::ffff:169.254.169.254 is 169.254.169.254
            if address.is_link_local or address.is_multicast or address.is_unspecified:
                raise WebhookUrlError(msgid("The URL points at a link-local or reserved address, which is refused."))
            if address.is_loopback or address.is_private:
                if not allow_private:
                    raise WebhookUrlError(
                        msgid("The URL points at a private or loopback address; only public addresses are allowed.")
                    )
            elif address.is_reserved:
                raise WebhookUrlError(msgid("The URL points at a link-local or reserved address, which is refused."))
    return url
