"""The fixture web's connection handler: proxy, tunnel and direct requests, TLS, framing.

Speaks proxy requests in absolute form, ``CONNECT`` tunnels (TLS inside when the client starts
it, with the certificate of :mod:`fixtureweb.tls`), origin-form and direct TLS requests, HTTP/1.1
keep-alive and HTTP/1.0; GET, HEAD, POST. Each request is answered from the
:class:`~fixtureweb.fixturestore.FixtureStore`, after the delays and holds (:mod:`fixtureweb.hold`),
through a fault of :mod:`fixtureweb.faultanswers` when the data asks for one; every request is
recorded in the log just before its bytes are written. Details: docs/fixtureweb.md.
"""

from __future__ import annotations

import http.server
import logging
import os
import re
import socket
import ssl
import struct
import time
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from fixtureweb.faultanswers import FAULTS, FaultFn
from fixtureweb.fixtureresponse import FixtureResponse, text_response
from fixtureweb.httpheaders import split_host
from fixtureweb.requestlog import LoggedRequest

if TYPE_CHECKING:
    from fixtureweb.server import FixtureServer

logger = logging.getLogger("fixtureweb")


class SocketWriter:
    """Unbuffered writer (what socketserver uses for ``wbufsize == 0``), for TLS sockets too."""

    closed = False

    def __init__(self, sock: socket.socket) -> None:
        self._sock = sock

    def write(self, data: bytes) -> int:
        self._sock.sendall(data)
        return len(data)

    def flush(self) -> None:
        pass

    def close(self) -> None:
        self.closed = True


class ProxyHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "fixtureweb"
    timeout = 120  # idle keep-alive connections are dropped after this
    server: FixtureServer

    def setup(self) -> None:
        super().setup()
        self.tls = False
        self._pending: LoggedRequest | None = None
        self.tunnel_host: str | None = None
        self.aborted = False
        try:
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:
            pass
        self.server.track(self.connection)

    def handle(self) -> None:
        try:
            if self._client_starts_tls():
                self._start_tls()
        except (OSError, ssl.SSLError) as exc:
            logger.debug("fixtureweb: TLS setup failed: %s", exc)
            return
        super().handle()

    def finish(self) -> None:
        try:
            super().finish()
        except Exception as exc:  # never leave the connection open because of a late error
            logger.debug("fixtureweb: finish: %s", exc)
        self.server.untrack(self.connection)
        if self.tls and not self.aborted:
            try:
                self.connection.settimeout(0.2)
                self.connection.unwrap()
            except (OSError, ValueError):
                pass
            try:
                self.connection.close()
            except OSError:
                pass

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("fixtureweb: " + format, *args)

    # ---- TLS

    def _client_starts_tls(self) -> bool:
        first = self.connection.recv(1, socket.MSG_PEEK)
        return first == b"\x16"

    def _start_tls(self) -> None:
        ssl_sock = self.server.ssl_context.wrap_socket(self.connection, server_side=True)
        self.server.untrack(self.connection)
        self.server.track(ssl_sock)
        try:
            self.rfile.close()
        except OSError:
            pass
        self.connection = self.request = ssl_sock
        self.rfile = ssl_sock.makefile("rb", self.rbufsize)
        self.wfile = SocketWriter(ssl_sock)  # type: ignore[assignment]
        self.tls = True

    def abort_connection(self) -> None:
        """Close with a TCP RST (SO_LINGER 0)."""
        self.aborted = True
        self.close_connection = True
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass
        try:
            # close the fd right now (no TLS close_notify), even while rfile still refers to it
            self.server.untrack(self.connection)
            os.close(self.connection.detach())
        except OSError:
            pass

    # ---- methods

    def do_GET(self) -> None:
        self._serve()

    def do_HEAD(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length > 0:
            self.rfile.read(length)
        self._serve()

    def do_CONNECT(self) -> None:
        match = re.fullmatch(r"(\[[0-9a-fA-F:.]+\]|[^:\[\]/\s]+)(?::(\d{1,5}))?", self.path.strip())
        if match is None:
            self.send_error(400, "bad CONNECT target")
            return
        host, port = split_host(match[1]), match[2] or "443"
        msg = b"HTTP/1.1 200 Connection established\r\n\r\n"
        self.server.record(
            LoggedRequest(
                time=time.time(),
                method="CONNECT",
                scheme="",
                host=host,
                path=port,
                query="",
                headers=dict(self.headers.items()),
                status=200,
                bytes_sent=len(msg),
                conditional=False,
                mode="connect",
                note="" if self.server.store.host_dirs(host) else "unknown host",
            )
        )
        self.wfile.write(msg)
        self.tunnel_host = host
        self.close_connection = False
        try:
            if self._client_starts_tls():
                self._start_tls()
        except (OSError, ssl.SSLError) as exc:
            logger.debug("fixtureweb: TLS in tunnel to %s failed: %s", host, exc)
            self.close_connection = True

    # ---- serving

    def _target(self) -> tuple[str, str, str, str, str]:
        """(scheme, host, path, query, mode) of the current request."""
        raw = self.path.partition("#")[0]
        lower = raw[:8].lower()
        if lower.startswith("http://") or lower.startswith("https://"):
            parts = urlsplit(raw)
            mode = "tunnel" if self.tunnel_host else "proxy"
            return parts.scheme.lower(), parts.netloc, parts.path or "/", parts.query, mode
        path, _, query = raw.partition("?")
        host = self.headers.get("Host") or self.tunnel_host or ""
        scheme = "https" if self.tls else "http"
        return scheme, host, path or "/", query, ("tunnel" if self.tunnel_host else "direct")

    def _serve(self) -> None:
        method = self.command
        scheme, netloc, path, query, mode = self._target()
        host = split_host(netloc)
        req_headers = dict(self.headers.items())
        resp = self.server.store.resolve(method, scheme, host, path, query, self.headers)
        if resp.note == "unknown host":
            logger.warning("fixtureweb: %s %s://%s%s for unknown host", method, scheme, host, path)
        delay = self.server.delay_ms + resp.delay_ms
        if delay > 0:
            time.sleep(delay / 1000.0)
        if self.server.holds:
            url = f"{scheme}://{host}{path}" + (f"?{query}" if query else "")
            for hold in list(self.server.holds):
                if hold.matches(url) and not hold._released.is_set():
                    hold.wait()
        head = method == "HEAD"
        fn: FaultFn | None = None
        note = resp.note
        if resp.fault is not None:
            name = str(resp.fault.get("name"))
            fn = FAULTS.get(name)
            if fn is None:
                resp = text_response(500, f"fixtureweb: unknown fault {name!r}\n", "bad fault")
            else:
                note = f"fault:{name}"
        # The entry is recorded by send(), just before the bytes go out, so a client that has
        # read its response always finds the request in the log.
        self._pending = LoggedRequest(
            time=time.time(),
            method=method,
            scheme=scheme,
            host=host,
            path=path,
            query=query,
            headers=req_headers,
            status=resp.status,
            bytes_sent=0,
            conditional="If-None-Match" in self.headers or "If-Modified-Since" in self.headers,
            mode=mode,
            file=str(resp.file) if resp.file else None,
            note=note,
        )
        try:
            if fn is not None and resp.fault is not None:
                self.close_connection = True
                fn(self, resp, head, resp.fault)
            else:
                self.send_fixture_response(resp, head)
        finally:
            if self._pending is not None:  # nothing was sent (e.g. empty_reply)
                self.server.record(self._pending)
                self._pending = None

    def send(self, payload: bytes) -> None:
        """Write ``payload``; the first call also records the request in the log."""
        entry, self._pending = self._pending, None
        if entry is not None:
            entry.bytes_sent = len(payload)
            self.server.record(entry)
        self.wfile.write(payload)

    def header_block(
        self,
        resp: FixtureResponse,
        *,
        content_length: int | None = None,
        chunked: bool = False,
        close: bool = False,
    ) -> bytes:
        lines = [f"HTTP/1.1 {resp.status} {resp.reason}"]
        lines += [f"{k}: {v}" for k, v in resp.headers]
        if chunked:
            lines.append("Transfer-Encoding: chunked")
        elif content_length is not None:
            lines.append(f"Content-Length: {content_length}")
        if close:
            lines.append("Connection: close")
        elif self.request_version == "HTTP/1.0":
            lines.append("Connection: keep-alive")
        out = bytearray()
        for line in lines:
            try:
                out += line.encode("latin-1")
            except UnicodeEncodeError:
                out += line.encode("utf-8")
            out += b"\r\n"
        return bytes(out + b"\r\n")

    def send_fixture_response(self, resp: FixtureResponse, head: bool) -> None:
        """Frame ``resp`` for this connection and :meth:`send` it."""
        http10 = self.request_version == "HTTP/1.0"
        no_body = resp.status in (204, 304) or 100 <= resp.status < 200
        body = b"" if no_body else resp.body
        chunked = resp.chunked and not no_body and not http10
        close = self.close_connection
        if no_body:
            block = self.header_block(resp, close=close)
        elif chunked:
            block = self.header_block(resp, chunked=True, close=close)
        elif resp.chunked:  # HTTP/1.0 client: close-delimited body
            close = self.close_connection = True
            block = self.header_block(resp, close=True)
        else:
            block = self.header_block(resp, content_length=len(body), close=close)
        if head or no_body:
            payload = block
        elif chunked:
            size = resp.chunk_size
            parts = [block]
            for i in range(0, len(body), size):
                piece = body[i : i + size]
                parts += [f"{len(piece):x}\r\n".encode(), piece, b"\r\n"]
            parts.append(b"0\r\n\r\n")
            payload = b"".join(parts)
        else:
            payload = block + body
        self.send(payload)
