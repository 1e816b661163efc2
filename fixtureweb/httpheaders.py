"""HTTP header values the fixture web reads or merges: Host, Accept-Encoding, ETags."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# Framing headers are always computed by the server.
FRAMING_HEADERS = frozenset({"content-length", "transfer-encoding", "connection"})


def merge_headers(
    base: list[tuple[str, str]], overrides: Mapping[str, Any] | None
) -> list[tuple[str, str]]:
    """Replace headers of ``base`` by case-insensitive name; ``None`` removes; lists repeat."""
    if not overrides:
        return base
    lowered = {k.lower() for k in overrides}
    merged = [(k, v) for k, v in base if k.lower() not in lowered]
    for name, value in overrides.items():
        if name.lower() in FRAMING_HEADERS or value is None:
            continue
        values = value if isinstance(value, list) else [value]
        merged.extend((name, str(v)) for v in values)
    return merged


def accepts_gzip(accept_encoding: str | None) -> bool:
    if not accept_encoding:
        return False
    star: bool | None = None
    for item in accept_encoding.split(","):
        coding, _, params = item.strip().partition(";")
        coding = coding.strip().lower()
        q = 1.0
        for param in params.split(";"):
            pname, _, pvalue = param.strip().partition("=")
            if pname.strip().lower() == "q":
                try:
                    q = float(pvalue)
                except ValueError:
                    q = 0.0
        if coding in ("gzip", "x-gzip"):
            return q > 0
        if coding == "*":
            star = q > 0
    return bool(star)


def etag_matches(if_none_match: str, etag: str) -> bool:
    def strip(tag: str) -> str:
        tag = tag.strip()
        return tag[2:] if tag.startswith("W/") else tag

    wanted = strip(etag)
    return any(t.strip() == "*" or strip(t) == wanted for t in if_none_match.split(","))


def split_host(host: str) -> str:
    """``Example.Test:8080`` -> ``example.test``; ``[::1]:80`` -> ``::1``."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[1:].partition("]")[0]
    if host.count(":") == 1:
        host = host.partition(":")[0]
    return host.rstrip(".")
