"""Downloader middleware that writes every HTTP exchange to WARC as it was received.

More: docs/modules.md, ``crawler/middlewares/warccapture.py``.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import threading
import time
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from functools import partial
from http import HTTPStatus
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import (
    DownloadTimeoutError,
    IgnoreRequest,
    NotConfigured,
    NotSupported,
    UnsupportedURLSchemeError,
)
from scrapy.http import Headers, Response

from archive.store.state import CrawlState
from archive.warc.writer import RecordPointer, http_head, sha1_digest
from crawler.archivethread import MAX_BATCH, ArchiveThread
from crawler.handler import (
    META_CONN_HEADERS,
    META_FETCH_START,
    META_PARTIAL,
    META_PHRASE,
    PartialResponse,
)
from crawler.middlewares.incremental import META_PREVIOUS
from crawler.outputerrors import output_failed
from crawler.outputs import CrawlOutputs

logger = logging.getLogger(__name__)

META_POINTER = "warc"
SKIP_FLAGS = frozenset({"cached", "warc-replay"})
# Connection-level headers Twisted consumes; recorded under Common Crawl's X-Crawler- prefix
# where they no longer describe the recorded bytes.
_RENAMED = {"transfer-encoding": "X-Crawler-Transfer-Encoding"}
_DROP_FROM_REQUEST = {b"proxy-authorization", b"proxy-connection"}


def status_line(response: Response, phrase: str | None) -> str:
    """``HTTP/1.1 200 OK``: protocol as negotiated, phrase as received when known."""
    protocol = response.protocol or "HTTP/1.1"
    if phrase is None:
        try:
            phrase = HTTPStatus(response.status).phrase
        except ValueError:
            phrase = ""
    return f"{protocol} {response.status} {phrase}".rstrip()


def response_headers(
    response: Response, conn_headers: list[tuple[str, str]] | None
) -> list[tuple[bytes, bytes]]:
    """Headers to record: the server's, with framing headers made true for the recorded body."""
    body_len = len(response.body)
    out: list[tuple[bytes, bytes]] = []
    declared_length: bytes | None = None
    for name, values in response.headers.items():
        if name.lower() == b"content-length":
            declared_length = values[-1] if values else None
            continue
        for value in values:
            out.append((name, value))
    for name, value in conn_headers or ():
        lname = name.lower()
        if lname == "content-length":
            declared_length = value.encode("latin-1")
        elif lname in _RENAMED:
            out.append((_RENAMED[lname].encode(), value.encode("latin-1")))
        else:
            out.append((name.encode("latin-1"), value.encode("latin-1")))
    if declared_length is not None and declared_length.strip() != str(body_len).encode():
        out.append((b"X-Crawler-Content-Length", declared_length))
    out.append((b"Content-Length", str(body_len).encode()))
    return out


def request_head(request: Request) -> bytes:
    """The request line and headers as sent to the origin server (origin-form target)."""
    parts = urlsplit(request.url)
    target = parts.path or "/"
    if parts.query:
        target += "?" + parts.query
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    if parts.port and parts.port != {"http": 80, "https": 443}.get(parts.scheme):
        host += f":{parts.port}"
    headers: list[tuple[bytes, bytes]] = [(b"Host", host.encode("idna"))]
    for name, values in request.headers.items():
        if name.lower() in _DROP_FROM_REQUEST or name.lower() == b"host":
            continue
        for value in values:
            headers.append((name, value))
    if request.body:
        headers.append((b"Content-Length", str(len(request.body)).encode()))
    return http_head(f"{request.method} {target} HTTP/1.1", headers)


def _partial_response(request: Request, partial: PartialResponse) -> Response:
    """A Response built from the head and the body bytes that arrived before a failure."""
    headers = Headers()
    for name, value in partial.headers:
        headers.appendlist(name, value)
    if partial.declared_length is not None and b"Content-Length" not in headers:
        headers[b"Content-Length"] = str(partial.declared_length).encode()
    return Response(request.url, status=partial.status, headers=headers, body=partial.body,
                    request=request, protocol=partial.protocol, ip_address=partial.ip_address)


def _describe(exception: BaseException) -> str:
    """One line: the exception's type and first line of its message."""
    text = str(exception).strip().splitlines()
    return f"{type(exception).__name__}: {text[0]}" if text else type(exception).__name__


def _header(response: Response, name: bytes) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None


def is_html_response(response: Response) -> bool:
    """Will the spider treat this as a page (HTML)? Other bodies need no processing."""
    ctype = (_header(response, b"Content-Type") or "").lower()
    if "html" in ctype:
        return True
    return not ctype and response.body[:1024].lstrip().lower().startswith((b"<!doctype", b"<html"))


class WarcCaptureMiddleware:
    """Archive each request/response pair; see the module docstring."""

    def __init__(self, crawler: Crawler) -> None:
        if not crawler.settings.getbool("WARC_ENABLED", True):
            raise NotConfigured("WARC_ENABLED is off")
        self.crawler = crawler
        self.outputs = CrawlOutputs.from_crawler(crawler)
        self.stats = crawler.stats
        # Records are compressed, hashed and written in one dedicated thread, a batch at a time,
        # the batch's state rows committed together behind its records (crawler.archivethread):
        # the reactor thread goes on with other responses meanwhile, and one thread keeps the
        # records in the order their responses arrived.
        self._thread: ArchiveThread | None = None
        if crawler.settings.getbool("WARC_WRITE_THREAD", True):
            self._thread = ArchiveThread(self._transaction)
            crawler.signals.connect(self._shutdown, signal=signals.spider_closed)
        self._loop: asyncio.AbstractEventLoop | None = None
        #: (url, payload digest) -> original capture, of records whose state rows the writer
        #: thread has not committed yet (a revisit within one batch still finds its original)
        self._uncommitted: dict[tuple[str, str], dict[str, Any]] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarcCaptureMiddleware:
        return cls(crawler)

    def _shutdown(self) -> None:
        if self._thread is not None:
            self._thread.shutdown()
            if self.stats is not None and self._thread.jobs:
                # the writer thread's own CPU (time.thread_time): bench.crawl --profile
                self.stats.set_value("warc/thread_cpu_ms", round(1000 * self._thread.cpu_seconds))
                self.stats.set_value("warc/thread_batches", self._thread.batches)

    def _transaction(self) -> AbstractContextManager[Any]:
        state = self.outputs.state
        if isinstance(state, CrawlState):
            return state.transaction()
        return nullcontext()

    def _stat(self, key: str, count: int = 1) -> None:
        """Count in the stats from the reactor thread, whichever thread archives."""
        if self.stats is None:
            return
        if self._loop is not None and threading.current_thread() is not threading.main_thread():
            self._loop.call_soon_threadsafe(self.stats.inc_value, key, count)
        else:
            self.stats.inc_value(key, count)

    def process_request(self, request: Request) -> None:
        # A redirect or retry copies meta: drop the previous exchange's pointer.
        request.meta.pop(META_POINTER, None)
        request.meta.pop(META_PARTIAL, None)
        return None

    async def process_response(self, request: Request, response: Response) -> Response:
        request.meta.pop(META_PARTIAL, None)
        if SKIP_FLAGS.intersection(response.flags):
            return response
        try:
            if self._thread is None:
                pointer = self._archive(request, response)
            else:
                if self._loop is None:
                    # created here, in the reactor thread, never racing the pipelines' first use
                    _ = self.outputs.warc, self.outputs.state
                    self._loop = asyncio.get_running_loop()
                pointer = await self._thread.submit(self._archive_later, request, response)
        except (OSError, sqlite3.Error) as exc:
            self._write_failed(request, exc)
            raise IgnoreRequest(f"not archived: {exc}") from exc
        request.meta[META_POINTER] = pointer.to_dict()
        if self.stats is not None:
            self.stats.inc_value(f"warc/{pointer.warc_type}s")
            self.stats.inc_value("warc/bytes", pointer.length)
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        """Archive what arrived of a download that failed (see the module docstring)."""
        partial = request.meta.pop(META_PARTIAL, None)
        if isinstance(exception, IgnoreRequest | NotSupported | UnsupportedURLSchemeError):
            return None
        try:
            if isinstance(partial, PartialResponse):
                reason = self._truncation_reason(request, exception, partial)
                response = _partial_response(request, partial)
                pointer = self._archive(request, response, truncated=reason)
                request.meta[META_POINTER] = pointer.to_dict()
                if self.stats is not None:
                    self.stats.inc_value("warc/responses")
                    self.stats.inc_value("warc/bytes", pointer.length)
                declared = partial.declared_length
                logger.info(
                    "incomplete download archived (WARC-Truncated: %s): %s: %d%s body bytes "
                    "received: %s", reason, request.url, len(response.body),
                    f" of {declared}" if declared is not None else "", _describe(exception))
            else:
                self.outputs.warc.write_metadata(request.url, [
                    ("fetch-error", type(exception).__name__),
                    ("fetch-error-detail", _describe(exception)),
                    ("request-method", request.method),
                ])
                if self.stats is not None:
                    self.stats.inc_value("warc/fetch_errors")
                logger.info("no response to archive for %s (%s); failed attempt noted in a "
                            "metadata record", request.url, _describe(exception))
        except (OSError, sqlite3.Error) as exc:
            self._write_failed(request, exc)
        return None

    def _truncation_reason(self, request: Request, exception: Exception,
                           partial: PartialResponse) -> str:
        """WARC-Truncated value for a download abandoned with ``exception``."""
        if isinstance(exception, DownloadTimeoutError | TimeoutError):
            return "time"
        maxsize = request.meta.get("download_maxsize",
                                   self.crawler.settings.getint("DOWNLOAD_MAXSIZE"))
        if partial.kept is not None or (maxsize and (partial.declared_length or 0) > maxsize):
            return "length"
        return "disconnect"

    def _archive_later(self, request: Request, response: Response
                       ) -> tuple[RecordPointer, list[Callable[[], None]]]:
        """In the writer thread: write the records now, the state row after the batch."""
        later: list[Callable[[], None]] = []
        return self._archive(request, response, later=later), later

    def _archive(self, request: Request, response: Response, truncated: str | None = None,
                 later: list[Callable[[], None]] | None = None) -> RecordPointer:
        """Write the exchange as a response record, or as a revisit of an earlier capture.
        Its crawl-state row is written at once, or appended to ``later`` (a callable) when
        given (the writer thread commits a batch's rows together, after its records)."""
        writer = self.outputs.warc
        state = self.outputs.state
        url = response.url
        if truncated is None and "dataloss" in response.flags:
            truncated = "disconnect"
        elif truncated is None and "download_stopped" in response.flags:
            truncated = "unspecified"
        head = http_head(
            status_line(response, request.meta.get(META_PHRASE)),
            response_headers(response, request.meta.get(META_CONN_HEADERS)),
        )
        common: dict[str, Any] = {
            "url": url,
            "response_head": head,
            "request_head": request_head(request),
            "timestamp": request.meta.get(META_FETCH_START) or time.time(),
            "ip_address": str(response.ip_address) if response.ip_address else None,
        }
        etag = _header(response, b"ETag")
        last_modified = _header(response, b"Last-Modified")
        digest = sha1_digest(response.body)
        previous = request.meta.get(META_PREVIOUS)
        original = None
        profile = None
        if response.status == 304 and previous and previous.get("record_id"):
            profile = "server-not-modified"
            original = {"record_id": previous["record_id"], "warc_date": previous["warc_date"],
                        "payload_digest": previous["payload_digest"], "url": url}
        elif response.status == 200 and not truncated and state is not None:
            original = self._uncommitted.get((url, digest)) or state.original_for(url, digest)
            profile = "identical-payload-digest" if original else None
        if original and profile:
            pointer = writer.write_revisit(
                **common,
                payload_digest=original["payload_digest"] or digest,
                profile=profile,
                refers_to=original["record_id"],
                refers_to_uri=original["url"],
                refers_to_date=original["warc_date"],
            )
            if state is not None:
                self._record(later, partial(
                    state.record_fetch, url, status=200, etag=etag,
                    last_modified=last_modified, pointer=None, html=False,
                    run_id=self.outputs.run_id, full_capture=False))
            return pointer
        pointer = writer.write_exchange(
            **common, body=response.body, request_body=request.body, truncated=truncated,
            payload_digest=digest,
        )
        if truncated:
            self._stat("warc/truncated")
            self._stat(f"warc/truncated/{truncated}")
        if state is not None and not truncated:
            as_dict = pointer.to_dict()
            self._record(later, partial(
                state.record_fetch, url, status=response.status, etag=etag,
                last_modified=last_modified, pointer=as_dict, html=is_html_response(response),
                run_id=self.outputs.run_id))
            if later is not None and response.status == 200:
                if len(self._uncommitted) >= 4 * MAX_BATCH:
                    self._uncommitted.clear()  # those are committed long since
                self._uncommitted.setdefault((url, digest), {
                    "record_id": pointer.record_id, "filename": pointer.filename,
                    "offset": pointer.offset, "warc_date": pointer.warc_date, "url": url,
                    "payload_digest": digest})
        return pointer

    @staticmethod
    def _record(later: list[Callable[[], None]] | None, write: Callable[[], None]) -> None:
        if later is None:
            write()
        else:
            later.append(write)

    def _write_failed(self, request: Request, exc: OSError | sqlite3.Error) -> None:
        if self.stats is not None:
            self.stats.inc_value("warc/write_errors")
        # logged there; a full disk stops the crawl (crawler.outputerrors), written files
        # are intact
        output_failed(self.crawler, exc, f"archiving {request.url}")
