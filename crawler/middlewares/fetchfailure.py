"""Count and log downloads that finally failed (downloader middleware, 540).

Below RetryMiddleware: a download that finally failed (after RetryMiddleware gave up, or one it
does not retry: size limit, cancelled) is counted (``fault/fetch_failed``,
``fault/fetch_failed/<exception>``) and logged in one line; for requests without an errback it
is then turned into ``IgnoreRequest``, so Scrapy does not print a traceback for an ordinary
network fault. Requests with an errback get the original failure.

Which fault is handled where: docs/reliability.md.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.utils.misc import load_object

from crawler.extensions.runreport import note_failure

logger = logging.getLogger(__name__)


def _stat(crawler: Crawler, key: str, count: int = 1) -> None:
    if crawler.stats is not None:
        crawler.stats.inc_value(key, count)



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
