"""What the compiled frontend sends when it connects, read from the bundle the app serves.

A browser's first hydrate carries the per-state hashes of the `initialState` compiled into the bundle (the backend
then sends only what differs), the state schema hash, and the values of the cookies the bundle tracks. The bench
reads the same three things from the served JavaScript, so it speaks to the backend exactly as that build does.
"""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlsplit

_ASSET = re.compile(r'(?:href|src)="(/assets/[^"]+\.js)"')
_HASHES = re.compile(r"initialStateHashes\s*=\s*(?:`([0-9a-f.]+)`|(\[[^\]]*\]))")
_SCHEMA = re.compile(r"stateSchema\s*=\s*[`\"]([0-9a-f]+)[`\"]")
_COOKIES = re.compile(r"clientStorage\s*=\s*\{\s*\"?cookies\"?\s*:\s*\{(.*?)\}\s*\}\s*,\s*\"?local_storage")
_COOKIE = re.compile(r"\"([^\"]+)\"\s*:\s*\{\s*\"?name\"?\s*:\s*[`\"]([^`\"]+)[`\"]")


@dataclass(frozen=True)
class Site:
    url: str  # where the browser loads pages, e.g. http://localhost:3000
    initial_state_hashes: list[str]
    state_schema: str
    cookie_vars: dict[str, str]  # full var name ("state.var_rx_state_") -> cookie name

    @property
    def host(self) -> str:
        return urlsplit(self.url).netloc


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.read().decode()


def is_up(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/ping", timeout=5) as response:
            return response.status == 200
    except (OSError, urllib.error.URLError):
        return False


def read_site(url: str, page: str = "/") -> Site:
    """Fetch `page` and the scripts it preloads until one holds the compiled app context."""
    url = url.rstrip("/")
    html = _get(url + page)
    for asset in dict.fromkeys(_ASSET.findall(html)):
        script = _get(url + asset)
        hashes = _HASHES.search(script)
        if hashes is None:
            continue
        dotted, listed = hashes.groups()
        schema = _SCHEMA.search(script)
        cookies = _COOKIES.search(script)
        return Site(
            url=url,
            initial_state_hashes=dotted.split(".") if dotted else re.findall(r"[0-9a-f]{16}", listed),
            state_schema=schema.group(1) if schema else "",
            cookie_vars=dict(_COOKIE.findall(cookies.group(1))) if cookies else {},
        )
    raise RuntimeError(f"no compiled Reflex app context found in the scripts of {url + page}")
