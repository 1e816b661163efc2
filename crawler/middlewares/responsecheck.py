"""Retry or drop bodies cut short, and stop redirect loops (downloader middleware, 940).

Right below the capture middleware (950), which archives every exchange as received:

* a body cut short (Scrapy's ``dataloss`` flag: the connection closed before
  ``Content-Length`` bytes arrived; archived ``WARC-Truncated: disconnect``) is retried like a
  network error (``RETRY_TIMES``, ``max_retry_times`` and ``dont_retry`` in meta); when the
  retries are used up the response is dropped, so no text is ever written from a partial page
  (stats ``fault/incomplete_body``, ``fault/incomplete_dropped``);
* a redirect to a URL already visited in the same redirect chain is a loop: dropped
  (``fault/redirect_loop``); a redirect past ``REDIRECT_MAX_TIMES`` is counted
  (``fault/redirect_limit``) before RedirectMiddleware drops it.

Which fault is handled where: docs/reliability.md.
"""

from __future__ import annotations

import logging
from urllib.parse import urljoin

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import get_retry_request
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from w3lib.url import safe_url_string

logger = logging.getLogger(__name__)

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})


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
