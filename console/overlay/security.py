"""The overlay server's guards: secret tokens, the Host allowlist, the Origin check, a rate limit.

Every URL carries a token, so a page elsewhere cannot guess its way in. The
Host allowlist defeats DNS rebinding (a hostile name that resolves to
127.0.0.1 still sends its own name as Host); the Origin check stops another
site's page from opening our WebSocket or posting remote actions from the
viewer's own browser.
"""

from __future__ import annotations

import hmac
import ipaddress
import re
import secrets
import socket
from collections.abc import Iterable

TOKEN_BYTES = 24  # 192 bits; the issue asks for at least 128
# What a token may look like when typed or pasted: URL-safe, at least 22 characters (132 bits).
TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{22,128}")


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def valid_token(text: str) -> bool:
    return TOKEN_RE.fullmatch(text) is not None


def same_token(given: str, expected: str) -> bool:
    """Compare in constant time; `given` comes from the URL and may be any text."""
    return hmac.compare_digest(given.encode("utf-8", "replace"), expected.encode("utf-8"))


def allowed_hosts(port: int, names: Iterable[str]) -> frozenset[str]:
    """Host header values the server answers: each name with the port."""
    return frozenset(f"{name.lower()}:{port}" for name in names)


def host_allowed(host: str | None, allowed: frozenset[str]) -> bool:
    return host is not None and host.strip().lower() in allowed


def origin_allowed(origin: str | None, allowed: frozenset[str]) -> bool:
    """True only for our own pages' origin; a missing Origin is refused (browsers always send it)."""
    if origin is None:
        return False
    scheme, sep, host = origin.strip().lower().partition("://")
    return scheme == "http" and sep == "://" and host in allowed


def lan_address() -> str | None:
    """This machine's private IPv4 address on the local network, or None.

    Connecting a UDP socket sends nothing; it only makes the OS pick the
    interface of its default route. A public address is refused: the remote
    and overlays are for a home or studio network, never the internet.
    """
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("192.0.2.1", 9))  # TEST-NET-1: routable-looking, never used
            address = str(probe.getsockname()[0])
    except OSError:
        return None
    ip = ipaddress.ip_address(address)
    return address if ip.is_private and not ip.is_loopback and not ip.is_link_local else None


class RateLimit:
    """A token bucket: `burst` requests at once, then one every `interval_s`."""

    def __init__(self, burst: int, interval_s: float) -> None:
        self.burst = burst
        self.interval_s = interval_s
        self._level = float(burst)
        self._at: float | None = None

    def take(self, now_s: float) -> bool:
        """Spend one request at `now_s` (a monotonic time); False when over the limit."""
        if self._at is not None:
            self._level = min(
                self.burst, self._level + max(0.0, now_s - self._at) / self.interval_s
            )
        self._at = now_s if self._at is None else max(self._at, now_s)
        if self._level < 1:
            return False
        self._level -= 1
        return True
