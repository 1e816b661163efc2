"""More faults for the fixture web: stalls, slow drips, garbage, and failures that recover.

Importing this module registers them (``fixtureweb/__init__.py`` does, so they are available
wherever the fixture web runs). Use them like the built-in faults, from a sidecar or a route::

    {"fault": "stall"}                                   headers, half the body, then silence
    {"fault": {"name": "stall", "keep_bytes": 0, "stall_ms": 5000}}
    {"fault": {"name": "stall", "before_headers": true}} silence before the status line
    {"fault": {"name": "drip", "chunk": 64, "interval_ms": 50}}
    {"fault": {"name": "garbage", "data": "SSH-2.0-OpenSSH_9.6\\r\\n"}}
    {"fault": {"name": "flaky", "failures": 2, "status": 503}}
    {"fault": {"name": "flaky", "failures": 1, "status": 429,
               "headers": {"Retry-After": "1"}}}

``stall``
    Sends the status line and headers (full ``Content-Length``) and ``keep_bytes`` of the body
    (default: half), then sends nothing for ``stall_ms`` (default 30000) and closes the
    connection cleanly. ``before_headers: true`` stalls before sending anything at all.
``drip``
    Sends the response normally framed, but the body in pieces of ``chunk`` bytes (default
    16) with ``interval_ms`` (default 100) between them: a slow but complete response.
``garbage``
    Answers with bytes that are not HTTP (``data``: text, default a binary blob that starts
    like an SSH banner), then closes.
``flaky``
    The first ``failures`` (default 2) requests for this URL on this server get ``status``
    (default 503) with a short text body and the extra ``headers`` (e.g. ``Retry-After``);
    later requests get the normal response. Counts are per fixture-web instance and URL
    (host, path and query), so a retry of the same URL sees the next count.

Faults always close the connection afterwards (the server sets ``Connection: close``).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from typing import Any

from fixtureweb.server import FixtureResponse, _reason, register_fault

__all__ = ["flaky_count"]

_COUNTS_LOCK = threading.Lock()
_COUNTS_ATTR = "_fixtureweb_flaky_counts"
_DEFAULT_GARBAGE = b"SSH-2.0-OpenSSH_9.6\r\n\x00\x01\x02\xff\xfe binary \x1b[0m not http\r\n"


def _sleep(handler: Any, seconds: float) -> None:
    """Sleep in small steps; stop early when the server is shutting down."""
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        if getattr(handler.server, "_BaseServer__shutdown_request", False):
            return
        time.sleep(min(0.05, left))


@register_fault("stall")
def fault_stall(handler: Any, resp: FixtureResponse, head: bool, opts: Mapping[str, Any]) -> None:
    """Headers and part of the body (or nothing), then silence for ``stall_ms``."""
    stall = float(opts.get("stall_ms", 30000)) / 1000.0
    if opts.get("before_headers"):
        handler.server.record(_logged(handler))
        _sleep(handler, stall)
        return
    keep = int(opts.get("keep_bytes", len(resp.body) // 2))
    keep = max(0, min(keep, max(len(resp.body) - 1, 0)))
    block = handler.header_block(resp, content_length=len(resp.body), close=True)
    handler.send(block + (b"" if head else resp.body[:keep]))
    _sleep(handler, stall)


@register_fault("drip")
def fault_drip(handler: Any, resp: FixtureResponse, head: bool, opts: Mapping[str, Any]) -> None:
    """A complete response whose body arrives ``chunk`` bytes at a time."""
    chunk = max(1, int(opts.get("chunk", 16)))
    interval = float(opts.get("interval_ms", 100)) / 1000.0
    handler.send(handler.header_block(resp, content_length=len(resp.body), close=True))
    if head:
        return
    for i in range(0, len(resp.body), chunk):
        time.sleep(interval)
        handler.wfile.write(resp.body[i : i + chunk])


@register_fault("garbage")
def fault_garbage(
    handler: Any, resp: FixtureResponse, head: bool, opts: Mapping[str, Any]
) -> None:
    """Bytes that are not an HTTP response."""
    data = opts.get("data")
    payload = str(data).encode("utf-8") if data is not None else _DEFAULT_GARBAGE
    handler.send(payload)


def flaky_count(server: Any, key: str) -> int:
    """Increment and return how many times ``key`` was requested on ``server`` (1-based)."""
    with _COUNTS_LOCK:
        counts = getattr(server, _COUNTS_ATTR, None)
        if counts is None:
            counts = {}
            setattr(server, _COUNTS_ATTR, counts)
        counts[key] = counts.get(key, 0) + 1
        return counts[key]


@register_fault("flaky")
def fault_flaky(handler: Any, resp: FixtureResponse, head: bool, opts: Mapping[str, Any]) -> None:
    """``failures`` error answers for this URL, then the real response."""
    pending = handler._pending
    key = f"{pending.scheme}://{pending.host}{pending.path}?{pending.query}" if pending else ""
    count = flaky_count(handler.server, key)
    if count > int(opts.get("failures", 2)):
        handler.send_fixture_response(resp, head)
        return
    status = int(opts.get("status", 503))
    failed = FixtureResponse(status=status, reason=_reason(status))
    failed.headers = [(k, v) for k, v in resp.headers if k.lower() in ("date", "server")]
    failed.headers.append(("Content-Type", "text/plain; charset=utf-8"))
    for name, value in dict(opts.get("headers") or {}).items():
        failed.headers.append((str(name), str(value)))
    failed.body = f"{status} {failed.reason} (attempt {count})\n".encode()
    if handler._pending is not None:
        handler._pending.status = status
    handler.send_fixture_response(failed, head)


def _logged(handler: Any) -> Any:
    """The pending request-log entry (taken, so it is recorded once)."""
    entry, handler._pending = handler._pending, None
    return entry
