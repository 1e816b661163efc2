"""Downloader middleware: never fetch anything but http(s), nor from private addresses.

More: docs/modules.md, ``crawler/middlewares/addressguard.py``.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import re
import socket
import time
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest

logger = logging.getLogger(__name__)

ALLOWED_SCHEMES = frozenset({"http", "https"})
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
_NUMERIC_V4 = re.compile(r"[0-9a-fA-FxX.]+")


def literal_address(host: str) -> IPAddress | None:
    """The IP address ``host`` denotes without any DNS lookup, or None for a name.

    Accepts what the C library accepts for IPv4 (``127.1``, ``0177.0.0.1``, ``0x7f.1``,
    ``2130706433``: ``inet_aton`` forms), IPv6 with or without brackets and with a zone.
    """
    host = host.strip().rstrip(".")
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    host = host.partition("%")[0]
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    if host and _NUMERIC_V4.fullmatch(host) and any(c.isdigit() for c in host):
        try:
            return ipaddress.IPv4Address(socket.inet_aton(host))
        except (OSError, ValueError):
            return None
    return None


def is_public(address: IPAddress) -> bool:
    """Is ``address`` globally routable (and not multicast, reserved or unspecified)?"""
    if isinstance(address, ipaddress.IPv6Address):
        mapped = address.ipv4_mapped or address.sixtofour
        if mapped is not None and not is_public(mapped):
            return False
        teredo = address.teredo
        if teredo is not None and not is_public(teredo[1]):
            return False
    return (address.is_global and not address.is_multicast and not address.is_reserved
            and not address.is_unspecified and not address.is_link_local
            and not address.is_loopback)


def is_local_name(host: str) -> bool:
    """``localhost`` and names under it (RFC 6761: always the loopback)."""
    host = host.strip().rstrip(".").lower()
    return host == "localhost" or host.endswith(".localhost")


def refusal(url: str) -> tuple[str, str] | None:
    """Why ``url`` must not be fetched, judged without DNS: (kind, message), or None."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
    except ValueError as exc:
        return "scheme", f"unparsable URL ({exc})"
    scheme = parts.scheme.lower()
    if scheme not in ALLOWED_SCHEMES:
        return "scheme", f"scheme {scheme or '(none)'!r} is not fetched (only http and https)"
    if not host:
        return "address", "no host"
    if is_local_name(host):
        return "address", f"host {host} is the local machine"
    address = literal_address(host)
    if address is not None and not is_public(address):
        return "address", f"address {address} is not public (private, loopback, link-local, " \
                          "multicast or reserved)"
    return None


class AddressGuardMiddleware:
    """Refuse non-http(s) URLs and private or local addresses; see the module docstring."""

    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        self.crawler = crawler
        self.stats = crawler.stats
        self.allow_private = settings.getbool("ALLOW_PRIVATE_ADDRESSES", False)
        self.dns_timeout = settings.getfloat("ADDRESS_GUARD_DNS_TIMEOUT", 5.0)
        self.cache_seconds = settings.getfloat("ADDRESS_GUARD_CACHE_SECONDS", 300.0)
        self._cache: dict[tuple[str, int], tuple[float, str | None]] = {}
        #: every response is served from an archive: no lookups, no address refusals
        self.replaying = bool(settings.getlist("WARC_REPLAY"))

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> AddressGuardMiddleware:
        return cls(crawler)

    async def process_request(self, request: Request) -> None:
        found = refusal(request.url)
        if found is not None and (found[0] == "scheme" or not (self.allow_private
                                                               or self.replaying)):
            self._refuse(request, *found)
        if self.allow_private or self.replaying or request.meta.get("proxy"):
            return None
        parts = urlsplit(request.url)
        host = parts.hostname or ""
        if literal_address(host) is not None:
            return None
        port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
        reason = await self._resolved_refusal(host, port)
        if reason is not None:
            self._refuse(request, "address", reason)
        return None

    async def _resolved_refusal(self, host: str, port: int) -> str | None:
        """Resolve ``host``; a reason to refuse when any of its addresses is not public."""
        key = (host.lower(), port)
        cached = self._cache.get(key)
        if cached is not None and cached[0] > time.monotonic():
            return cached[1]
        try:
            infos = await asyncio.wait_for(
                asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM),
                self.dns_timeout)
        except (OSError, TimeoutError, UnicodeError) as exc:
            logger.debug("address guard: %s does not resolve (%s); left to the downloader",
                         host, exc)
            return None
        reason = None
        for info in infos:
            address = literal_address(str(info[4][0]))
            if address is not None and not is_public(address):
                reason = (f"host {host} resolves to {address}, which is not public (private, "
                          "loopback, link-local, multicast or reserved)")
                break
        self._cache[key] = (time.monotonic() + self.cache_seconds, reason)
        return reason

    def _refuse(self, request: Request, kind: str, reason: str) -> Any:
        if self.stats is not None:
            self.stats.inc_value("addressguard/refused")
            self.stats.inc_value(f"addressguard/refused/{kind}")
        hint = "" if kind == "scheme" else " (set ALLOW_PRIVATE_ADDRESSES to allow)"
        logger.warning("refused %s: %s%s", request.url, reason, hint)
        raise IgnoreRequest(f"address guard: {reason}")
