"""Downloader middlewares that keep a crawl going, and its outputs honest, when servers fail.

The capture middleware (950) archives every exchange as received, faults included. These
middlewares decide what the rest of the crawl does with a faulty answer, count it in the stats
(``fault/...``) and log one line about it:

:class:`ResponseCheckMiddleware` (940, right below the capture)
    * a body cut short (Scrapy's ``dataloss`` flag: the connection closed before
      ``Content-Length`` bytes arrived; archived ``WARC-Truncated: disconnect``) is retried like
      a network error (``RETRY_TIMES``, ``max_retry_times`` and ``dont_retry`` in meta); when
      the retries are used up the response is dropped, so no text is ever written from a
      partial page (stats ``fault/incomplete_body``, ``fault/incomplete_dropped``);
    * a redirect to a URL already visited in the same redirect chain is a loop: dropped
      (``fault/redirect_loop``); a redirect past ``REDIRECT_MAX_TIMES`` is counted
      (``fault/redirect_limit``) before RedirectMiddleware drops it.
:class:`ContentCheckMiddleware` (580, after decompression)
    * a body labelled as text (``text/html``...) that is binary (NUL bytes or mostly control
      characters, and not UTF-16/32) becomes a plain, non-text response, so spiders archive it
      but never parse or extract it (``fault/binary_as_text``);
    * an empty ``200`` body is counted (``fault/empty_body``).
:class:`FetchFailureMiddleware` (540, below RetryMiddleware)
    * a download that finally failed (after RetryMiddleware gave up, or one it does not retry:
      size limit, cancelled) is counted (``fault/fetch_failed``,
      ``fault/fetch_failed/<exception>``) and logged in one line; for requests without an
      errback it is then turned into ``IgnoreRequest``, so Scrapy does not print a traceback
      for an ordinary network fault. Requests with an errback get the original failure.

The HTTP faults that need no code here: 5xx and 429 are archived and retried by Scrapy's
RetryMiddleware (429 and 503 after the wait ``Retry-After`` asks for, see
:mod:`crawler.middlewares.retryafter`); timeouts, size limits and lost connections are
archived with what arrived by the capture middleware, then retried or counted here.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urljoin

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import get_retry_request
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response, TextResponse
from scrapy.utils.misc import load_object
from w3lib.url import safe_url_string

from crawler.extensions.runreport import note_failure

logger = logging.getLogger(__name__)

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
#: bytes looked at to decide whether a body labelled as text is binary
SNIFF_BYTES = 8192
_TEXT_CONTROLS = frozenset(b"\t\n\r\f\x0b\x1b")
#: control bytes that do not occur in text (deleted by bytes.translate to count them fast)
_BINARY_CONTROLS = bytes(b for b in [*range(0x20), 0x7F] if b not in _TEXT_CONTROLS)


def looks_binary(body: bytes, encoding: str | None = None) -> bool:
    """Is ``body`` binary data rather than text? NUL bytes or > 10 % control characters in
    the first :data:`SNIFF_BYTES` (UTF-16/32 text, which has NULs, is text)."""
    head = body[:SNIFF_BYTES]
    if not head:
        return False
    enc = (encoding or "").lower().replace("_", "-")
    if "16" in enc or "32" in enc or head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return False
    if b"\x00" in head:
        return True
    controls = len(head) - len(head.translate(None, _BINARY_CONTROLS))
    return controls > len(head) // 10


def _stat(crawler: Crawler, key: str, count: int = 1) -> None:
    if crawler.stats is not None:
        crawler.stats.inc_value(key, count)


class ResponseCheckMiddleware:
    """Retry or drop truncated bodies, stop redirect loops; see the module docstring."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        settings = crawler.settings
        self.max_retry_times = settings.getint("RETRY_TIMES")
        self.retry_enabled = settings.getbool("RETRY_ENABLED", True)
        self.max_redirects = settings.getint("REDIRECT_MAX_TIMES", 20)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ResponseCheckMiddleware:
        return cls(crawler)

    def process_response(self, request: Request, response: Response) -> Request | Response:
        if "dataloss" in response.flags:
            return self._incomplete(request, response)
        if response.status in REDIRECT_STATUSES and not request.meta.get("dont_redirect"):
            self._check_redirect(request, response)
        return response

    def _incomplete(self, request: Request, response: Response) -> Request | Response:
        _stat(self.crawler, "fault/incomplete_body")
        declared = response.headers.get(b"Content-Length")
        size = f"{len(response.body)} of {declared.decode('latin-1')}" if declared \
            else str(len(response.body))
        reason = f"incomplete body ({size} bytes: the connection closed early)"
        retry = None
        if self.retry_enabled and not request.meta.get("dont_retry"):
            retry = get_retry_request(
                request, spider=self.crawler.spider, reason="incomplete body",
                max_retry_times=request.meta.get("max_retry_times", self.max_retry_times))
        if retry is not None:
            return retry
        _stat(self.crawler, "fault/incomplete_dropped")
        logger.warning("dropped %s: %s; archived as WARC-Truncated, no text written",
                       request.url, reason)
        raise IgnoreRequest(f"{reason}: {request.url}")

    def _check_redirect(self, request: Request, response: Response) -> None:
        location = response.headers.get(b"Location")
        if not location:
            return
        try:
            target = urljoin(request.url, safe_url_string(location))
        except ValueError:
            return
        chain = [*request.meta.get("redirect_urls", []), request.url]
        if target.partition("#")[0] in {u.partition("#")[0] for u in chain}:
            _stat(self.crawler, "fault/redirect_loop")
            logger.warning("redirect loop dropped: %s -> %s (chain of %d: %s)", request.url,
                           target, len(chain), " -> ".join(chain))
            raise IgnoreRequest(f"redirect loop: {request.url} -> {target}")
        ttl = request.meta.get("redirect_ttl", self.max_redirects)
        if request.meta.get("redirect_times", 0) + 1 > self.max_redirects or ttl <= 0:
            _stat(self.crawler, "fault/redirect_limit")
            logger.warning("redirect chain longer than REDIRECT_MAX_TIMES (%d) dropped at %s "
                           "(started at %s)", self.max_redirects, request.url, chain[0])


class ContentCheckMiddleware:
    """Binary bodies labelled as text, empty bodies; see the module docstring."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ContentCheckMiddleware:
        return cls(crawler)

    def process_response(self, request: Request, response: Response) -> Response:
        if request.method == "HEAD":
            return response
        if response.status == 200 and not response.body:
            _stat(self.crawler, "fault/empty_body")
            logger.info("empty body: %s (archived; nothing to extract)", response.url)
            return response
        if isinstance(response, TextResponse):
            declared = response.headers.get(b"Content-Type", b"").decode("latin-1")
            if looks_binary(response.body, _charset(declared)):
                _stat(self.crawler, "fault/binary_as_text")
                logger.warning("binary body labelled %r: %s (archived; not parsed or "
                               "extracted)", declared or "text", response.url)
                return Response(
                    response.url, status=response.status, headers=response.headers,
                    body=response.body, flags=[*response.flags, "binary-body"],
                    request=response.request, certificate=response.certificate,
                    ip_address=response.ip_address, protocol=response.protocol)
        return response


def _charset(content_type: str) -> str | None:
    for param in content_type.split(";")[1:]:
        name, _, value = param.strip().partition("=")
        if name.strip().lower() == "charset":
            return value.strip().strip("\"'")
    return None


class FetchFailureMiddleware:
    """Count and log downloads that finally failed; see the module docstring."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        settings = crawler.settings
        self.retry_exceptions = tuple(
            load_object(x) if isinstance(x, str) else x
            for x in settings.getlist("RETRY_EXCEPTIONS"))
        self.retry_enabled = settings.getbool("RETRY_ENABLED", True)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FetchFailureMiddleware:
        return cls(crawler)

    def process_exception(self, request: Request, exception: Exception) -> Any:
        if isinstance(exception, IgnoreRequest):
            return None
        name = type(exception).__name__
        _stat(self.crawler, "fault/fetch_failed")
        _stat(self.crawler, f"fault/fetch_failed/{name}")
        text = str(exception).strip().splitlines()
        detail = f"{name}: {text[0]}" if text else name
        retried = request.meta.get("retry_times", 0)
        gave_up = (self.retry_enabled and not request.meta.get("dont_retry")
                   and isinstance(exception, self.retry_exceptions))
        attempts = f" after {retried + 1} attempts" if gave_up else ""
        logger.warning("fetch failed%s: %s: %s", attempts, request.url, detail)
        note_failure(self.crawler, request.url, "fetch", detail, request)
        if request.errback is None:
            raise IgnoreRequest(f"fetch failed: {detail}") from exception
        return None
