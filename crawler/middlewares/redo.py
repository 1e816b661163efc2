"""Spider middleware: a crawl first redoes the pages whose outputs an earlier crawl could not
write.

When a page's text or row could not be written (a folder made read-only, an I/O error), the
text pipeline leaves it marked in the crawl state (``processed = 2``,
:meth:`archive.store.state.CrawlState.mark_output_failed`) instead of done. The next crawl of
the same spider into the same root asks for those URLs before its own start requests, whether or not
its listings still link to them; :mod:`crawler.middlewares.incremental` serves each from its
archived record (nothing is fetched again), and the pipelines write what was missing.

Stat: ``incremental/redo_scheduled``.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import AsyncIterator
from typing import Any

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from crawler.outputs import CrawlOutputs

logger = logging.getLogger(__name__)
META_REDO = "redo_outputs"


class RedoMiddleware:
    """Schedules the pages left to redo; see the module docstring."""

    def __init__(self, crawler: Crawler) -> None:
        if not crawler.settings.getbool("INCREMENTAL_ENABLED", True):
            raise NotConfigured
        self.crawler = crawler
        self.outputs = CrawlOutputs.from_crawler(crawler)
        if not self.outputs.state_enabled:
            raise NotConfigured("STATE_ENABLED is off")

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RedoMiddleware:
        return cls(crawler)

    async def process_start(self, start: AsyncIterator[Any]) -> AsyncIterator[Any]:
        spider = self.crawler.spider
        for request in self._redo_requests(spider):
            yield request
        async for item_or_request in start:
            yield item_or_request

    def _redo_requests(self, spider: Any) -> list[Request]:
        state = self.outputs.state
        if state is None or not hasattr(state, "pending_outputs"):
            return []
        try:
            urls = state.pending_outputs(getattr(spider, "name", None))
        except (OSError, sqlite3.Error) as exc:
            logger.error("cannot read the pages left to redo from the crawl state: %s", exc)
            return []
        if not urls:
            return []
        logger.warning("%d page(s) whose text an earlier crawl could not write: redone from "
                       "the archive first", len(urls))
        self.crawler.stats.set_value("incremental/redo_scheduled", len(urls))
        make = getattr(spider, "request_for", None)
        requests = []
        for url in urls:
            request = make(url) if make is not None else Request(url, callback=spider.parse)
            request.meta[META_REDO] = True
            requests.append(request)
        return requests
