"""The faults a sidecar or route can ask for: answers that break HTTP on purpose.

``"fault": "<name>"`` (or ``{"name": "<name>", ...options}``) hands the finished response to
``FAULTS[name]`` instead of writing it normally; :func:`register_fault` adds one. Built in:
``reset_mid_body``, ``truncate``, ``empty_reply``, ``stall``, ``drip``, ``garbage``, ``flaky``
(their options: docs/fixtureweb.md). Faults always close the connection afterwards.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from fixtureweb.fixtureresponse import FixtureResponse, reason_phrase

if TYPE_CHECKING:
    from fixtureweb.proxyhandler import ProxyHandler

#: fault(handler, response, is_head, options): writes whatever it likes with ``handler.send``
#: (first call logs the request), may call ``handler.abort_connection()``; the connection is
#: closed afterwards.  ``options`` is the sidecar/route ``fault`` object (``name`` + arguments).
FaultFn = Callable[["ProxyHandler", FixtureResponse, bool, Mapping[str, Any]], None]
FAULTS: dict[str, FaultFn] = {}


def register_fault(name: str) -> Callable[[FaultFn], FaultFn]:
    """Decorator: make ``"fault": name`` in a sidecar or route call the decorated function."""

    def decorate(fn: FaultFn) -> FaultFn:
        FAULTS[name] = fn
        return fn

    return decorate


def _cut_body(
    handler: ProxyHandler, resp: FixtureResponse, head: bool, opts: Mapping[str, Any]
) -> None:
    """Headers declaring the full Content-Length, then only ``keep_bytes`` (default: half)."""
    keep = int(opts.get("keep_bytes", len(resp.body) // 2))
    keep = max(0, min(keep, max(len(resp.body) - 1, 0)))
    head_bytes = handler.header_block(resp, content_length=len(resp.body), close=True)
    handler.send(head_bytes + (b"" if head else resp.body[:keep]))


@register_fault("reset_mid_body")
def _fault_reset_mid_body(
    handler: ProxyHandler, resp: FixtureResponse, head: bool, opts: Mapping[str, Any]
) -> None:
    _cut_body(handler, resp, head, opts)
    handler.abort_connection()


@register_fault("truncate")
def _fault_truncate(
    handler: ProxyHandler, resp: FixtureResponse, head: bool, opts: Mapping[str, Any]
) -> None:
    _cut_body(handler, resp, head, opts)


@register_fault("empty_reply")
def _fault_empty_reply(
    handler: ProxyHandler, resp: FixtureResponse, head: bool, opts: Mapping[str, Any]
) -> None:
    return None


# -- slow, garbled and recovering answers --------------------------------------------------

_COUNTS_LOCK = threading.Lock()
_COUNTS_ATTR = "_fixtureweb_flaky_counts"
_DEFAULT_GARBAGE = b"SSH-2.0-OpenSSH_9.6\r\n\x00\x01\x02\xff\xfe binary \x1b[0m not http\r\n"


def _sleep(handler: ProxyHandler, seconds: float) -> None:
    """Sleep in small steps; stop early when the server is shutting down."""
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        if getattr(handler.server, "_BaseServer__shutdown_request", False):
            return
        time.sleep(min(0.05, left))


@register_fault("stall")
def fault_stall(
    handler: ProxyHandler, resp: FixtureResponse, head: bool, opts: Mapping[str, Any]
) -> None:
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
def fault_drip(
    handler: ProxyHandler, resp: FixtureResponse, head: bool, opts: Mapping[str, Any]
) -> None:
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
    handler: ProxyHandler, resp: FixtureResponse, head: bool, opts: Mapping[str, Any]
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
def fault_flaky(
    handler: ProxyHandler, resp: FixtureResponse, head: bool, opts: Mapping[str, Any]
) -> None:
    """``failures`` error answers for this URL, then the real response."""
    pending = handler._pending
    key = f"{pending.scheme}://{pending.host}{pending.path}?{pending.query}" if pending else ""
    count = flaky_count(handler.server, key)
    if count > int(opts.get("failures", 2)):
        handler.send_fixture_response(resp, head)
        return
    status = int(opts.get("status", 503))
    failed = FixtureResponse(status=status, reason=reason_phrase(status))
    failed.headers = [(k, v) for k, v in resp.headers if k.lower() in ("date", "server")]
    failed.headers.append(("Content-Type", "text/plain; charset=utf-8"))
    for name, value in dict(opts.get("headers") or {}).items():
        failed.headers.append((str(name), str(value)))
    failed.body = f"{status} {failed.reason} (attempt {count})\n".encode()
    if handler._pending is not None:
        handler._pending.status = status
    handler.send_fixture_response(failed, head)


def _logged(handler: ProxyHandler) -> Any:
    """The pending request-log entry (taken, so it is recorded once)."""
    entry, handler._pending = handler._pending, None
    return entry
