"""The fixture web: a loopback forward proxy that stands in for the internet.

:class:`FixtureWeb` starts a threaded server on 127.0.0.1 whose connections
:class:`~fixtureweb.proxyhandler.ProxyHandler` answers from the files of a
:class:`~fixtureweb.fixturestore.FixtureStore`; it keeps the request log and the holds, and
gives the proxy environment for a client (``web.env()``). It never opens a connection to
anything.
Data layout, faults and API: docs/fixtureweb.md.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import socketserver
import ssl
import sys
import threading
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, TextIO

from fixtureweb.fixturestore import FixtureStore
from fixtureweb.hold import Hold
from fixtureweb.proxyhandler import ProxyHandler
from fixtureweb.requestlog import LoggedRequest
from fixtureweb.tls import make_certificate, server_ssl_context

logger = logging.getLogger("fixtureweb")


class FixtureServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    block_on_close = False
    request_queue_size = 512

    def __init__(
        self,
        address: tuple[str, int],
        store: FixtureStore,
        ssl_context: ssl.SSLContext,
        delay_ms: float,
        record: Callable[[LoggedRequest], None],
    ) -> None:
        self.store = store
        self.ssl_context = ssl_context
        self.delay_ms = delay_ms
        self.record = record
        self.holds: list[Hold] = []
        self._conns: set[socket.socket] = set()
        self._conns_lock = threading.Lock()
        super().__init__(address, ProxyHandler)

    def track(self, sock: socket.socket) -> None:
        with self._conns_lock:
            self._conns.add(sock)

    def untrack(self, sock: socket.socket) -> None:
        with self._conns_lock:
            self._conns.discard(sock)

    def close_all_connections(self) -> None:
        with self._conns_lock:
            conns, self._conns = list(self._conns), set()
        for sock in conns:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def handle_error(self, request: Any, client_address: Any) -> None:
        exc = sys.exc_info()[1]
        if isinstance(exc, (OSError, ssl.SSLError)):
            logger.debug("fixtureweb: connection error from %s: %s", client_address, exc)
        else:
            logger.exception("fixtureweb: error handling request from %s", client_address)


class FixtureWeb:
    """The fixture web server; use as a context manager (or ``start()`` / ``stop()``).

    >>> with FixtureWeb(roots=[my_pages, FixtureWeb.default_root()]) as web:   # doctest: +SKIP
    ...     subprocess.run([...], env=web.env())
    ...     assert any(r.url == "https://example.test/" for r in web.requests)
    """

    def __init__(
        self,
        roots: Sequence[str | os.PathLike[str]] | None = None,
        delay_ms: float = 0,
        log_path: str | os.PathLike[str] | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self.store = FixtureStore(list(roots) if roots else [self.default_root()])
        self.delay_ms = float(delay_ms)
        self.log_path = Path(log_path) if log_path is not None else None
        self.bind_host = host
        self.bind_port = port
        self._log: list[LoggedRequest] = []
        self._log_lock = threading.Lock()
        self._log_file: TextIO | None = None
        self._server: FixtureServer | None = None
        self._thread: threading.Thread | None = None
        self._holds: list[Hold] = []
        self.cert_pem: bytes = b""

    @staticmethod
    def default_root() -> Path:
        """The bundled fixture data: ``fixtureweb/web``."""
        return Path(__file__).resolve().parent / "web"

    # ---- lifecycle

    def start(self) -> FixtureWeb:
        if self._server is not None:
            return self
        cert_pem, key_pem = make_certificate(self.store.hosts())
        self.cert_pem = cert_pem
        ctx = server_ssl_context(cert_pem, key_pem)
        if self.log_path is not None:
            self._log_file = self.log_path.open("a", encoding="utf-8")
        self._server = FixtureServer(
            (self.bind_host, self.bind_port), self.store, ctx, self.delay_ms, self._record
        )
        self._server.holds = self._holds
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.1},
            name=f"fixtureweb:{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def hold(self, url_part: str) -> Hold:
        """Hold every request whose URL contains ``url_part`` until the returned
        :class:`Hold` is released (``with web.hold(...)``: at the end of the block; at the
        latest at :meth:`stop`); see :class:`Hold`."""
        self._holds[:] = [h for h in self._holds if not h._released.is_set()]
        hold = Hold(url_part)
        self._holds.append(hold)
        return hold

    def release_all(self) -> None:
        """Release and forget every hold."""
        holds, self._holds[:] = list(self._holds), []
        for hold in holds:
            hold.release()

    def stop(self) -> None:
        self.release_all()
        server, self._server = self._server, None
        if server is None:
            return
        server.shutdown()
        server.server_close()
        server.close_all_connections()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        with self._log_lock:
            if self._log_file is not None:
                self._log_file.close()
                self._log_file = None

    def __enter__(self) -> FixtureWeb:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ---- addresses

    @property
    def address(self) -> tuple[str, int]:
        if self._server is None:
            raise RuntimeError("FixtureWeb is not running")
        host, port = self._server.server_address[:2]
        return str(host), int(port)

    @property
    def port(self) -> int:
        return self.address[1]

    @property
    def proxy_url(self) -> str:
        host, port = self.address
        return f"http://{host}:{port}"

    def env(self, base: Mapping[str, str] | None = None) -> dict[str, str]:
        """``base`` (default ``os.environ``) with every proxy variable pointing here.

        ``no_proxy``/``NO_PROXY`` (and ``all_proxy``/``ALL_PROXY``) are set to "" so nothing
        bypasses the fixture web.
        """
        env = dict(os.environ if base is None else base)
        url = self.proxy_url
        for name in ("http_proxy", "https_proxy"):
            env[name] = env[name.upper()] = url
        for name in ("no_proxy", "all_proxy"):
            env[name] = env[name.upper()] = ""
        return env

    # ---- the request log

    def _record(self, entry: LoggedRequest) -> None:
        with self._log_lock:
            self._log.append(entry)
            if self._log_file is not None:
                self._log_file.write(json.dumps(entry.to_json(), ensure_ascii=False) + "\n")
                self._log_file.flush()

    @property
    def requests(self) -> list[LoggedRequest]:
        """A snapshot of the request log (CONNECTs included, with ``method == "CONNECT"``)."""
        with self._log_lock:
            return list(self._log)

    def clear_log(self) -> None:
        with self._log_lock:
            self._log.clear()

    def urls(self) -> list[str]:
        """URLs of all non-CONNECT requests, in order."""
        return [r.url for r in self.requests if r.method != "CONNECT"]
