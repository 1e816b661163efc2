"""HTTP/1.1 download handler that keeps what a WARC needs and Scrapy throws away.

Scrapy's own handler builds a :class:`~scrapy.http.Response` from Twisted's response and drops
three things a faithful archive wants:

* the reason phrase of the status line (``HTTP/1.1 404 Not Found``: Scrapy keeps only ``404``);
* the connection-level headers Twisted consumes while framing the body (``Transfer-Encoding``,
  ``Connection``, ``Keep-Alive``...), so a de-chunked body can be recorded with a note of how it
  was framed on the wire, as Browsertrix does;
* the wall-clock time the request was sent (Scrapy measures only a monotonic latency).

More: docs/modules.md, ``crawler/handler.py``.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from scrapy import Request
from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler
from scrapy.exceptions import ResponseDataLossError
from scrapy.http import Response
from scrapy.utils._download_handlers import get_dataloss_msg, wrap_twisted_exceptions
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.web.iweb import UNKNOWN_LENGTH

logger = logging.getLogger(__name__)

#: request.meta key: the reason phrase as received (str), e.g. "Not Found"
META_PHRASE = "_capture_status_phrase"
#: request.meta key: connection-level response headers Twisted consumed, list of (name, value)
META_CONN_HEADERS = "_capture_conn_headers"
#: request.meta key: wall-clock time (epoch seconds, float) the request was started
META_FETCH_START = "_capture_fetch_start"
#: request.meta key: :class:`PartialResponse` - what had arrived of the response so far, for the
#: capture middleware when the download then fails (timeout, size limit, lost connection)
META_PARTIAL = "_capture_partial"

try:  # private in Scrapy 2.19; see module docstring
    from scrapy.core.downloader.handlers.http11 import _ScrapyAgent
except ImportError:  # pragma: no cover - depends on the Scrapy version
    _ScrapyAgent = None  # type: ignore[assignment,misc]


def _connection_headers(txresponse: Any) -> list[tuple[str, str]]:
    """Connection headers (Transfer-Encoding...) that Twisted's parser kept to itself.

    The parser hangs off the HTTP11ClientProtocol, which sits under a stack of wrappers that
    differs between plain, proxied and tunnelled TLS connections: tcp.Client -> (TLS ->)
    endpoint wrapper -> protocol. Walk down until an object has the parser.
    """
    proxy = getattr(txresponse, "_transport", None)  # TransportProxyProducer
    node = getattr(proxy, "_producer", None)
    parser = None
    for _ in range(8):
        if node is None:
            break
        parser = getattr(node, "_parser", None)
        if parser is not None:
            break
        node = (
            getattr(node, "_wrappedProtocol", None)
            or getattr(node, "wrappedProtocol", None)
            or getattr(node, "protocol", None)
        )
    conn = getattr(parser, "connHeaders", None)
    if conn is None:
        return []
    out = []
    for name, values in conn.getAllRawHeaders():
        for value in values:
            out.append((name.decode("latin-1"), value.decode("latin-1")))
    return out


class PartialResponse:
    """The head of a response and the body bytes received so far, kept while it downloads.

    Scrapy raises instead of returning a response when a body download times out, grows past
    ``DOWNLOAD_MAXSIZE`` or loses its connection in a way Twisted does not call data loss; the
    capture middleware then archives what this object holds, marked ``WARC-Truncated``.
    ``body_limit`` bytes at most are kept (the size limit: what a size-limited capture keeps).
    """

    def __init__(self, txresponse: Any) -> None:
        self.status = int(txresponse.code)
        version = getattr(txresponse, "version", None) or (b"HTTP", 1, 1)
        name = version[0].decode("ascii") if isinstance(version[0], bytes) else str(version[0])
        self.protocol = f"{name}/{version[1]}.{version[2]}"
        self.headers = [
            (name, value) for name, values in txresponse.headers.getAllRawHeaders()
            for value in values
        ]
        self.declared_length = None if txresponse.length == UNKNOWN_LENGTH else txresponse.length
        self.reader: Any = None
        self.kept: bytes | None = None  # the first body_limit bytes, once the limit was passed
        self.body_limit = 0

    @property
    def body(self) -> bytes:
        """The body bytes received (at most ``body_limit`` when that was exceeded)."""
        if self.kept is not None:
            return self.kept
        buf = getattr(self.reader, "_bodybuf", None)
        return buf.getvalue() if buf is not None else b""

    @property
    def ip_address(self) -> Any:
        return getattr(self.reader, "_ip_address", None)

    def watch(self, protocol: Any) -> None:
        """Keep a reference to Scrapy's body reader, and its first ``maxsize`` bytes when the
        reader is about to throw its buffer away for exceeding the size limit."""
        self.reader = protocol
        self.body_limit = int(getattr(protocol, "_maxsize", 0) or 0)
        if not self.body_limit:
            return
        received = protocol.dataReceived

        def data_received(data: bytes) -> None:
            if (self.kept is None and not protocol._finished.called
                    and protocol._bytes_received + len(data) > self.body_limit):
                self.kept = (protocol._bodybuf.getvalue() + data)[: self.body_limit]
            received(data)

        protocol.dataReceived = data_received


if _ScrapyAgent is not None:

    class _CapturingAgent(_ScrapyAgent):  # type: ignore[misc,valid-type]
        def _cb_bodyready(self, txresponse: Any, request: Request) -> Any:
            try:
                partial = PartialResponse(txresponse)
                deliver = txresponse.deliverBody

                def deliver_body(protocol: Any) -> None:
                    partial.watch(protocol)
                    deliver(protocol)

                txresponse.deliverBody = deliver_body
                request.meta[META_PARTIAL] = partial
            except Exception:  # never let archiving details break a download
                logger.debug("could not watch the body of %s", request.url, exc_info=True)
            return super()._cb_bodyready(txresponse, request)

        def _cb_latency(self, result: Any, request: Request, start_time: float) -> Any:
            result = super()._cb_latency(result, request, start_time)
            latency = request.meta.get("download_latency", 0.0)
            request.meta[META_FETCH_START] = time.time() - latency
            phrase = getattr(result, "phrase", None)
            if isinstance(phrase, bytes):
                request.meta[META_PHRASE] = phrase.decode("latin-1")
            try:
                request.meta[META_CONN_HEADERS] = _connection_headers(result)
            except Exception:  # never let archiving details break a download
                logger.debug("could not read connection headers for %s", request.url)
            return result


class CapturingHTTP11DownloadHandler(HTTP11DownloadHandler):
    """Scrapy's HTTP/1.1 handler, recording status phrase, connection headers and start time."""

    async def download_request(self, request: Request) -> Response:
        if _ScrapyAgent is None:  # pragma: no cover
            return await super().download_request(request)
        agent = _CapturingAgent(
            contextFactory=self._contextFactory,
            bindAddress=self._bind_address,
            pool=self._pool,
            maxsize=self._default_maxsize,
            warnsize=self._default_warnsize,
            fail_on_dataloss=self._fail_on_dataloss,
            crawler=self._crawler,
            tls_verbose_logging=self._tls_verbose_logging,
        )
        try:
            with wrap_twisted_exceptions():
                return await maybe_deferred_to_future(agent.download_request(request))
        except ResponseDataLossError:
            if not self._fail_on_dataloss_warned:
                logger.warning(get_dataloss_msg(request.url))
                self._fail_on_dataloss_warned = True
            raise
