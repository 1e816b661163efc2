"""Downloader middleware: honour ``Retry-After`` on 429 and 503 answers, for every host.

Scrapy's RetryMiddleware retries 429 and 503 at once and ignores ``Retry-After``, which is
exactly what a rate-limited server asks clients not to do. This middleware (priority 555, so
it sees responses before RetryMiddleware at 550) handles a ``429`` (with or without
``Retry-After``) and a ``503`` with ``Retry-After``:

* the response's download slot (its host, or ``request.meta["download_slot"]``) is paused for
  the time the server asks (delta-seconds or an HTTP date), or ``RETRY_AFTER_DEFAULT`` seconds
  for a 429 without a usable header, at most ``RETRY_AFTER_MAX`` (a longer wait is cut, with
  a warning): every request of that slot waits in ``process_request`` until the pause ends,
  while other hosts go on;
* the request is retried (counted against ``RETRY_TIMES`` / ``max_retry_times`` like any
  retry); when the retries are used up the response is passed on with ``dont_retry`` so
  RetryMiddleware does not retry it at once.

Every 429/503 is archived by the capture middleware before this runs. Requests on the Wayback
Machine are left to :class:`crawler.wayback.WaybackRetryAfterMiddleware` when a spider enables
it (it has its own slots and limits). ``dont_retry`` in meta switches this off per request.

Settings: ``RETRY_AFTER_ENABLED`` [True], ``RETRY_AFTER_DEFAULT`` [10] seconds,
``RETRY_AFTER_MAX`` [300] seconds.
Stats: ``retryafter/paused``, ``retryafter/paused_seconds``, ``retryafter/gave_up``.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import get_retry_request
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from scrapy.utils.httpobj import urlparse_cached

from crawler.wayback import RETRY_AFTER_MIDDLEWARE, retry_after_seconds, slot_for

logger = logging.getLogger(__name__)

RETRY_AFTER_DEFAULT = 10.0
RETRY_AFTER_MAX = 300.0


class RetryAfterMiddleware:
    """Pause a host for its ``Retry-After``, then retry; see the module docstring."""

    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        if not settings.getbool("RETRY_AFTER_ENABLED", True):
            raise NotConfigured("RETRY_AFTER_ENABLED is off")
        self.crawler = crawler
        self.stats = crawler.stats
        self.default_wait = settings.getfloat("RETRY_AFTER_DEFAULT", RETRY_AFTER_DEFAULT)
        self.max_wait = settings.getfloat("RETRY_AFTER_MAX", RETRY_AFTER_MAX)
        self.max_retry_times = settings.getint("RETRY_TIMES")
        self.retry_enabled = settings.getbool("RETRY_ENABLED", True)
        self.wayback_handled = bool(
            settings.getdict("DOWNLOADER_MIDDLEWARES").get(RETRY_AFTER_MIDDLEWARE))
        #: slot key -> time.monotonic() at which its requests may go again
        self.paused_until: dict[str, float] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RetryAfterMiddleware:
        return cls(crawler)

    @staticmethod
    def slot_key(request: Request) -> str:
        """The download slot key Scrapy's downloader uses for ``request``."""
        key = request.meta.get("download_slot")
        return str(key) if key is not None else (urlparse_cached(request).hostname or "")

    async def process_request(self, request: Request) -> None:
        key = self.slot_key(request)
        if not self.paused_until.get(key):
            return None
        from scrapy.utils.asyncio import sleep

        while (wait := self.paused_until.get(key, 0.0) - time.monotonic()) > 0:
            await sleep(wait)
        return None

    def process_response(self, request: Request, response: Response) -> Any:
        header = response.headers.get(b"Retry-After")
        if response.status != 429 and not (response.status == 503 and header):
            return response
        if request.meta.get("dont_retry") or not self.retry_enabled:
            return response
        if self.wayback_handled and slot_for(request.url) is not None:
            return response
        wait = retry_after_seconds(header)
        if wait is None:
            wait = self.default_wait
        if wait > self.max_wait:
            logger.warning("Retry-After %.0f s from %s cut to %.0f s (RETRY_AFTER_MAX)", wait,
                           request.url, self.max_wait)
            wait = self.max_wait
        key = self.slot_key(request)
        retry = get_retry_request(
            request, spider=self.crawler.spider, reason=f"{response.status} (Retry-After)",
            max_retry_times=request.meta.get("max_retry_times", self.max_retry_times))
        if retry is None:
            if self.stats is not None:
                self.stats.inc_value("retryafter/gave_up")
            request.meta["dont_retry"] = True
            return response
        self.paused_until[key] = max(self.paused_until.get(key, 0.0), time.monotonic() + wait)
        if self.stats is not None:
            self.stats.inc_value("retryafter/paused")
            self.stats.inc_value("retryafter/paused_seconds", wait)
        logger.info("%d from %s: pausing %s for %.1f s (Retry-After: %s), then retrying",
                    response.status, request.url, key, wait,
                    header.decode("latin-1") if header else "none")
        return retry
